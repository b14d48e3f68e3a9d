package io.llmgateway.rag.chunk;

import com.knuddels.jtokkit.api.IntArrayList;
import io.llmgateway.core.tokens.TiktokenTokenizer;
import io.llmgateway.core.tokens.TokenCounter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Cuts text into chunks of at most {@link ChunkingStrategy#maxChunkSizeTokens()} {@code cl100k_base} tokens, each
 * starting with up to {@link ChunkingStrategy#chunkOverlapTokens()} tokens from the end of the previous chunk.
 *
 * <p>Chunks break at natural boundaries when they can. The text is first cut into sentences (paragraphs, then
 * list items and lines that end a sentence, then {@link BreakIterator} sentences); a sentence too long to fit
 * is cut at line breaks, then between words, and a word longer than a chunk (a hash, a base64 blob) between
 * tokens. Sentences are packed greedily; when the next one does not fit and the chunk holds a paragraph break
 * in its second half, the chunk ends at that break and the rest of its paragraph moves on to the next chunk; a
 * heading or a short lead-in line never ends a chunk but moves on with the text it introduces.
 * The overlap is made of whole sentences from the end of the previous chunk when they fit in it, otherwise of
 * its last whole words. Every chunk's token count is checked exactly, so no chunk ever exceeds the maximum.
 *
 * <p>Thread-safe: the encoding is immutable and the chunker keeps no state.
 */
public final class Chunker {

    private static final Pattern PARAGRAPH_BREAK = Pattern.compile("\\n[ \\t]*\\n\\s*");
    private static final Pattern LINE_BREAK = Pattern.compile("\\n");
    private static final Pattern LIST_ITEM = Pattern.compile("^\\s*([-*+\u2022]|\\d{1,3}[.)])\\s+.*");
    private static final Pattern WORDS = Pattern.compile("\\s+");
    private static final int MIN_WORD_OVERLAP_TOKENS = 4;
    private static final int MAX_HEADING_TOKENS = 24;

    private final TiktokenTokenizer encoding;
    private final TokenCounter counter;

    /** A chunker with {@code cl100k_base}; build one at start-up and share it. */
    public Chunker() {
        this(TiktokenTokenizer.cl100k());
    }

    /** A chunker that measures chunks in tokens of that encoding. */
    public Chunker(TiktokenTokenizer encoding) {
        this.encoding = Objects.requireNonNull(encoding, "encoding");
        this.counter = new TokenCounter(encoding);
    }

    /** The chunks of a text with {@link ChunkingStrategy#DEFAULT}. */
    public List<Chunk> chunk(String text) {
        return chunk(text, ChunkingStrategy.DEFAULT);
    }

    /** The chunks of a text, in order, indexed from 0; none for a blank text. */
    public List<Chunk> chunk(String text, ChunkingStrategy strategy) {
        Objects.requireNonNull(strategy, "strategy");
        if (text == null || text.isBlank()) {
            return List.of();
        }
        int max = strategy.maxChunkSizeTokens();
        int overlap = strategy.chunkOverlapTokens();
        // a piece plus a full overlap must fit in one chunk
        List<Piece> pieces = pieces(text.replace("\r\n", "\n").replace('\r', '\n'), max - overlap);
        return pack(pieces, max, overlap);
    }

    // ---- packing ----------------------------------------------------------------------------------------

    private List<Chunk> pack(List<Piece> pieces, int max, int overlap) {
        List<Chunk> chunks = new ArrayList<>();
        List<Piece> current = new ArrayList<>();
        int currentTokens = 0;
        int fresh = 0; // pieces of `current` that are not overlap copied from the previous chunk
        for (Piece piece : pieces) {
            while (!current.isEmpty() && currentTokens + piece.tokens() > max) {
                if (fresh == 0) {
                    current.clear();
                    currentTokens = 0;
                    break;
                }
                int seedCount = current.size() - fresh;
                int cut = piece.separator() == Separator.PARAGRAPH
                        ? current.size()
                        : preferredCut(current, seedCount, max);
                cut = withoutTrailingHeadings(current, cut, piece, seedCount);
                List<Piece> emitted = new ArrayList<>(current.subList(0, cut));
                List<Piece> carried = new ArrayList<>(current.subList(cut, current.size()));
                emit(emitted, max, chunks);
                int carriedTokens = tokens(carried);
                List<Piece> seed = overlapSeed(emitted, Math.min(overlap, max - carriedTokens - piece.tokens()));
                current = new ArrayList<>(seed);
                current.addAll(carried);
                currentTokens = tokens(current);
                fresh = carried.size();
            }
            current.add(piece);
            currentTokens += piece.tokens();
            fresh++;
        }
        if (fresh > 0) {
            emit(current, max, chunks);
        }
        return List.copyOf(chunks);
    }

    /**
     * Where to end a full chunk that the next piece, in the middle of a paragraph, does not fit in: at the chunk's
     * last paragraph break if that keeps at least half a chunk, else at its end.
     */
    private static int preferredCut(List<Piece> current, int seedCount, int max) {
        int prefix = 0;
        int best = current.size();
        for (int i = 0; i < current.size(); i++) {
            if (i > seedCount && current.get(i).separator() == Separator.PARAGRAPH && prefix >= max / 2) {
                best = i;
            }
            prefix += current.get(i).tokens();
        }
        return best;
    }

    /**
     * Moves a heading, or a short lead-in such as "To roll back, run:", from the end of a chunk to the start of
     * the next, next to the text it introduces: a paragraph of one short piece that does not end a sentence.
     */
    private static int withoutTrailingHeadings(List<Piece> current, int cut, Piece next, int seedCount) {
        while (cut - 1 > seedCount) {
            Piece last = current.get(cut - 1);
            Piece after = cut < current.size() ? current.get(cut) : next;
            boolean wholeParagraph = (last.separator() == Separator.PARAGRAPH || last.separator() == Separator.NONE)
                    && after.separator() == Separator.PARAGRAPH;
            if (!wholeParagraph || last.tokens() > MAX_HEADING_TOKENS || endsSentence(last.text(), false)) {
                break;
            }
            cut--;
        }
        return cut;
    }

    /** The end of a chunk to repeat at the start of the next: whole pieces if they fit, else whole words. */
    private List<Piece> overlapSeed(List<Piece> emitted, int budget) {
        if (budget <= 0 || emitted.isEmpty()) {
            return List.of();
        }
        List<Piece> seed = new ArrayList<>();
        int used = 0;
        for (int i = emitted.size() - 1; i >= 0; i--) {
            Piece piece = emitted.get(i);
            if (used + piece.tokens() > budget) {
                break;
            }
            seed.add(0, piece);
            used += piece.tokens();
        }
        if (!seed.isEmpty()) {
            return seed;
        }
        if (budget < MIN_WORD_OVERLAP_TOKENS) {
            return List.of();
        }
        Piece last = emitted.get(emitted.size() - 1);
        String[] words = WORDS.split(last.text().strip());
        String tail = "";
        int tailTokens = 0;
        for (int i = words.length - 1; i > 0; i--) { // never the whole piece: it did not fit
            String candidate = words[i] + (tail.isEmpty() ? "" : " " + tail);
            int candidateTokens = counter.count(" " + candidate);
            if (candidateTokens > budget) {
                break;
            }
            tail = candidate;
            tailTokens = candidateTokens;
        }
        return tail.isEmpty() ? List.of() : List.of(new Piece(tail, last.separator(), tailTokens));
    }

    private void emit(List<Piece> pieces, int max, List<Chunk> chunks) {
        StringBuilder text = new StringBuilder();
        for (Piece piece : pieces) {
            if (!text.isEmpty()) {
                text.append(piece.separator().text);
            }
            text.append(piece.text());
        }
        String chunk = text.toString().strip();
        if (chunk.isEmpty()) {
            return;
        }
        int tokens = counter.count(chunk);
        if (tokens <= max) {
            chunks.add(new Chunk(chunks.size(), chunk, tokens));
            return;
        }
        // the estimate was off (it never is for ordinary text); fall back to token windows
        for (String window : tokenWindows(chunk, max)) {
            chunks.add(new Chunk(chunks.size(), window, counter.count(window)));
        }
    }

    private static int tokens(List<Piece> pieces) {
        int sum = 0;
        for (Piece piece : pieces) {
            sum += piece.tokens();
        }
        return sum;
    }

    // ---- splitting --------------------------------------------------------------------------------------

    /** Sentence-sized pieces of at most {@code limit} tokens (counted with their separator). */
    private List<Piece> pieces(String text, int limit) {
        List<Piece> pieces = new ArrayList<>();
        boolean first = true;
        for (String paragraph : PARAGRAPH_BREAK.split(text)) {
            if (paragraph.isBlank()) {
                continue;
            }
            Separator separator = first ? Separator.NONE : Separator.PARAGRAPH;
            first = false;
            for (String block : blocks(paragraph)) {
                BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ENGLISH);
                sentences.setText(block);
                int start = sentences.first();
                for (int end = sentences.next(); end != BreakIterator.DONE; start = end, end = sentences.next()) {
                    String raw = block.substring(start, end);
                    String sentence = raw.strip();
                    if (sentence.isEmpty()) {
                        continue;
                    }
                    addSentence(sentence, separator, limit, pieces);
                    separator = raw.substring(raw.indexOf(sentence) + sentence.length())
                                            .indexOf('\n')
                                    >= 0
                            ? Separator.LINE
                            : Separator.SPACE;
                }
                separator = Separator.LINE;
            }
        }
        return pieces;
    }

    /** A paragraph's lines grouped so that a list item, or a line after one that ends a sentence, starts a block. */
    private static List<String> blocks(String paragraph) {
        String[] lines = LINE_BREAK.split(paragraph);
        List<String> blocks = new ArrayList<>();
        StringBuilder block = new StringBuilder();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            boolean startsBlock = LIST_ITEM.matcher(line).matches() || endsSentence(block, true);
            if (!block.isEmpty() && startsBlock) {
                blocks.add(block.toString());
                block.setLength(0);
            }
            if (!block.isEmpty()) {
                block.append('\n');
            }
            block.append(line);
        }
        if (!block.isEmpty()) {
            blocks.add(block.toString());
        }
        return blocks;
    }

    private static boolean endsSentence(CharSequence text, boolean colonToo) {
        for (int i = text.length() - 1; i >= 0; i--) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '.' || c == '!' || c == '?' || (colonToo && (c == ':' || c == ';'));
            }
        }
        return false;
    }

    private void addSentence(String sentence, Separator separator, int limit, List<Piece> pieces) {
        int tokens = counter.count(separator.text + sentence);
        if (tokens <= limit) {
            pieces.add(new Piece(sentence, separator, tokens));
            return;
        }
        String[] lines = LINE_BREAK.split(sentence);
        if (lines.length > 1) {
            Separator next = separator;
            for (String line : lines) {
                if (!line.isBlank()) {
                    addWords(line.strip(), next, limit, pieces);
                    next = Separator.LINE;
                }
            }
            return;
        }
        addWords(sentence, separator, limit, pieces);
    }

    /** Words grouped greedily into pieces of at most {@code limit} tokens. */
    private void addWords(String text, Separator separator, int limit, List<Piece> pieces) {
        int whole = counter.count(separator.text + text);
        if (whole <= limit) {
            pieces.add(new Piece(text, separator, whole));
            return;
        }
        StringBuilder group = new StringBuilder();
        int groupTokens = 0;
        Separator next = separator;
        for (String word : WORDS.split(text)) {
            if (word.isEmpty()) {
                continue;
            }
            int wordTokens = counter.count(" " + word);
            if (wordTokens > limit) {
                if (!group.isEmpty()) {
                    pieces.add(new Piece(group.toString(), next, groupTokens));
                    group.setLength(0);
                    groupTokens = 0;
                    next = Separator.SPACE;
                }
                for (String window : tokenWindows(word, limit - 1)) {
                    pieces.add(new Piece(window, next, counter.count(" " + window)));
                    next = Separator.SPACE;
                }
                continue;
            }
            if (!group.isEmpty() && groupTokens + wordTokens > limit) {
                pieces.add(new Piece(group.toString(), next, groupTokens));
                group.setLength(0);
                groupTokens = 0;
                next = Separator.SPACE;
            }
            if (!group.isEmpty()) {
                group.append(' ');
            }
            group.append(word);
            groupTokens += wordTokens;
        }
        if (!group.isEmpty()) {
            pieces.add(new Piece(group.toString(), next, groupTokens));
        }
    }

    /** A text cut between tokens into windows of at most {@code limit} tokens each, never inside a character. */
    private List<String> tokenWindows(String text, int limit) {
        IntArrayList ids = encoding.encode(text);
        List<String> windows = new ArrayList<>();
        int size = Math.max(1, limit);
        int start = 0;
        while (start < ids.size()) {
            int end = Math.min(ids.size(), start + size);
            byte[] bytes = bytes(ids, start, end);
            // a token may hold part of a multi-byte character: end the window before it
            while (end - start > 1 && (!completeUtf8(bytes) || counter.count(utf8(bytes)) > limit)) {
                end--;
                bytes = bytes(ids, start, end);
            }
            String window = utf8(bytes).replace("\uFFFD", "").strip();
            if (!window.isEmpty()) {
                windows.add(window);
            }
            start = end;
        }
        return windows;
    }

    private byte[] bytes(IntArrayList ids, int from, int to) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            bytes.writeBytes(encoding.bytesOf(ids.get(i)));
        }
        return bytes.toByteArray();
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Whether the bytes end on a character boundary. */
    static boolean completeUtf8(byte[] bytes) {
        int i = bytes.length - 1;
        int continuation = 0;
        while (i >= 0 && (bytes[i] & 0xC0) == 0x80 && continuation < 4) {
            continuation++;
            i--;
        }
        if (i < 0) {
            return continuation == 0;
        }
        int lead = bytes[i] & 0xFF;
        int expected = lead < 0x80 ? 0 : lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
        return continuation >= expected;
    }

    private enum Separator {
        NONE(""),
        SPACE(" "),
        LINE("\n"),
        PARAGRAPH("\n\n");

        private final String text;

        Separator(String text) {
            this.text = text;
        }
    }

    private record Piece(String text, Separator separator, int tokens) {}
}
