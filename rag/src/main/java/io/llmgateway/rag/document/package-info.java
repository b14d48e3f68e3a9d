/** Uploaded files to plain text: text, Markdown, HTML and PDF, with errors a user can read. */
package io.llmgateway.rag.document;
