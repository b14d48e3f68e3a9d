package io.llmgateway.rag.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgateway.core.tokens.TiktokenTokenizer;
import io.llmgateway.core.tokens.TokenCounter;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChunkerTests {

    private static final TokenCounter COUNTER = TokenCounter.cl100k();
    private final Chunker chunker = new Chunker(TiktokenTokenizer.cl100k());

    @Test
    void shortTextIsOneChunk() {
        List<Chunk> chunks = chunker.chunk("  One short paragraph.\n\nAnd another one.  ");

        assertThat(chunks)
                .containsExactly(new Chunk(
                        0,
                        "One short paragraph.\n\nAnd another one.",
                        COUNTER.count("One short paragraph.\n\nAnd another one.")));
    }

    @Test
    void blankTextHasNoChunks() {
        assertThat(chunker.chunk(null)).isEmpty();
        assertThat(chunker.chunk(" \n\t ")).isEmpty();
    }

    @Test
    void chunksRespectTheLimitOverlapAndBreakBetweenSentences() {
        String text = prose(120, 7);
        ChunkingStrategy strategy = new ChunkingStrategy(100, 30);

        List<Chunk> chunks = chunker.chunk(text, strategy);

        assertThat(chunks).hasSizeGreaterThan(5);
        for (int i = 0; i < chunks.size(); i++) {
            Chunk chunk = chunks.get(i);
            assertThat(chunk.index()).isEqualTo(i);
            assertThat(chunk.tokens()).isEqualTo(COUNTER.count(chunk.text())).isLessThanOrEqualTo(100);
            assertThat(chunk.text()).endsWith(".").matches("(?s)^[A-Z].*"); // whole sentences
            if (i > 0) {
                assertThat(overlap(chunks.get(i - 1).text(), chunk.text()))
                        .isNotEmpty()
                        .satisfies(o -> assertThat(COUNTER.count(o)).isLessThanOrEqualTo(30));
            }
        }
        // nothing is lost: every sentence is in some chunk
        for (String sentence : text.split("(?<=\\.)\\s+")) {
            assertThat(chunks).anySatisfy(c -> assertThat(c.text()).contains(sentence.strip()));
        }
    }

    @Test
    void withoutOverlapChunksDoNotRepeatText() {
        String text = prose(60, 3);

        List<Chunk> chunks = chunker.chunk(text, new ChunkingStrategy(100, 0));

        String joined = String.join(" ", chunks.stream().map(Chunk::text).toList());
        assertThat(joined.replaceAll("\\s+", " "))
                .isEqualTo(text.replaceAll("\\s+", " ").strip());
    }

    @Test
    void paragraphBreaksArePreferred() {
        // paragraphs of about 70 tokens: a 200-token chunk holds two whole paragraphs and is cut before the third
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < 6; p++) {
            text.append(prose(4, 100 + p)).append("\n\n");
        }

        List<Chunk> chunks = chunker.chunk(text.toString(), new ChunkingStrategy(200, 0));

        for (Chunk chunk : chunks.subList(0, chunks.size() - 1)) {
            assertThat(text.toString()).contains(chunk.text() + "\n\n"); // ends where a paragraph ends
        }
    }

    @Test
    void longSentencesAndWordsAreCutBetweenWordsThenTokens() {
        String longSentence = IntStream.range(0, 600)
                .mapToObj(i -> "word" + i)
                .reduce((a, b) -> a + " " + b)
                .orElseThrow();
        String blob = "x9Q".repeat(900); // one "word" of far more than 100 tokens
        String text = longSentence + "\n\n" + blob + "\n\nA final sentence.";

        List<Chunk> chunks = chunker.chunk(text, new ChunkingStrategy(100, 20));

        assertThat(chunks)
                .allSatisfy(c -> assertThat(c.tokens()).isLessThanOrEqualTo(100).isEqualTo(COUNTER.count(c.text())));
        assertThat(chunks.get(0).text()).startsWith("word0 word1 ");
        assertThat(chunks).anySatisfy(c -> assertThat(c.text()).contains("word599"));
        assertThat(chunks.get(chunks.size() - 1).text()).endsWith("A final sentence.");
        // the blob is cut between tokens without losing a character (it is the only text with an x)
        String all = String.join("", chunks.stream().map(Chunk::text).toList());
        assertThat(all.replaceAll("[^x]", "")).hasSize(900);
    }

    @Test
    void multiByteTextNeverExceedsTheLimitOrLosesCharacters() {
        String cjk = "数据保留政策规定客户数据在合同结束后九十天内删除".repeat(60);

        List<Chunk> chunks = chunker.chunk(cjk, new ChunkingStrategy(100, 0));

        assertThat(chunks).allSatisfy(c -> assertThat(c.tokens()).isLessThanOrEqualTo(100));
        assertThat(String.join("", chunks.stream().map(Chunk::text).toList())).isEqualTo(cjk);
    }

    @Test
    void randomTextNeverExceedsTheLimit() {
        Random random = new Random(42);
        String alphabet = "abcdefghij KLMNOP .,;:!?\n\n-–—€ü中文12345";
        for (int round = 0; round < 20; round++) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < 3000; i++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            int max = 100 + random.nextInt(200);
            ChunkingStrategy strategy = new ChunkingStrategy(max, random.nextInt(max / 2 + 1));
            assertThat(chunker.chunk(text.toString(), strategy))
                    .isNotEmpty()
                    .allSatisfy(
                            c -> assertThat(c.tokens()).isLessThanOrEqualTo(max).isPositive());
        }
    }

    @Test
    void defaultStrategyFitsTheLocalModel() {
        assertThat(ChunkingStrategy.DEFAULT).isEqualTo(new ChunkingStrategy(200, 40));
        assertThat(chunker.chunk(prose(200, 1)))
                .allSatisfy(c -> assertThat(c.tokens()).isLessThanOrEqualTo(200));
    }

    @Test
    void strategyValidationNamesTheField() {
        assertThatThrownBy(() -> new ChunkingStrategy(99, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chunking_strategy.static.max_chunk_size_tokens must be between 100 and 4096, got 99");
        assertThatThrownBy(() -> new ChunkingStrategy(4097, 0))
                .hasMessageStartingWith("chunking_strategy.static.max_chunk_size_tokens");
        assertThatThrownBy(() -> new ChunkingStrategy(800, -1))
                .hasMessage("chunking_strategy.static.chunk_overlap_tokens must not be negative, got -1");
        assertThatThrownBy(() -> new ChunkingStrategy(800, 401))
                .hasMessage("chunking_strategy.static.chunk_overlap_tokens must not exceed half of"
                        + " max_chunk_size_tokens (400), got 401");
        assertThat(new ChunkingStrategy(800, 400)).isEqualTo(ChunkingStrategy.OPENAI_AUTO);
        assertThat(new ChunkingStrategy(4096, 0).maxChunkSizeTokens()).isEqualTo(4096);
    }

    /** The longest run of whole sentences that starts {@code next} and ends {@code previous}. */
    private static String overlap(String previous, String next) {
        String best = "";
        for (int end = next.indexOf('.'); end >= 0; end = next.indexOf('.', end + 1)) {
            String prefix = next.substring(0, end + 1);
            if (previous.replaceAll("\\s+", " ").endsWith(prefix.replaceAll("\\s+", " "))) {
                best = prefix;
            }
        }
        return best;
    }

    /** Sentences of 8 to 20 words from a small vocabulary, capitalized and ended with a period. */
    private static String prose(int sentences, long seed) {
        String[] words = {
            "the",
            "policy",
            "requires",
            "every",
            "employee",
            "to",
            "submit",
            "receipts",
            "within",
            "thirty",
            "days",
            "after",
            "travel",
            "and",
            "managers",
            "approve",
            "claims",
            "quickly",
            "because",
            "finance",
            "closes",
            "books",
            "monthly",
            "for",
            "audit",
            "purposes"
        };
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder();
        for (int s = 0; s < sentences; s++) {
            int length = 8 + random.nextInt(13);
            StringBuilder sentence = new StringBuilder();
            for (int w = 0; w < length; w++) {
                String word = words[random.nextInt(words.length)];
                sentence.append(w == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : " " + word);
            }
            text.append(sentence).append(s % 5 == 4 ? ".\n" : ". ");
        }
        return text.toString().strip();
    }
}
