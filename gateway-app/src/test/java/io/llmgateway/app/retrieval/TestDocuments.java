package io.llmgateway.app.retrieval;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/** Small documents for retrieval tests: short enough to embed in milliseconds, distinct enough to tell apart. */
final class TestDocuments {

    static final String HANDBOOK = """
            Travel policy

            Employees book economy class for flights shorter than six hours. Business class is allowed for \
            flights longer than six hours. Expense reports for travel are due within thirty days of the trip.
            """;

    static final String[] SECURITY_LINES = {
        "Laptop security policy.",
        "Every laptop must use full disk encryption.",
        "A lost or stolen laptop must be reported to the IT helpdesk within 24 hours.",
    };

    static final String CAFETERIA = """
            Cafeteria

            The cafeteria serves vegetarian lunch every Wednesday. Breakfast is served from seven to nine.
            """;

    private TestDocuments() {}

    static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A one-page PDF with these lines of text, made with PDFBox. */
    static byte[] pdf(String... lines) {
        try (PDDocument document = new PDDocument();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDPage page = new PDPage();
            document.addPage(page);
            try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                content.beginText();
                content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                content.setLeading(16);
                content.newLineAtOffset(72, 700);
                for (String line : lines) {
                    content.showText(line);
                    content.newLine();
                }
                content.endText();
            }
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes that start like a PDF and are not one. */
    static byte[] corruptPdf() {
        return text("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nthis is not a valid pdf body\n%%EOF");
    }
}
