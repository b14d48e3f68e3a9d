package io.llmgateway.rag.document;

import static java.nio.charset.StandardCharsets.UTF_16LE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgateway.rag.TestPdfs;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DocumentParserTests {

    private final DocumentParser parser = new DocumentParser();

    @Test
    void plainTextIsKeptWithNormalizedWhitespace() throws Exception {
        byte[] bytes =
                "\uFEFFFirst line\r\nsecond line   \r\n\r\n\r\n\r\nNext paragraph\twith a tab.\n".getBytes(UTF_8);

        ParsedDocument parsed = parser.parse(bytes, "notes.txt", null);

        assertThat(parsed.format()).isEqualTo(DocumentFormat.TEXT);
        assertThat(parsed.text()).isEqualTo("First line\nsecond line\n\nNext paragraph with a tab.");
        assertThat(parsed.pages()).isEqualTo(1);
    }

    @Test
    void utf16WithByteOrderMarkIsRead() throws Exception {
        byte[] body = "Grüße aus Lisboa".getBytes(UTF_16LE);
        byte[] bytes = new byte[body.length + 2];
        bytes[0] = (byte) 0xFF;
        bytes[1] = (byte) 0xFE;
        System.arraycopy(body, 0, bytes, 2, body.length);

        assertThat(parser.parse(bytes, "greeting.txt", null).text()).isEqualTo("Grüße aus Lisboa");
    }

    @Test
    void binaryDataIsRejectedAsText() {
        byte[] bytes = {'a', 'b', 0, 1, 2, 'c'};

        assertThatThrownBy(() -> parser.parse(bytes, "data.txt", "text/plain"))
                .isInstanceOf(DocumentException.class)
                .hasMessageContaining("binary");
    }

    @Test
    void invalidUtf8IsRejected() {
        byte[] bytes = {'c', 'a', 'f', (byte) 0xE9, ' ', 'o', 'k'}; // Latin-1 é

        assertThatThrownBy(() -> parser.parse(bytes, "menu.txt", null))
                .isInstanceOf(DocumentException.class)
                .hasMessage("the file is not valid UTF-8 text; save it as UTF-8 and upload it again");
    }

    @Test
    void emptyAndBlankFilesAreRejected() {
        assertThatThrownBy(() -> parser.parse(new byte[0], "empty.txt", null))
                .isInstanceOf(DocumentException.class)
                .hasMessage("the file is empty");
        assertThatThrownBy(() -> parser.parse(" \n\n ".getBytes(UTF_8), "blank.md", null))
                .isInstanceOf(DocumentException.class)
                .hasMessage("the file contains no text");
    }

    @Test
    void markdownMarkupIsStrippedLightly() throws Exception {
        String markdown = """
                ---
                title: Handbook
                ---
                # Expense *policy*

                Submit **receipts** within `30` days via [Ledgerly](https://ledgerly.example).
                ![diagram](img.png) and my_variable_name stay.

                * first item
                * second item

                | Amount | Approver |
                |---|---:|
                | 500 EUR | manager |

                > quoted text

                ```java
                int x = 1; // code is kept
                ```
                ***
                Escaped \\*stars\\* and <span class="x">inline html</span>.
                """;

        ParsedDocument parsed = parser.parse(markdown.getBytes(UTF_8), "handbook.MD", null);

        assertThat(parsed.format()).isEqualTo(DocumentFormat.MARKDOWN);
        assertThat(parsed.text()).isEqualTo("""
                Expense policy

                Submit receipts within 30 days via Ledgerly.
                diagram and my_variable_name stay.

                - first item
                - second item

                Amount | Approver
                500 EUR | manager

                quoted text

                int x = 1; // code is kept

                Escaped *stars* and inline html.""");
    }

    @Test
    void htmlKeepsVisibleTextWithParagraphBreaks() throws Exception {
        String html = """
                <!DOCTYPE html>
                <html><head><title>VPN guide</title>
                <style>body { color: red; }</style>
                <script>var secret = "tracking";</script></head>
                <body>
                <nav>Home &gt; Network</nav>
                <h1>Connecting   to the VPN</h1>
                <p>Install <b>Gatekeeper</b>
                   from Self&nbsp;Service.</p>
                <div hidden>hidden note</div>
                <p style="display: none">invisible</p>
                <ul><li>first</li><li>second</li></ul>
                <pre>shipyard rollback
                  --to previous</pre>
                <noscript>enable javascript</noscript>
                <table><tr><td>Port</td><td>51820</td></tr><tr><th>Proto</th> <td>UDP</td></tr></table>
                <img src="x.png" alt="network diagram">
                <!-- a comment -->
                <script>alert(1)</script>
                </body></html>
                """;

        ParsedDocument parsed = parser.parse(html.getBytes(UTF_8), "guide.html", null);

        assertThat(parsed.format()).isEqualTo(DocumentFormat.HTML);
        assertThat(parsed.text())
                .doesNotContain(
                        "secret", "tracking", "color", "alert", "hidden note", "invisible", "javascript", "comment")
                .isEqualTo("""
                        VPN guide

                        Home > Network

                        Connecting to the VPN

                        Install Gatekeeper from Self Service.

                        first
                        second

                        shipyard rollback
                        --to previous

                        Port | 51820
                        Proto | UDP

                        network diagram""");
    }

    @Test
    void htmlCharsetFromMetaTagIsHonoured() throws Exception {
        byte[] bytes = "<html><head><meta charset=\"ISO-8859-1\"></head><body><p>caf\u00e9</p></body></html>"
                .getBytes(StandardCharsets.ISO_8859_1);

        assertThat(parser.parse(bytes, "menu.htm", null).text()).isEqualTo("café");
    }

    @Test
    void deeplyNestedHtmlDoesNotOverflowTheStack() throws Exception {
        String html = "<div>".repeat(20_000) + "deep text" + "</div>".repeat(20_000);

        assertThat(parser.parse(html.getBytes(UTF_8), "deep.html", null).text()).contains("deep text");
    }

    @Test
    void pdfTextIsExtractedPageByPage() throws Exception {
        StringBuilder text = new StringBuilder("Parental leave policy\n\n");
        for (int i = 1; i <= 80; i++) {
            text.append("Paragraph ").append(i).append(" explains one more rule of the policy.\n\n");
        }
        byte[] pdf = TestPdfs.fromText(text.toString());

        ParsedDocument parsed = parser.parse(pdf, "leave.pdf", "application/octet-stream");

        assertThat(parsed.format()).isEqualTo(DocumentFormat.PDF);
        assertThat(parsed.pages()).isGreaterThan(1);
        assertThat(parsed.text())
                .startsWith("Parental leave policy")
                .contains("Paragraph 1 explains one more rule of the policy.")
                .contains("Paragraph 80 explains one more rule of the policy.");
    }

    @Test
    void truncatedPdfIsAReadableError() {
        byte[] pdf = TestPdfs.fromText("Some text that will be cut off.");
        byte[] truncated = Arrays.copyOf(pdf, 120);

        assertThatThrownBy(() -> parser.parse(truncated, "broken.pdf", null))
                .isInstanceOf(DocumentException.class)
                .hasMessageStartingWith("the PDF could not be read: ");
    }

    @Test
    void garbageWithPdfExtensionIsRejected() {
        assertThatThrownBy(() -> parser.parse("just text".getBytes(UTF_8), "fake.pdf", null))
                .isInstanceOf(DocumentException.class)
                .hasMessage("the file is not a PDF (it has no %PDF header)");
        byte[] headerOnly = "%PDF-1.7\n%garbage garbage garbage\n".getBytes(UTF_8);
        assertThatThrownBy(() -> parser.parse(headerOnly, "fake.pdf", null))
                .isInstanceOf(DocumentException.class)
                .hasMessageStartingWith("the PDF could not be read: ");
    }

    @Test
    void unsupportedTypesNameTheExtension() {
        assertThatThrownBy(() -> parser.parse(new byte[] {1, 2, 3}, "report.docx", null))
                .isInstanceOf(DocumentException.class)
                .hasMessage("unsupported file type '.docx': upload text (.txt), Markdown (.md), HTML (.html) or PDF"
                        + " (.pdf)");
        assertThatThrownBy(() -> parser.parse(new byte[] {1, 2, 3}, "blob", "application/zip"))
                .isInstanceOf(DocumentException.class)
                .hasMessageStartingWith("unsupported file type 'application/zip': ");
        assertThatThrownBy(() -> parser.parse(new byte[] {1, 2, 3}, "README", null))
                .isInstanceOf(DocumentException.class)
                .hasMessageStartingWith("unsupported file type: the file name has no extension");
    }

    @Test
    void contentTypeDecidesWhenTheNameHasNoExtension() throws Exception {
        assertThat(parser.parse("<p>hi</p>".getBytes(UTF_8), "upload", "text/html; charset=utf-8")
                        .format())
                .isEqualTo(DocumentFormat.HTML);
        assertThat(parser.detect("C:\\docs\\notes.Markdown", "application/pdf")).isEqualTo(DocumentFormat.MARKDOWN);
        assertThat(parser.detect("archive.tar.txt", null)).isEqualTo(DocumentFormat.TEXT);
    }
}
