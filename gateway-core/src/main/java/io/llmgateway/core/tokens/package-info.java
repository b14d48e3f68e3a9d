/**
 * Token counting without I/O: the {@link Tokenizer} SPI (how many tokens a text is for one model),
 * {@link TiktokenTokenizer} (the tiktoken encodings, run by jtokkit, which also give token ids and bytes to the mock
 * model and the chunker) and {@link TokenCounter}, which counts chat prompts by OpenAI's recipe and keeps counting
 * linear in the text whatever the tokenizer.
 *
 * <p>Models with a Hugging Face {@code tokenizer.json} get their {@link Tokenizer} from the application
 * ({@code app.tokens}), which also decides where long texts are counted. Within the core it depends only on
 * {@code core.protocol}.
 */
@NullMarked
package io.llmgateway.core.tokens;

import org.jspecify.annotations.NullMarked;
