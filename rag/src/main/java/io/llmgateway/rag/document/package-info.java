/**
 * Uploaded files to plain text: {@link DocumentParser} reads UTF-8 text, Markdown, HTML (jsoup) and PDF (PDFBox) into a
 * {@link ParsedDocument} of a {@link DocumentFormat}, and refuses anything else with a {@link DocumentException} whose
 * message the user can read as the file's {@code last_error}. Safe on untrusted input: nothing is fetched and no XML
 * entity is resolved. Depends on no other gateway package.
 */
@NullMarked
package io.llmgateway.rag.document;

import org.jspecify.annotations.NullMarked;
