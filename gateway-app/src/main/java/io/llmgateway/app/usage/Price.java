package io.llmgateway.app.usage;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a model costs, in US dollars per million tokens, as the price table of the configuration gives it; a
 * model without a price costs nothing (and no cost budget binds it).
 *
 * @param inputPerMillion       US dollars per million prompt tokens (default: free)
 * @param outputPerMillion      US dollars per million completion tokens (default: free)
 * @param cachedInputPerMillion US dollars per million prompt tokens the upstream reports as served from its cache
 *                              (default: the input price)
 */
public record Price(
        @DecimalMin("0") @DecimalMax(MAX_PER_MILLION) BigDecimal inputPerMillion,
        @DecimalMin("0") @DecimalMax(MAX_PER_MILLION) BigDecimal outputPerMillion,
        @DecimalMin("0") @DecimalMax(MAX_PER_MILLION) BigDecimal cachedInputPerMillion) {

    /**
     * The highest price per million tokens: a cent a token, far above any model's, and low enough that no request's
     * cost in pico-dollars can overflow a {@code long}.
     */
    public static final String MAX_PER_MILLION = "10000";

    /** One US dollar in the unit costs are counted in: pico-dollars, exact for any price with six decimals. */
    public static final long PICOS_PER_DOLLAR = 1_000_000_000_000L;

    /** The largest cost budget: nine million dollars, so that any budget counts exactly in pico-dollars. */
    public static final BigDecimal MAX_BUDGET_USD = BigDecimal.valueOf(9_000_000);

    public static final Price FREE = new Price(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    /** Pico-dollars per token of each price per million tokens seen: the configured prices, a handful. */
    private static final Map<BigDecimal, Long> PICOS_PER_TOKEN = new ConcurrentHashMap<>();

    public Price {
        inputPerMillion = inputPerMillion == null ? BigDecimal.ZERO : inputPerMillion;
        outputPerMillion = outputPerMillion == null ? BigDecimal.ZERO : outputPerMillion;
        cachedInputPerMillion = cachedInputPerMillion == null ? inputPerMillion : cachedInputPerMillion;
    }

    /** The cost in pico-dollars of a completion; cached prompt tokens are part of {@code promptTokens}. */
    public long costPicos(long promptTokens, long cachedPromptTokens, long completionTokens) {
        long cached = Math.min(Math.max(cachedPromptTokens, 0), promptTokens);
        return (promptTokens - cached) * picosPerToken(inputPerMillion)
                + cached * picosPerToken(cachedInputPerMillion)
                + completionTokens * picosPerToken(outputPerMillion);
    }

    private static long picosPerToken(BigDecimal perMillion) {
        // asked on every request (reservation and record) for one of the few configured prices: converted once
        return PICOS_PER_TOKEN.computeIfAbsent(perMillion, Price::convertPerMillion);
    }

    private static long convertPerMillion(BigDecimal perMillion) {
        // dollars per million tokens = micro-dollars per token = 10^6 pico-dollars per token
        return perMillion.movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** Pico-dollars as dollars, for the wire and the database. */
    public static BigDecimal dollars(long picos) {
        return plain(BigDecimal.valueOf(picos, 12));
    }

    /** Without trailing zeros and never in exponent notation: 12.50 to 12.5, 10.000 to 10 (not 1E+1). */
    public static BigDecimal plain(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    /**
     * Dollars as pico-dollars (a budget's limit); a limit beyond what pico-dollars can count, stored before the
     * admin API capped it, binds as the largest one rather than failing every admission.
     */
    public static long picos(BigDecimal dollars) {
        BigDecimal picos = dollars.movePointRight(12).setScale(0, RoundingMode.HALF_UP);
        return picos.compareTo(LONG_MAX) >= 0 ? Long.MAX_VALUE : picos.longValueExact();
    }
}
