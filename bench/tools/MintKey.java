import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * Mints a gateway API key for bench/run.sh, in the gateway's key format ({@code <prefix><12-char key id>_<43-char
 * secret><6-char CRC-32 checksum>}, all base62; see auth/.../ApiKeyFormat.java), and prints one line:
 * {@code <token> <key id> <hex SHA-256 of the secret> <last four>}. Run with the source launcher:
 * {@code java bench/tools/MintKey.java gwa_}. run.sh mints the bootstrap admin token of the gateway's throw-away
 * database with it ({@code GATEWAY_AUTH_ADMIN_TOKEN}), then has the admin API issue the service key it loads with.
 */
public final class MintKey {

    private static final char[] BASE62 =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    public static void main(String[] args) throws Exception {
        String prefix = args.length > 0 ? args[0] : "gwa_";
        SecureRandom random = new SecureRandom();
        byte[] id = new byte[9];
        random.nextBytes(id);
        byte[] secretBytes = new byte[32];
        random.nextBytes(secretBytes);
        String keyId = base62(id, 12);
        String secret = base62(secretBytes, 43);
        String body = prefix + keyId + "_" + secret;
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        String token = body + base62(BigInteger.valueOf(crc.getValue()), 6);
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
        System.out.println(token + " " + keyId + " " + HexFormat.of().formatHex(hash) + " "
                + token.substring(token.length() - 4));
    }

    private static String base62(byte[] bytes, int length) {
        return base62(new BigInteger(1, bytes), length);
    }

    private static String base62(BigInteger value, int length) {
        BigInteger base = BigInteger.valueOf(62);
        char[] out = new char[length];
        for (int i = length - 1; i >= 0; i--) {
            BigInteger[] division = value.divideAndRemainder(base);
            out[i] = BASE62[division[1].intValue()];
            value = division[0];
        }
        return new String(out);
    }
}
