import com.sun.management.ThreadMXBean;
import com.sun.tools.attach.VirtualMachine;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import sun.jvmstat.monitor.Monitor;
import sun.jvmstat.monitor.MonitoredHost;
import sun.jvmstat.monitor.MonitoredVm;
import sun.jvmstat.monitor.VmIdentifier;

/**
 * Reads a running JVM from outside, the same way for every JVM of bench/run.sh (the fake upstream, the floors and
 * the gateway), so that no target needs an endpoint of its own: it attaches (the Attach API), starts the JVM's
 * local JMX agent (local connections only, no port) and asks its platform MXBeans. JDK only, with the source
 * launcher (the jit command reads the JVM's performance counters through jdk.internal.jvmstat, as jstat does):
 *
 * <pre>
 * java --add-exports jdk.internal.jvmstat/sun.jvmstat.monitor=ALL-UNNAMED JvmProbe.java alloc PID
 *     one line per live thread: "THREAD_ID BYTES", the bytes that thread has allocated on the heap since it
 *     started (com.sun.management.ThreadMXBean#getThreadAllocatedBytes: exact at any moment, unlike
 *     jvm_gc_memory_allocated_bytes, which moves only at a collection). JDK 17 has no total over all threads
 *     (getTotalThreadAllocatedBytes is JDK 21), so run.sh takes the sum of each thread's difference between two
 *     readings; a thread that ended between them is reported by run.sh (its last bytes are then unknown). The
 *     threads that serve this probe (the attach listener, RMI and JMX threads) are left out: what they allocate
 *     answering a reading is the probe's, not the target's.
 * java JvmProbe.java jit PID SECONDS
 *     every SECONDS until the JVM exits: "EPOCH_MS QUEUED COMPILES COMPILE_MS": the compile tasks waiting in
 *     the JIT's queues (jcmd Compiler.queue, through the DiagnosticCommand MBean), and the JIT's total
 *     compilations so far (the sun.ci.totalCompiles counter, as jstat -compiler reads it) and its compile time
 *     (CompilationMXBean). One attached process for the whole run: about a millisecond of the target's CPU per
 *     sample.
 * java JvmProbe.java serve PID SECONDS JIT_FILE
 *     both in one attached process, which run.sh starts once per JVM: the jit samples go to JIT_FILE, and each line
 *     "alloc" read from standard input is answered on standard output with the alloc lines and a line "END". Ends
 *     at the end of its input or of the JVM. Saves a JVM start (about a second of CPU) per reading.
 * </pre>
 */
public class JvmProbe {

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java JvmProbe.java alloc PID | jit PID SECONDS | serve PID SECONDS JIT_FILE");
            System.exit(2);
        }
        try (JMXConnector connector = connect(args[1])) {
            MBeanServerConnection server = connector.getMBeanServerConnection();
            switch (args[0]) {
                case "alloc" -> System.out.print(alloc(server));
                case "jit" -> jit(server, args[1], Long.parseLong(args[2]), System.out);
                case "serve" -> serve(server, args[1], Long.parseLong(args[2]), args[3]);
                default -> {
                    System.err.println("unknown command " + args[0]);
                    System.exit(2);
                }
            }
        }
    }

    private static JMXConnector connect(String pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(pid);
        try {
            // idempotent: the second call returns the address of the agent the first one started
            return JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
        } finally {
            vm.detach();
        }
    }

    private static void serve(MBeanServerConnection server, String pid, long seconds, String jitFile)
            throws Exception {
        java.io.PrintStream samples = new java.io.PrintStream(new java.io.FileOutputStream(jitFile), true);
        Thread sampler = new Thread(() -> {
            try {
                jit(server, pid, seconds, samples);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "jit-sampler");
        sampler.setDaemon(true);
        sampler.start();
        java.io.BufferedReader commands = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
        for (String line = commands.readLine(); line != null; line = commands.readLine()) {
            if (line.strip().equals("alloc")) {
                String answer;
                try {
                    answer = alloc(server);
                } catch (Exception gone) {
                    answer = "";   // the JVM has ended: an empty reading
                }
                System.out.print(answer + "END\n");
                System.out.flush();
            }
        }
    }

    private static String alloc(MBeanServerConnection server) throws Exception {
        ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.THREAD_MXBEAN_NAME,
                ThreadMXBean.class);
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        java.lang.management.ThreadInfo[] infos = threads.getThreadInfo(ids);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            // -1: the thread ended while being read
            if (bytes[i] >= 0 && infos[i] != null && !probes(infos[i].getThreadName())) {
                out.append(ids[i]).append(' ').append(bytes[i]).append('\n');
            }
        }
        return out.toString();
    }

    /** The target's threads that serve this probe rather than the target's own work. */
    static boolean probes(String name) {
        return name.equals("Attach Listener") || name.startsWith("RMI ") || name.startsWith("JMX ");
    }

    private static void jit(MBeanServerConnection server, String pid, long seconds, java.io.PrintStream out)
            throws Exception {
        MonitoredVm counters = MonitoredHost.getMonitoredHost((String) null).getMonitoredVm(new VmIdentifier(pid));
        Monitor compiles = counters.findByName("sun.ci.totalCompiles");
        ObjectName diagnostics = new ObjectName("com.sun.management:type=DiagnosticCommand");
        ObjectName compilation = new ObjectName(ManagementFactory.COMPILATION_MXBEAN_NAME);
        String[] signature = {String[].class.getName()};
        while (true) {
            long now = System.currentTimeMillis();
            String queue;
            long compiled;
            long compileMs;
            try {
                queue = (String) server.invoke(diagnostics, "compilerQueue", new Object[] {new String[0]}, signature);
                compiled = ((Number) compiles.getValue()).longValue();
                compileMs = (Long) server.getAttribute(compilation, "TotalCompilationTime");
            } catch (Exception e) {
                return;   // the JVM is gone: the end of the run
            }
            out.printf(Locale.ROOT, "%d %d %d %d%n", now, queued(queue), compiled, compileMs);
            out.flush();
            Thread.sleep(seconds * 1000);
        }
    }

    /**
     * The tasks in Compiler.queue's output: after each "C1 compile queue:" / "C2 compile queue:" heading, one line
     * per waiting task ("Empty" when none). The "Current compiles" block above them is the tasks being compiled.
     */
    static int queued(String text) {
        int tasks = 0;
        boolean inQueue = false;
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.endsWith("compile queue:")) {
                inQueue = true;
            } else if (l.isEmpty() || l.startsWith("Current compiles") || l.startsWith("---")) {
                inQueue = l.isEmpty() ? inQueue : false;
            } else if (inQueue && !l.equals("Empty")) {
                tasks++;
            }
        }
        return tasks;
    }
}
