import com.sun.tools.attach.VirtualMachine;

/**
 * Loads a native agent into a running JVM: {@code java Attach.java <pid> <library> <options>}. run.sh uses it to
 * start and stop async-profiler around the gateway's measured runs ({@code PROFILE=async}), so that the warm-up is
 * not in the profile. It does what async-profiler's own {@code asprof} launcher does, which Maven Central does not
 * ship.
 */
public class Attach {
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: java Attach.java <pid> <agent library> <agent options>");
            System.exit(2);
        }
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        try {
            vm.loadAgentPath(args[1], args[2]);
        } finally {
            vm.detach();
        }
    }
}
