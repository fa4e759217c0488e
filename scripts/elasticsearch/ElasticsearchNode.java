import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.PluginsLoader;

/**
 * Starts one Elasticsearch 8 node inside this JVM with its HTTP API on the loopback: the server jars on the module
 * path, and the modules (transport-netty4, the archive's analysis plugin) as folders under HOME/modules, loaded the way
 * bin/elasticsearch loads them. Skips what the distribution's launcher adds around the node (bootstrap checks,
 * entitlements, keystore): this node is for tests and local work only.
 *
 * Usage: ElasticsearchNode HOME PORT FOLDER [CLUSTER_NAME]. HOME holds config/ and modules/ (read only); FOLDER holds
 * the node's data and logs. Prints "READY http://127.0.0.1:PORT" once HTTP is up and closes the node on SIGTERM.
 */
public final class ElasticsearchNode {
    public static void main(final String[] args) throws Exception {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: ElasticsearchNode HOME PORT FOLDER [CLUSTER_NAME]");
            System.exit(2);
        }
        final Path home = Path.of(args[0]).toAbsolutePath();
        final int port = Integer.parseInt(args[1]);
        final Path folder = Files.createDirectories(Path.of(args[2]).toAbsolutePath());
        final String clusterName = args.length == 4 ? args[3] : "heritage-archive";

        final Settings settings = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", folder.resolve("data").toString())
            .put("path.logs", folder.resolve("logs").toString())
            .put("cluster.name", clusterName)
            .put("node.name", "archive-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", port)
            .put("discovery.type", "single-node")
            // A nearly full disk must not turn the test indices read-only.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .build();
        // Before anything logs: Elasticsearch's logging bridge.
        LogConfigurator.configureESLogging();
        final Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, Map.of(), home.resolve("config"), () -> "archive-node");
        LogConfigurator.configure(environment, true);

        final PluginsLoader plugins = PluginsLoader.createPluginsLoader(
            PluginsLoader.loadModulesBundles(environment.modulesDir()),
            PluginsLoader.loadPluginsBundles(environment.pluginsDir()),
            Map.of());
        final Node node = new Node(environment, plugins);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(30, TimeUnit.SECONDS);
            } catch (final Exception e) {
                System.err.println("Could not close the Elasticsearch node: " + e);
            }
        }));
        try {
            node.start();
        } catch (final RuntimeException e) {
            e.printStackTrace();
            System.err.println("The Elasticsearch node did not start: " + e.getMessage());
            System.exit(1);
        }
        System.out.println("READY http://127.0.0.1:" + port);
        System.out.flush();
        Thread.currentThread().join();
    }
}
