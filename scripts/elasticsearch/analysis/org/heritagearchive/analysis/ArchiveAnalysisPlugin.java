package org.heritagearchive.analysis;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenizer;
import org.apache.lucene.analysis.ngram.NGramTokenFilter;
import org.apache.lucene.analysis.ngram.NGramTokenizer;
import org.apache.lucene.analysis.reverse.ReverseStringFilter;
import org.elasticsearch.Build;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.cluster.ClusterName;
import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.common.bytes.BytesArray;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.env.Environment;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.AbstractTokenFilterFactory;
import org.elasticsearch.index.analysis.AbstractTokenizerFactory;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.NormalizingTokenFilterFactory;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.xcontent.XContentBuilder;

/**
 * What Elastic's analysis-common and rest-root modules give a node, limited to what the archive uses
 * (search/analysis.py and modelsearch's Elasticsearch 8 index settings): the asciifolding, ngram and edge_ngram token
 * filters, the ngram and edge_ngram tokenizers, the english analyzer, and `GET /` / `HEAD /`. Elastic publishes
 * neither module to Maven Central, so the in-JVM test node needs these; each one builds Lucene's own class with
 * Elasticsearch's parameters and defaults. Parameters the archive does not use are refused, not ignored, so a new
 * setting cannot silently mean something else here than on a real Elasticsearch.
 */
