/**
 * Token counting: each model's tokenizer (a tiktoken encoding or its Hugging Face tokenizer.json, loaded at
 * start-up), and where long texts are counted so that they hold up nobody else.
 */
package io.llmgateway.app.tokens;
