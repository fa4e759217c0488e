"""How the search node reads the archive's text: index settings for Elasticsearch and
OpenSearch.

- Every text field is indexed with a Vietnamese folding analyzer that keeps each original
  token beside its folded form ("lễ" and "le"), so a query typed without marks finds text
  with them, and one typed with marks scores exact matches higher.
- All text is also indexed in English (stemmed: "festivals" finds "festival").
- Autocomplete edge n-grams are folded, and so are the queries that search them.
- At query time, other and historical names of each ethnic group are synonyms of its
  names ("Mèo" finds H'Mông entries). They are generated from the ethnic-group table when
  an index is created, so `update_index` picks up edited names.
"""

import re

from heritage.folding import fold

VIETNAMESE_FOLDING = {"type": "asciifolding", "preserve_original": True}
FOLDED_EDGE_NGRAMS = {
    "type": "custom",
    "tokenizer": "standard",
    "filter": ["lowercase", "asciifolding", "edgengram"],
}
FOLDED_QUERY = {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding"]}
ENGLISH_TEXT = "_english_text"

_NOT_NAME = re.compile(r"[^\w' -]+")


def group_synonyms() -> list[str]:
    """One equivalence rule per ethnic group: its names and other names, with and without
    tone marks, in the Solr synonym format."""
    from heritage.models import EthnicGroup

    rules = []
    for name_vi, name_en, other_names in EthnicGroup.objects.values_list("name_vi", "name_en", "other_names"):
        names = [name_vi, name_en, *other_names.splitlines()]
        variants = []
        for name in names:
            cleaned = " ".join(_NOT_NAME.sub(" ", name).split()).lower()
            for variant in (cleaned, fold(cleaned)):
                if variant and variant not in variants:
                    variants.append(variant)
        if len(variants) > 1:
            rules.append(", ".join(variants))
    return rules


def index_settings() -> dict:
    """The `settings` body of a new index (merged over modelsearch's own n-gram analyzers)."""
    return {
        "analysis": {
            "filter": {
                "vietnamese_folding": VIETNAMESE_FOLDING,
                "ethnic_group_synonyms": {"type": "synonym_graph", "synonyms": group_synonyms(), "lenient": True},
            },
            "analyzer": {
                "default": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "vietnamese_folding"]},
                # Synonyms expand before folding, so each rule lists the marked and folded spellings.
                "default_search": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["lowercase", "ethnic_group_synonyms", "vietnamese_folding"],
                },
                "edgengram_analyzer": FOLDED_EDGE_NGRAMS,
                "folded_query": FOLDED_QUERY,
            },
        }
    }
