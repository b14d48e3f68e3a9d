package io.llmgateway.rag.document;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.MemoryUsageSetting;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeFilter;
import org.jspecify.annotations.Nullable;

/**
 * Turns an uploaded file into plain text: UTF-8 text, Markdown (markup stripped lightly), HTML (the visible
 * text, with paragraph and heading breaks) and PDF (text page by page). Anything else, or a damaged file,
 * is a {@link DocumentException} whose message can be shown to the user as the file's {@code last_error}.
 *
 * <p>Safe on untrusted input: nothing is fetched (HTML is parsed without a base URI, PDFs from memory with a
 * bounded cache), no XML entity is resolved, deep HTML nesting is walked without recursion, and the Markdown
 * rewrites skip absurdly long lines so that no pattern can take quadratic time. The format is taken from the
 * file name's extension, and from the content type only when the name has none. Thread-safe and stateless.
 */
public final class DocumentParser {

    /** The most memory PDFBox may use for its stream cache while reading one PDF. */
    public static final long DEFAULT_MAX_PDF_CACHE_BYTES = 64L * 1024 * 1024;

    static final String SUPPORTED = "upload text (.txt), Markdown (.md), HTML (.html) or PDF (.pdf)";

    private static final int MAX_MESSAGE_DETAIL = 200;
    private static final int MAX_MARKDOWN_INLINE_LINE = 10_000;

    private final long maxPdfCacheBytes;

    public DocumentParser() {
        this(DEFAULT_MAX_PDF_CACHE_BYTES);
    }

    public DocumentParser(long maxPdfCacheBytes) {
        if (maxPdfCacheBytes <= 0) {
            throw new IllegalArgumentException("maxPdfCacheBytes must be positive");
        }
        this.maxPdfCacheBytes = maxPdfCacheBytes;
    }

    /**
     * The text of a file.
     *
     * @param content the file's bytes
     * @param filename the name it was uploaded with (a path is allowed; only the last segment counts)
     * @param contentType the declared media type, or {@code null}; used only when the name has no extension
     * @throws DocumentException when the type is not supported or the file cannot be read or holds no text
     */
    public ParsedDocument parse(byte[] content, String filename, @Nullable String contentType)
            throws DocumentException {
        DocumentFormat format = detect(filename, contentType);
        if (content == null || content.length == 0) {
            throw new DocumentException("the file is empty");
        }
        ParsedDocument parsed = switch (format) {
            case TEXT -> new ParsedDocument(format, normalize(decodeText(content)), 1);
            case MARKDOWN -> new ParsedDocument(format, normalize(markdownToText(decodeText(content))), 1);
            case HTML -> new ParsedDocument(format, normalize(htmlToText(content)), 1);
            case PDF -> pdfToText(content);
        };
        if (parsed.text().isBlank()) {
            throw new DocumentException(
                    format == DocumentFormat.PDF
                            ? "the PDF contains no extractable text (scanned pages are images, and OCR is not supported)"
                            : "the file contains no text");
        }
        return parsed;
    }

    /**
     * The format of a file from its name, or from its content type when the name has no extension.
     *
     * @throws DocumentException naming the unsupported extension or content type
     */
    public DocumentFormat detect(@Nullable String filename, @Nullable String contentType) throws DocumentException {
        String extension = extension(filename);
        if (extension != null) {
            return DocumentFormat.ofExtension(extension)
                    .orElseThrow(() -> new DocumentException("unsupported file type '."
                            + clip(extension.toLowerCase(Locale.ROOT), 20) + "': " + SUPPORTED));
        }
        Optional<DocumentFormat> byType = DocumentFormat.ofMediaType(contentType);
        if (byType.isPresent()) {
            return byType.get();
        }
        throw new DocumentException(
                contentType == null || contentType.isBlank()
                        ? "unsupported file type: the file name has no extension; " + SUPPORTED
                        : "unsupported file type '" + clip(contentType.trim(), 60) + "': " + SUPPORTED);
    }

