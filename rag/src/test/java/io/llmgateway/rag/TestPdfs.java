package io.llmgateway.rag;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/** Builds real PDFs from plain text for tests: Helvetica 11 pt on A4, lines wrapped, pages broken as needed. */
public final class TestPdfs {

    private static final float MARGIN = 56;
    private static final float LEADING = 14;
    private static final int WRAP = 88;

    private TestPdfs() {}

    /** A PDF of the text; blank lines separate paragraphs, other line breaks are wrapped like prose. */
    public static byte[] fromText(String text) {
        List<String> lines = wrap(text);
        try (PDDocument document = new PDDocument();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            int index = 0;
            do {
                PDPage page = new PDPage(PDRectangle.A4);
                document.addPage(page);
                try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                    content.beginText();
                    content.setFont(font, 11);
                    content.setLeading(LEADING);
                    float y = PDRectangle.A4.getHeight() - MARGIN;
                    content.newLineAtOffset(MARGIN, y);
                    while (index < lines.size() && y > MARGIN) {
                        content.showText(lines.get(index++));
                        content.newLine();
                        y -= LEADING;
                    }
                    content.endText();
                }
            } while (index < lines.size());
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> wrap(String text) {
        List<String> lines = new ArrayList<>();
        for (String paragraph : text.strip().split("\\n\\s*\\n")) {
            StringBuilder line = new StringBuilder();
            for (String word : paragraph.strip().split("\\s+")) {
                if (line.length() > 0 && line.length() + 1 + word.length() > WRAP) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                if (line.length() > 0) {
                    line.append(' ');
                }
                line.append(word);
            }
            lines.add(line.toString());
            lines.add("");
        }
        return lines;
    }
}