public final class ArchiveAnalysisPlugin extends Plugin implements AnalysisPlugin, ActionPlugin {
    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        return Map.of(
            "asciifolding", AsciiFolding::new,
            "ngram", NGramFilter::new,
            "edge_ngram", EdgeNGramFilter::new);
    }

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        return Map.of("ngram", NGramTokens::new, "edge_ngram", EdgeNGramTokens::new);
    }

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        return Map.of("english", English::new);
    }

    @Override
    public Collection<RestHandler> getRestHandlers(
        final Settings settings,
        final NamedWriteableRegistry namedWriteableRegistry,
        final RestController restController,
        final ClusterSettings clusterSettings,
        final IndexScopedSettings indexScopedSettings,
        final SettingsFilter settingsFilter,
        final IndexNameExpressionResolver indexNameExpressionResolver,
        final Supplier<DiscoveryNodes> nodesInCluster,
        final Predicate<NodeFeature> clusterSupportsFeature) {
        return List.of(new Root(settings));
    }

    private static void refuseTokenChars(final Settings settings) {
        if (settings.get("token_chars") != null || settings.get("custom_token_chars") != null) {
            throw new IllegalArgumentException("token_chars is not implemented by the archive's test analysis plugin");
        }
    }

    private static void checkNGramDiff(final IndexSettings indexSettings, final int minGram, final int maxGram) {
        final int allowed = indexSettings.getMaxNgramDiff();
        if (maxGram - minGram > allowed) {
            throw new IllegalArgumentException(
                "The difference between max_gram and min_gram in NGram Tokenizer must be less than or equal to: ["
                    + allowed + "] but was [" + (maxGram - minGram) + "]. This limit can be set by changing the ["
                    + IndexSettings.MAX_NGRAM_DIFF_SETTING.getKey() + "] index level setting.");
        }
    }

    /** `asciifolding`: folds to ASCII, keeping the original token beside the folded one with preserve_original. */
    static final class AsciiFolding extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
        private final boolean preserveOriginal;

        AsciiFolding(final IndexSettings indexSettings, final Environment environment,
                     final String name, final Settings settings) {
            super(name, settings);
            preserveOriginal = settings.getAsBoolean("preserve_original", false);
        }

        @Override
        public TokenStream create(final TokenStream stream) {
            return new ASCIIFoldingFilter(stream, preserveOriginal);
        }

        @Override
        public TokenStream normalize(final TokenStream stream) {
            // A normalized term is one token: the folded one.
            return new ASCIIFoldingFilter(stream, false);
        }
    }

    /** `ngram` filter: min_gram 1, max_gram 2 by default, within index.max_ngram_diff. */
    static final class NGramFilter extends AbstractTokenFilterFactory {
        private final int minGram;
        private final int maxGram;
        private final boolean preserveOriginal;

        NGramFilter(final IndexSettings indexSettings, final Environment environment,
                    final String name, final Settings settings) {
            super(name, settings);
            minGram = settings.getAsInt("min_gram", 1);
            maxGram = settings.getAsInt("max_gram", 2);
            preserveOriginal = settings.getAsBoolean("preserve_original", false);
            checkNGramDiff(indexSettings, minGram, maxGram);
        }

        @Override
        public TokenStream create(final TokenStream stream) {
            return new NGramTokenFilter(stream, minGram, maxGram, preserveOriginal);
        }
    }

    /** `edge_ngram` filter: min_gram 1, max_gram 2 by default; side "back" takes the grams from the end. */
    static final class EdgeNGramFilter extends AbstractTokenFilterFactory {
        private final int minGram;
        private final int maxGram;
        private final boolean preserveOriginal;
        private final boolean fromBack;

        EdgeNGramFilter(final IndexSettings indexSettings, final Environment environment,
                        final String name, final Settings settings) {
            super(name, settings);
            minGram = settings.getAsInt("min_gram", 1);
            maxGram = settings.getAsInt("max_gram", 2);
            preserveOriginal = settings.getAsBoolean("preserve_original", false);
            final String side = settings.get("side", "front");
            if (!side.equals("front") && !side.equals("back")) {
                throw new IllegalArgumentException("invalid side: " + side);
            }
            fromBack = side.equals("back");
        }

        @Override
        public TokenStream create(final TokenStream stream) {
            if (!fromBack) {
                return new EdgeNGramTokenFilter(stream, minGram, maxGram, preserveOriginal);
            }
            final TokenStream grams = new EdgeNGramTokenFilter(new ReverseStringFilter(stream), minGram, maxGram,
                preserveOriginal);
            return new ReverseStringFilter(grams);
        }

        @Override
        public boolean breaksFastVectorHighlighter() {
            return true;
        }
    }

    /** `ngram` tokenizer: min_gram 1, max_gram 2 by default, within index.max_ngram_diff. */
    static final class NGramTokens extends AbstractTokenizerFactory {
        private final int minGram;
        private final int maxGram;

        NGramTokens(final IndexSettings indexSettings, final Environment environment,
                    final String name, final Settings settings) {
            super(indexSettings, settings, name);
            minGram = settings.getAsInt("min_gram", NGramTokenizer.DEFAULT_MIN_NGRAM_SIZE);
            maxGram = settings.getAsInt("max_gram", NGramTokenizer.DEFAULT_MAX_NGRAM_SIZE);
            checkNGramDiff(indexSettings, minGram, maxGram);
            refuseTokenChars(settings);
        }

        @Override
        public Tokenizer create() {
            return new NGramTokenizer(minGram, maxGram);
        }
    }

    /** `edge_ngram` tokenizer: min_gram 1, max_gram 2 by default. */
    static final class EdgeNGramTokens extends AbstractTokenizerFactory {
        private final int minGram;
        private final int maxGram;

        EdgeNGramTokens(final IndexSettings indexSettings, final Environment environment,
                        final String name, final Settings settings) {
            super(indexSettings, settings, name);
            minGram = settings.getAsInt("min_gram", NGramTokenizer.DEFAULT_MIN_NGRAM_SIZE);
            maxGram = settings.getAsInt("max_gram", NGramTokenizer.DEFAULT_MAX_NGRAM_SIZE);
            refuseTokenChars(settings);
        }

        @Override
        public Tokenizer create() {
            return new EdgeNGramTokenizer(minGram, maxGram);
        }
    }

    /** `english` analyzer: Lucene's EnglishAnalyzer with its stop words (or `stopwords`) and `stem_exclusion`. */
    static final class English extends AbstractIndexAnalyzerProvider<EnglishAnalyzer> {
        private final EnglishAnalyzer analyzer;

        English(final IndexSettings indexSettings, final Environment environment,
                final String name, final Settings settings) {
            super(name, settings);
            analyzer = new EnglishAnalyzer(
                Analysis.parseStopWords(environment, settings, EnglishAnalyzer.getDefaultStopSet()),
                Analysis.parseStemExclusion(settings, CharArraySet.EMPTY_SET));
        }

        @Override
        public EnglishAnalyzer get() {
            return analyzer;
        }
    }

    /** `GET /` and `HEAD /` as Elasticsearch answers them, so clients' info() and ping() work. */
    static final class Root extends BaseRestHandler {
        private final String nodeName;
        private final String clusterName;

        Root(final Settings settings) {
            nodeName = Node.NODE_NAME_SETTING.get(settings);
            clusterName = ClusterName.CLUSTER_NAME_SETTING.get(settings).value();
        }

        @Override
        public String getName() {
            return "main_action";
        }

        @Override
        public List<Route> routes() {
            return List.of(new Route(RestRequest.Method.GET, "/"), new Route(RestRequest.Method.HEAD, "/"));
        }

        @Override
        protected RestChannelConsumer prepareRequest(final RestRequest request, final NodeClient client) {
            if (request.method() == RestRequest.Method.HEAD) {
                return channel -> channel.sendResponse(
                    new RestResponse(RestStatus.OK, RestResponse.TEXT_CONTENT_TYPE, BytesArray.EMPTY));
            }
            return channel -> {
                final Build build = Build.current();
                final XContentBuilder body = channel.newBuilder();
                body.startObject()
                    .field("name", nodeName)
                    .field("cluster_name", clusterName)
                    .startObject("version")
                    .field("number", build.qualifiedVersion())
                    .field("build_flavor", build.flavor())
                    .field("build_type", build.type().displayName())
                    .field("build_hash", build.hash())
                    .field("build_date", build.date())
                    .field("build_snapshot", build.isSnapshot())
                    .field("lucene_version", org.apache.lucene.util.Version.LATEST.toString())
                    .field("minimum_wire_compatibility_version", build.minWireCompatVersion())
                    .field("minimum_index_compatibility_version", build.minIndexCompatVersion())
                    .endObject()
                    .field("tagline", "You Know, for Search")
                    .endObject();
                channel.sendResponse(new RestResponse(RestStatus.OK, body));
            };
        }
    }
}