    static @Nullable String extension(@Nullable String filename) {
        if (filename == null) {
            return null;
        }
        String name = filename.substring(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1)
                .trim();
        int dot = name.lastIndexOf('.');
        return dot <= 0 || dot == name.length() - 1 ? null : name.substring(dot + 1);
    }

    // ---- text -------------------------------------------------------------------------------------------

    static String decodeText(byte[] bytes) throws DocumentException {
        Charset charset = StandardCharsets.UTF_8;
        int offset = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            offset = 3;
        } else if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF) {
            charset = StandardCharsets.UTF_16BE;
            offset = 2;
        } else if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE) {
            charset = StandardCharsets.UTF_16LE;
            offset = 2;
        }
        if (charset.equals(StandardCharsets.UTF_8)) {
            for (int i = offset; i < bytes.length; i++) {
                if (bytes[i] == 0) {
                    throw new DocumentException(
                            "the file looks binary, not text (it contains NUL bytes); " + "upload UTF-8 text");
                }
            }
        }
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        String text;
        try {
            text = decoder.decode(ByteBuffer.wrap(bytes, offset, bytes.length - offset))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new DocumentException(
                    "the file is not valid " + (charset.equals(StandardCharsets.UTF_8) ? "UTF-8" : "UTF-16")
                            + " text; save it as UTF-8 and upload it again");
        }
        int control = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f')) {
                control++;
            }
        }
        if (control > 0 && (text.indexOf('\0') >= 0 || control * 100L > text.length())) {
            throw new DocumentException("the file looks binary, not text (it is full of control characters)");
        }
        return text;
    }

    /** Unified newlines, no control characters, no trailing spaces, at most one blank line in a row. */
    static String normalize(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int newlines = 0;
        int pendingSpaces = 0;
        boolean atLineStart = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    continue;
                }
                c = '\n';
            }
            if (c == '\f' || c == '\u2028' || c == '\u2029') {
                c = '\n';
            }
            if (c == '\n') {
                pendingSpaces = 0;
                newlines++;
                atLineStart = true;
                continue;
            }
            if (c == '\t' || c == ' ' || Character.isSpaceChar(c)) {
                pendingSpaces++;
                continue;
            }
            if (Character.isISOControl(c) || c == '\uFEFF' || c == '\u200B') {
                continue;
            }
            if (newlines > 0 && out.length() > 0) {
                out.append(newlines >= 2 ? "\n\n" : "\n");
            }
            if (pendingSpaces > 0 && !atLineStart) {
                out.append(' ');
            }
            newlines = 0;
            pendingSpaces = 0;
            atLineStart = false;
            out.append(c);
        }
        return out.toString();
    }

    // ---- Markdown ---------------------------------------------------------------------------------------

    private static final Pattern FENCE = Pattern.compile("^\\s{0,3}(```|~~~).*$");
    private static final Pattern ATX_HEADING = Pattern.compile("^\\s{0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern SETEXT_UNDERLINE = Pattern.compile("^\\s{0,3}(=+|-+)\\s*$");
    private static final Pattern RULE = Pattern.compile("^\\s{0,3}([-*_])(\\s*\\1){2,}\\s*$");
    private static final Pattern BLOCKQUOTE = Pattern.compile("^(\\s{0,3}>\\s?)+");
    private static final Pattern BULLET = Pattern.compile("^(\\s*)[*+-]\\s+");
    private static final Pattern TABLE_SEPARATOR =
            Pattern.compile("^\\s*\\|?\\s*:?-{2,}:?\\s*(\\|\\s*:?-{2,}:?\\s*)*\\|?\\s*$");
    private static final Pattern REFERENCE_DEFINITION = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s+\\S+.*$");
    private static final Pattern IMAGE = Pattern.compile("!\\[([^\\]]*)\\]\\([^)]*\\)");
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]+)\\]\\([^)]*\\)");
    private static final Pattern REFERENCE_LINK = Pattern.compile("\\[([^\\]]+)\\]\\[[^\\]]*\\]");
    private static final Pattern AUTOLINK = Pattern.compile("<((?:https?|mailto):[^>\\s]+)>");
    private static final Pattern INLINE_CODE = Pattern.compile("`+([^`]+)`+");
    private static final Pattern STRONG = Pattern.compile("(\\*\\*|__)(?=\\S)(.+?)(?<=\\S)\\1");
    private static final Pattern EMPHASIS_STAR = Pattern.compile("(?<![\\w*])\\*(?=\\S)(.+?)(?<=\\S)\\*(?![\\w*])");
    private static final Pattern EMPHASIS_UNDERSCORE = Pattern.compile("(?<![\\w_])_(?=\\S)(.+?)(?<=\\S)_(?![\\w_])");
    private static final Pattern STRIKE = Pattern.compile("~~(?=\\S)(.+?)(?<=\\S)~~");
    private static final Pattern HTML_TAG = Pattern.compile("</?[a-zA-Z][a-zA-Z0-9-]*(\\s[^<>]*)?/?>");
    private static final char ESCAPE_BASE = '\uE000';
    private static final String ESCAPABLE = "\\`*_{}[]()#+-.!|>~";

    static String markdownToText(String markdown) {
        String[] lines = markdown.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
        StringBuilder out = new StringBuilder(markdown.length());
        int start = skipFrontMatter(lines);
        boolean inFence = false;
        String fence = null;
        for (int i = start; i < lines.length; i++) {
            String line = lines[i];
            Matcher fenceMatcher = FENCE.matcher(line);
            if (fenceMatcher.matches() && (!inFence || line.trim().startsWith(fence))) {
                inFence = !inFence;
                fence = inFence ? fenceMatcher.group(1) : null;
                out.append('\n');
                continue;
            }
            if (inFence) {
                out.append(line).append('\n');
                continue;
            }
            // a rule, or the underline of a heading (whose text the previous line already wrote)
            if (RULE.matcher(line).matches()
                    || (SETEXT_UNDERLINE.matcher(line).matches() && previousIsText(lines, i))) {
                out.append('\n');
                continue;
            }
            if (TABLE_SEPARATOR.matcher(line).matches()
                    || REFERENCE_DEFINITION.matcher(line).matches()) {
                continue;
            }
            line = BLOCKQUOTE.matcher(line).replaceFirst("");
            Matcher heading = ATX_HEADING.matcher(line);
            if (heading.matches()) {
                out.append('\n').append(inline(heading.group(1))).append("\n\n");
                continue;
            }
            line = BULLET.matcher(line).replaceFirst("$1- ");
            String trimmed = line.trim();
            if (trimmed.startsWith("|") && trimmed.endsWith("|") && trimmed.length() > 1) {
                line = trimmed.substring(1, trimmed.length() - 1).trim();
            }
            out.append(inline(line)).append('\n');
        }
        return out.toString();
    }

    private static boolean previousIsText(String[] lines, int i) {
        return i > 0 && !lines[i - 1].isBlank() && !FENCE.matcher(lines[i - 1]).matches();
    }

    private static int skipFrontMatter(String[] lines) {
        if (lines.length > 1 && lines[0].trim().equals("---")) {
            for (int i = 1; i < Math.min(lines.length, 100); i++) {
                if (lines[i].trim().equals("---") || lines[i].trim().equals("...")) {
                    return i + 1;
                }
            }
        }
        return 0;
    }

    private static String inline(String line) {
        if (line.length() > MAX_MARKDOWN_INLINE_LINE) {
            return line;
        }
        // escaped characters are set aside first so that "\\*" never opens an emphasis
        String s = protectEscapes(line);
        s = IMAGE.matcher(s).replaceAll("$1");
        s = LINK.matcher(s).replaceAll("$1");
        s = REFERENCE_LINK.matcher(s).replaceAll("$1");
        s = AUTOLINK.matcher(s).replaceAll("$1");
        s = INLINE_CODE.matcher(s).replaceAll("$1");
        s = STRONG.matcher(s).replaceAll("$2");
        s = EMPHASIS_STAR.matcher(s).replaceAll("$1");
        s = EMPHASIS_UNDERSCORE.matcher(s).replaceAll("$1");
        s = STRIKE.matcher(s).replaceAll("$1");
        s = HTML_TAG.matcher(s).replaceAll("");
        return restoreEscapes(s);
    }

    private static String protectEscapes(String line) {
        if (line.indexOf('\\') < 0) {
            return line;
        }
        StringBuilder out = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            int escaped = c == '\\' && i + 1 < line.length() ? ESCAPABLE.indexOf(line.charAt(i + 1)) : -1;
            if (escaped >= 0) {
                out.append((char) (ESCAPE_BASE + escaped));
                i++;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String restoreEscapes(String line) {
        StringBuilder out = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            int escaped = c - ESCAPE_BASE;
            out.append(escaped >= 0 && escaped < ESCAPABLE.length() ? ESCAPABLE.charAt(escaped) : c);
        }
        return out.toString();
    }

    // ---- HTML -------------------------------------------------------------------------------------------

    private static final Set<String> SKIPPED = Set.of(
            "head",
            "script",
            "style",
            "noscript",
            "template",
            "svg",
            "math",
            "iframe",
            "object",
            "embed",
            "canvas",
            "select",
            "datalist",
            "audio",
            "video",
            "map");
    private static final Set<String> PARAGRAPHS = Set.of(
            "p",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "ul",
            "ol",
            "dl",
            "table",
            "blockquote",
            "pre",
            "section",
            "article",
            "header",
            "footer",
            "main",
            "aside",
            "nav",
            "figure",
            "form",
            "fieldset",
            "details",
            "address",
            "hr",
            "body");
    private static final Set<String> LINES = Set.of(
            "div",
            "li",
            "tr",
            "br",
            "dt",
            "dd",
            "figcaption",
            "caption",
            "summary",
            "legend",
            "label",
            "option",
            "thead",
            "tbody",
            "tfoot");
    private static final Set<String> CELLS = Set.of("td", "th");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    static String htmlToText(byte[] bytes) throws DocumentException {
        for (byte b : bytes) {
            if (b == 0) {
                throw new DocumentException("the file looks binary, not HTML (it contains NUL bytes)");
            }
        }
        Document document;
        try {
            // no base URI: relative links stay relative and nothing is ever fetched; the charset comes from a
            // BOM or a <meta charset>, UTF-8 otherwise
            document = Jsoup.parse(new ByteArrayInputStream(bytes), null, "");
        } catch (IOException | RuntimeException e) {
            throw new DocumentException("the HTML could not be read: " + detail(e));
        }
        StringBuilder out = new StringBuilder(bytes.length / 2);
        Element body = document.body();
        if (body != null) {
            body.filter(new TextCollector(out));
        }
        // the title names the page in search results; most pages repeat it in their first heading
        String title = WHITESPACE.matcher(document.title()).replaceAll(" ").trim();
        String text = out.toString().strip();
        return title.isEmpty() || text.startsWith(title) ? text : title + "\n\n" + text;
    }

    /** Visible text in document order, walked without recursion (jsoup's traversal is iterative). */
    private static final class TextCollector implements NodeFilter {

        private final StringBuilder out;
        private int preformatted;

        TextCollector(StringBuilder out) {
            this.out = out;
        }

        @Override
        public FilterResult head(Node node, int depth) {
            if (node instanceof TextNode text) {
                appendText(text.getWholeText());
                return FilterResult.CONTINUE;
            }
            if (!(node instanceof Element element)) {
                return FilterResult.SKIP_ENTIRELY; // comments, doctype, data nodes
            }
            String name = element.normalName();
            if (SKIPPED.contains(name) || hidden(element)) {
                return FilterResult.SKIP_ENTIRELY;
            }
            if ("img".equals(name)) {
                String alt = element.attr("alt").trim();
                if (!alt.isEmpty()) {
                    appendText(" " + alt + " ");
                }
                return FilterResult.SKIP_ENTIRELY;
            }
            if (CELLS.contains(name)) {
                Element previous = element.previousElementSibling();
                if (previous != null && CELLS.contains(previous.normalName())) {
                    appendText(" | ");
                }
            }
            breakBefore(name);
            if ("pre".equals(name)) {
                preformatted++;
            }
            return FilterResult.CONTINUE;
        }

        @Override
        public FilterResult tail(Node node, int depth) {
            if (node instanceof Element element) {
                String name = element.normalName();
                if ("pre".equals(name)) {
                    preformatted--;
                }
                breakBefore(name);
            }
            return FilterResult.CONTINUE;
        }

        private static boolean hidden(Element element) {
            if (element.hasAttr("hidden") || "hidden".equalsIgnoreCase(element.attr("type"))) {
                return true;
            }
            String style = element.attr("style");
            if (style.isEmpty()) {
                return false;
            }
            String compact = WHITESPACE.matcher(style.toLowerCase(Locale.ROOT)).replaceAll("");
            return compact.contains("display:none") || compact.contains("visibility:hidden");
        }

        private void breakBefore(String name) {
            if (PARAGRAPHS.contains(name)) {
                newlines(2);
            } else if (LINES.contains(name)) {
                newlines(1);
            }
        }

        private void newlines(int count) {
            int end = out.length();
            while (end > 0 && out.charAt(end - 1) == ' ') {
                end--;
            }
            out.setLength(end);
            if (end == 0) {
                return;
            }
            int present = 0;
            while (present < end && out.charAt(end - 1 - present) == '\n') {
                present++;
            }
            for (int i = present; i < count; i++) {
                out.append('\n');
            }
        }

        private void appendText(String text) {
            if (preformatted > 0) {
                out.append(text);
                return;
            }
            String collapsed = WHITESPACE.matcher(text).replaceAll(" ");
            if (collapsed.isEmpty()) {
                return;
            }
            boolean atBoundary =
                    out.length() == 0 || out.charAt(out.length() - 1) == '\n' || out.charAt(out.length() - 1) == ' ';
            if (atBoundary && collapsed.charAt(0) == ' ') {
                collapsed = collapsed.substring(1);
            }
            out.append(collapsed);
        }
    }

    // ---- PDF --------------------------------------------------------------------------------------------

    private ParsedDocument pdfToText(byte[] bytes) throws DocumentException {
        if (!hasPdfHeader(bytes)) {
            throw new DocumentException("the file is not a PDF (it has no %PDF header)");
        }
        try (PDDocument document = Loader.loadPDF(
                bytes, "", null, null, MemoryUsageSetting.setupMainMemoryOnly(maxPdfCacheBytes).streamCache)) {
            int pages = document.getNumberOfPages();
            if (pages == 0) {
                throw new DocumentException("the PDF could not be read: it has no pages");
            }
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setParagraphEnd("\n");
            StringBuilder out = new StringBuilder();
            for (int page = 1; page <= pages; page++) {
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                String text = stripper.getText(document).strip();
                if (!text.isEmpty()) {
                    out.append(text).append("\n\n");
                }
            }
            return new ParsedDocument(DocumentFormat.PDF, normalize(out.toString()), pages);
        } catch (InvalidPasswordException e) {
            throw new DocumentException("the PDF is password-protected; upload a copy without a password");
        } catch (IOException | RuntimeException e) {
            throw new DocumentException("the PDF could not be read: " + detail(e), e);
        } catch (StackOverflowError e) {
            throw new DocumentException("the PDF could not be read: its structure is nested too deeply");
        }
    }

    private static boolean hasPdfHeader(byte[] bytes) {
        byte[] header = "%PDF-".getBytes(StandardCharsets.US_ASCII);
        int limit = Math.min(bytes.length - header.length, 1024);
        for (int i = 0; i <= limit; i++) {
            boolean match = true;
            for (int j = 0; j < header.length && match; j++) {
                match = bytes[i + j] == header[j];
            }
            if (match) {
                return true;
            }
        }
        return false;
    }

    private static String detail(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return "the file is damaged (" + e.getClass().getSimpleName() + ")";
        }
        return clip(WHITESPACE.matcher(message).replaceAll(" ").trim(), MAX_MESSAGE_DETAIL);
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
