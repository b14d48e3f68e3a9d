/** Token counting: the tokenizer, and where long texts are counted so that they hold up nobody else. */
package io.llmgateway.app.tokens;
