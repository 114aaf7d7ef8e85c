package dev.reach.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.config.Setting;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Runs the real Neo4j Community engine (the same {@code org.neo4j:neo4j} artifacts that make up
 * the {@code neo4j:5.26} server and Docker image) as a stand-alone process that serves the Bolt
 * protocol on the loopback interface. It exists because the machines this project is developed
 * and tested on have no Docker engine; {@code up.sh} and {@code down.sh} next to this project
 * start and stop it.
 *
 * <h2>What it starts</h2>
 * A {@link DatabaseManagementService} built with {@link DatabaseManagementServiceBuilder}:
 * <ul>
 *   <li>Bolt connector enabled, listening (and advertised) on {@code 127.0.0.1:<port>}, TLS off;</li>
 *   <li>HTTP and HTTPS connectors off (the embedded service does not start Neo4j's web server;
 *       they are switched off explicitly all the same);</li>
 *   <li>authentication disabled: it listens on loopback only and is meant for development and
 *       tests;</li>
 *   <li>page cache size from the command line;</li>
 *   <li>usage-data reporting off;</li>
 *   <li>small transaction-log footprint: logs rotate at 64 MiB and only the two newest files are
 *       kept beyond what recovery needs;</li>
 *   <li>Bolt's network threads wait 1 s instead of 5 s for stragglers when the server stops
 *       (they stop after the databases are closed), so a stop takes about 2 s.</li>
 * </ul>
 * Neo4j's own logs: the user log goes to standard output (so a caller that redirects it gets a
 * file much like the server's {@code neo4j.log}); the debug log goes to {@code <home>/logs/debug.log}
 * where {@code <home>} is the parent of the data directory.
 *
 * <h2>Command line</h2>
 * Each option is written {@code --name=value} or {@code --name value}:
 * <dl>
 *   <dt>{@code --data-dir=PATH}</dt>
 *   <dd>Neo4j's data directory ({@code databases/}, {@code transactions/}, {@code dbms/}); created
 *       if missing. Its parent is used as the Neo4j home (for {@code logs/}). Default {@code ./data}.</dd>
 *   <dt>{@code --bolt-port=N}</dt>
 *   <dd>Bolt port on 127.0.0.1. Default 7687. {@code 0} picks a free port; the READY line then
 *       tells which.</dd>
 *   <dt>{@code --pagecache=SIZE}</dt>
 *   <dd>Page cache size ({@code server.memory.pagecache.size}), e.g. {@code 512m}, {@code 2g}.
 *       Default {@code 512m}.</dd>
 *   <dt>{@code --setting=KEY=VALUE}</dt>
 *   <dd>Any other Neo4j setting by its name (repeatable), e.g.
 *       {@code --setting=db.transaction.timeout=60s}. Applied last, so it can override the
 *       defaults above. Unknown names and bad values are rejected (usage error). Give paths
 *       absolute.</dd>
 *   <dt>{@code --startup-timeout=SECONDS}</dt>
 *   <dd>How long to wait for the default database to become available. Default 300.</dd>
 * </dl>
 * Heap size and the other JVM flags are the caller's business (see {@code up.sh}).
 *
 * <h2>Protocol with the caller</h2>
 * Once the DBMS is built, the default database {@code neo4j} reports
 * {@link GraphDatabaseService#isAvailable available} and the Bolt port accepts connections, a single
 * line {@code READY bolt://127.0.0.1:<port>} is printed to standard output. On SIGTERM or SIGINT a
 * shutdown hook calls {@link DatabaseManagementService#shutdown()} (a clean shutdown: a final
 * checkpoint, no recovery needed on the next start), prints {@code STOPPED} and the process exits.
 * A signal that arrives during startup lets startup finish, then shuts down without printing READY.
 * If startup fails, a line starting with {@code FAILED} goes to standard error and the exit status
 * is 1; a usage error exits with 2.
 */
public final class Neo4jLauncher {

    private static final String HOST = "127.0.0.1";
    private static final String DEFAULT_DATABASE = GraphDatabaseSettings.DEFAULT_DATABASE_NAME;

    /** Transaction logs: rotate at this size, and keep this many files beyond what recovery needs. */
    private static final String TX_LOG_ROTATION_SIZE = "64m";
    private static final String TX_LOG_RETENTION = "2 files";

    /** Quiet period of Bolt's Netty event loops on shutdown (Neo4j's default is 5). */
    private static final int BOLT_SHUTDOWN_QUIET_SECONDS = 1;

    private Neo4jLauncher() {}

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
            options.settings.putAll(parseRawSettings(options.rawSettings));
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.println(Options.USAGE);
            return;
        }
        try {
            run(options);
        } catch (Throwable t) {
            System.err.println("FAILED " + t);
            t.printStackTrace(System.err);
            System.err.flush();
            // halt: the shutdown hook has already released whatever was built.
            Runtime.getRuntime().halt(1);
        }
    }

    private static void run(Options options) throws Exception {
        Path dataDir = options.dataDir.toAbsolutePath().normalize();
        Path homeDir = dataDir.getParent() != null ? dataDir.getParent() : dataDir;
        Files.createDirectories(dataDir);

        PrintStream out = System.out;
        Log4jLogProvider userLog = new Log4jLogProvider(out, Level.INFO);

        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(homeDir)
                .setUserLogProvider(userLog)
                .setConfig(GraphDatabaseSettings.data_directory, dataDir)
                // Network: Bolt on loopback only, nothing else listening.
                .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress(HOST))
                .setConfig(GraphDatabaseSettings.default_advertised_address, new SocketAddress(HOST))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, options.boltPort))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(HOST, options.boltPort))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                // Loopback-only development instance: no authentication.
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                // Memory: the heap is set by the JVM flags, the page cache here.
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(options.pageCache))
                // No phoning home.
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // Keep the transaction logs small.
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.parse(TX_LOG_ROTATION_SIZE))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, TX_LOG_RETENTION)
                // Bolt's Netty event loops wait a 5 s "quiet period" each (boss and workers) when
                // the server stops, which happens after the databases have been closed. 1 s makes
                // a stop take ~2 s instead of ~10 s.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, BOLT_SHUTDOWN_QUIET_SECONDS);
        // Settings given by name come last, so they override the defaults above.
        options.settings.forEach(builder::setConfig);

        // Register the hook before building, so that a signal during startup still ends in a
        // clean shutdown once the service exists. The lock makes "READY" and "stopping" exclusive:
        // READY is never printed once a stop has begun.
        Object lock = new Object();
        boolean[] stopping = {false};
        AtomicReference<DatabaseManagementService> service = new AtomicReference<>();
        CountDownLatch startupFinished = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (lock) {
                stopping[0] = true;
            }
            try {
                startupFinished.await(options.startupTimeoutSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            DatabaseManagementService dbms = service.getAndSet(null);
            if (dbms != null) {
                out.println("Stopping Neo4j...");
                out.flush();
                try {
                    dbms.shutdown();
                    out.println("STOPPED");
                } catch (Throwable t) {
                    System.err.println("error during shutdown: " + t);
                    t.printStackTrace(System.err);
                }
            }
            userLog.close();
            out.flush();
            System.err.flush();
        }, "neo4j-launcher-shutdown"));

        try {
            DatabaseManagementService dbms = builder.build();
            service.set(dbms);
            GraphDatabaseService db = dbms.database(DEFAULT_DATABASE);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.startupTimeoutSeconds);
            while (!db.isAvailable(TimeUnit.SECONDS.toMillis(1))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("database '" + DEFAULT_DATABASE + "' not available after "
                            + options.startupTimeoutSeconds + " s");
                }
            }
            int port = boltPort(db, options.boltPort);
            awaitListening(port, deadline);
            synchronized (lock) {
                if (!stopping[0]) {
                    out.println("READY bolt://" + HOST + ":" + port);
                    out.flush();
                }
            }
        } catch (Throwable t) {
            DatabaseManagementService dbms = service.getAndSet(null);
            if (dbms != null) {
                try {
                    dbms.shutdown();
                } catch (Throwable suppressed) {
                    t.addSuppressed(suppressed);
                }
            }
            throw t;
        } finally {
            startupFinished.countDown();
        }

        // Serve until a signal arrives; the shutdown hook does the rest.
        new CountDownLatch(1).await();
    }

    /**
     * Turns settings given by name into typed values. They are parsed and validated by a throw-away
     * {@link Config}, which knows every setting the engine declares.
     */
    private static Map<Setting<Object>, Object> parseRawSettings(Map<String, String> raw) {
        Map<Setting<Object>, Object> typed = new LinkedHashMap<>();
        if (raw.isEmpty()) {
            return typed;
        }
        Config parsed = Config.newBuilder().setRaw(raw).build();
        Map<String, Setting<Object>> declared = parsed.getDeclaredSettings();
        for (String name : raw.keySet()) {
            Setting<Object> setting = declared.get(name);
            if (setting == null) {
                throw new IllegalArgumentException("unknown Neo4j setting: " + name);
            }
            typed.put(setting, parsed.get(setting));
        }
        return typed;
    }

    /** The port Bolt actually bound (differs from the requested one only when 0 was requested). */
    private static int boltPort(GraphDatabaseService db, int requested) {
        try {
            ConnectorPortRegister ports = ((GraphDatabaseAPI) db).getDependencyResolver()
                    .resolveDependency(ConnectorPortRegister.class);
            HostnamePort bound = ports.getLocalAddress(ConnectorType.BOLT);
            if (bound != null) {
                return bound.getPort();
            }
        } catch (RuntimeException e) {
            if (requested == 0) {
                throw new IllegalStateException("cannot tell which port Bolt bound", e);
            }
        }
        if (requested == 0) {
            throw new IllegalStateException("Bolt connector did not register a port");
        }
        return requested;
    }

    /** Waits until a TCP connection to the Bolt port succeeds. */
    private static void awaitListening(int port, long deadlineNanos) throws InterruptedException {
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(HOST, port), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadlineNanos) {
                    throw new IllegalStateException("Bolt is not accepting connections on " + HOST + ":" + port, e);
                }
                Thread.sleep(100);
            }
        }
    }

    /** Parsed command line. */
    private static final class Options {
        static final String USAGE = String.join("\n",
                "usage: java [jvm flags] -cp 'classes:lib/*' dev.reach.launcher.Neo4jLauncher [options]",
                "  --data-dir=PATH          Neo4j data directory (default ./data; its parent holds logs/)",
                "  --bolt-port=N            Bolt port on 127.0.0.1 (default 7687; 0 = any free port)",
                "  --pagecache=SIZE         page cache size, e.g. 512m, 2g (default 512m)",
                "  --setting=KEY=VALUE      any other Neo4j setting (repeatable)",
                "  --startup-timeout=SECS   wait this long for the database (default 300)",
                "Prints 'READY bolt://127.0.0.1:<port>' once Bolt serves the default database.");

        Path dataDir = Path.of("data");
        int boltPort = 7687;
        String pageCache = "512m";
        long startupTimeoutSeconds = 300;
        final Map<String, String> rawSettings = new LinkedHashMap<>();
        final Map<Setting<Object>, Object> settings = new LinkedHashMap<>();
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("-h") || arg.equals("--help")) {
                    o.help = true;
                    continue;
                }
                if (!arg.startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument: " + arg);
                }
                String name;
                String value;
                int eq = arg.indexOf('=');
                if (eq > 0) {
                    name = arg.substring(2, eq);
                    value = arg.substring(eq + 1);
                } else {
                    name = arg.substring(2);
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("missing value for --" + name);
                    }
                    value = args[++i];
                }
                switch (name) {
                    case "data-dir" -> o.dataDir = Path.of(value);
                    case "bolt-port" -> o.boltPort = parsePort(value);
                    case "pagecache" -> {
                        ByteUnit.parse(value); // validate early
                        o.pageCache = value;
                    }
                    case "setting" -> {
                        int sep = value.indexOf('=');
                        if (sep <= 0) {
                            throw new IllegalArgumentException("--setting wants KEY=VALUE, got: " + value);
                        }
                        o.rawSettings.put(value.substring(0, sep).trim(), value.substring(sep + 1).trim());
                    }
                    case "startup-timeout" -> o.startupTimeoutSeconds = parsePositive(name, value);
                    default -> throw new IllegalArgumentException("unknown option: --" + name);
                }
            }
            return o;
        }

        private static int parsePort(String value) {
            try {
                int port = Integer.parseInt(value.trim());
                if (port < 0 || port > 65535) {
                    throw new IllegalArgumentException("--bolt-port out of range: " + value);
                }
                return port;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--bolt-port is not a number: " + value);
            }
        }

        private static long parsePositive(String name, String value) {
            try {
                long n = Long.parseLong(value.trim());
                if (n <= 0) {
                    throw new IllegalArgumentException("--" + name + " must be positive: " + value);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " is not a number: " + value);
            }
        }
    }
}
