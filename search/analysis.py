"""How the search node reads the archive's text: index settings for Elasticsearch and
OpenSearch.

- Every text field is indexed with a Vietnamese folding analyzer that keeps each original
  token beside its folded form ("lễ" and "le"), so a query typed without marks finds text
  with them, and one typed with marks scores exact matches higher.
- All text is also indexed in English (stemmed: "festivals" finds "festival").
- Autocomplete edge n-grams are folded, and so are the queries that search them.
- Ethnic-group names are no synonyms in the analyzers: folded, they are ordinary words
  ("Mông" folds to "mong", to wish). Queries name groups through search/group_names.py,
  which the query compiler (search/backends.py) turns into a clause on the entries' groups.
- `exact_query` reads a query without folding: it matches only the original tokens, so a
  group name typed with marks finds that spelling in the text and nothing it folds to.
"""

VIETNAMESE_FOLDING = {"type": "asciifolding", "preserve_original": True}
FOLDED_EDGE_NGRAMS = {
    "type": "custom",
    "tokenizer": "standard",
    "filter": ["lowercase", "asciifolding", "edgengram"],
}
FOLDED_QUERY = {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding"]}
EXACT_QUERY = {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]}
ENGLISH_TEXT = "_english_text"


def index_settings() -> dict:
    """The `settings` body of a new index (merged over modelsearch's own n-gram analyzers)."""
    folding = {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "vietnamese_folding"]}
    return {
        "analysis": {
            "filter": {"vietnamese_folding": VIETNAMESE_FOLDING},
            "analyzer": {
                "default": folding,
                "default_search": folding,
                "edgengram_analyzer": FOLDED_EDGE_NGRAMS,
                "folded_query": FOLDED_QUERY,
                "exact_query": EXACT_QUERY,
            },
        }
    }
