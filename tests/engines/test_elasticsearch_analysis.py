"""The Elasticsearch 8 test node reads text as a real Elasticsearch would: its analysis components come from the
archive's own plugin (scripts/elasticsearch/analysis), since Elastic does not publish analysis-common. For the
archive's index settings (search/analysis.py over modelsearch's), every analyzer and tokenizer gives the Elasticsearch
node the same tokens, positions and offsets as OpenSearch's own analysis-common: Vietnamese with tone marks and đ,
group names, English plurals, and generated text."""

import json
import unicodedata
import urllib.error
import urllib.request
from copy import deepcopy

import elasticsearch
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modelsearch.backends.elasticsearchbase import ElasticsearchBaseSearchBackend
from modelsearch.utils import deep_update

from search.analysis import index_settings

INDEX = "analysis-faithfulness"
# Every analyzer and tokenizer the archive's index defines or its mapping names.
ANALYZERS = [
    "default",
    "default_search",
    "edgengram_analyzer",
    "ngram_analyzer",
    "folded_query",
    "exact_query",
    "english",
    "standard",
]
TOKENIZERS = ["ngram_tokenizer", "edgengram_tokenizer"]
SAMPLES = [
    "Lễ hội Đền Hùng",
    "LỄ HỘI CẦU MÙA CỦA NGƯỜI Ê ĐÊ",
    "đàn đá, đàn T'rưng và cồng chiêng Tây Nguyên",
    "Người H'Mông, Mèo, Xơ Đăng, Ba Na, Cơ Tu, Pà Thẻn, Khơ Mú",
    "Ơ ơ, ư ừ ứ ử ữ ự; ỷ ỹ ỵ",
    unicodedata.normalize("NFD", "Lễ hội Đền Hùng"),  # letters followed by combining marks
    "The festivals of the weavers' villages: gongs, drums and songs",
    "Đam San's epics were sung by the storytellers",
    "2024-03-15 Hà Nội/Đà Lạt 12,5km",
]
VIETNAMESE_TEXT = st.text(
    alphabet=st.sampled_from(
        list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ")
        + list("áàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")
        + list(" ',.-0123456789")
        + ["\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
    ),
    max_size=60,
)


def archive_index_settings() -> dict:
    """The body with which the archive's backends create an index (search/backends.py)."""
    return deep_update(deepcopy(ElasticsearchBaseSearchBackend.settings), {"settings": index_settings()})


def request(url: str, method: str, path: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"}
    call = urllib.request.Request(f"{url}{path}", data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(call, timeout=30) as answer:
            return json.load(answer)
    except urllib.error.HTTPError as error:
        return {"status": error.code, **json.load(error)}


@pytest.fixture(scope="module")
def nodes(elasticsearch_node, opensearch_node) -> dict[str, str]:
    nodes = {"elasticsearch": elasticsearch_node, "opensearch": opensearch_node}
    for url in nodes.values():
        request(url, "DELETE", f"/{INDEX}")
        created = request(url, "PUT", f"/{INDEX}", archive_index_settings())
        assert created.get("acknowledged"), created
    return nodes


def tokens(url: str, texts: str | list[str], **component: str) -> list[tuple]:
    answer = request(url, "POST", f"/{INDEX}/_analyze", {"text": texts, **component})
    assert "tokens" in answer, answer
    return [(item["token"], item["position"], item["start_offset"], item["end_offset"]) for item in answer["tokens"]]


def analyses(url: str, texts: str | list[str]) -> dict[str, list[tuple]]:
    found = {name: tokens(url, texts, analyzer=name) for name in ANALYZERS}
    found |= {name: tokens(url, texts, tokenizer=name) for name in TOKENIZERS}
    return found


@pytest.mark.parametrize("text", SAMPLES)
def test_the_archive_analyzers_give_elasticsearch_the_tokens_opensearch_gives(nodes, text):
    on_elasticsearch = analyses(nodes["elasticsearch"], text)
    assert on_elasticsearch == analyses(nodes["opensearch"], text)


def test_the_elasticsearch_node_folds_keeps_originals_and_stems_english(nodes):
    # What the comparison above compares: folded and original tokens, stems, prefixes.
    url = nodes["elasticsearch"]
    assert [token for token, *_ in tokens(url, "Lễ Đền", analyzer="default")] == ["le", "lễ", "den", "đền"]
    assert [token for token, *_ in tokens(url, "Lễ Đền", analyzer="exact_query")] == ["lễ", "đền"]
    assert [token for token, *_ in tokens(url, "festivals of gongs", analyzer="english")] == ["festiv", "gong"]
    assert [token for token, *_ in tokens(url, "Hùng", analyzer="edgengram_analyzer")] == ["h", "hu", "hun", "hung"]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(VIETNAMESE_TEXT, min_size=1, max_size=5))
def test_generated_vietnamese_text_is_read_alike_by_both_engines(nodes, texts):
    assert analyses(nodes["elasticsearch"], texts) == analyses(nodes["opensearch"], texts)


def test_settings_the_plugin_does_not_implement_are_refused_not_ignored(nodes):
    body = {"settings": {"analysis": {"tokenizer": {"grams": {"type": "ngram", "token_chars": ["letter"]}}}}}
    url = nodes["elasticsearch"]
    request(url, "DELETE", "/analysis-token-chars")
    refused = request(url, "PUT", "/analysis-token-chars", body)
    assert refused["status"] == 400 and "token_chars" in json.dumps(refused)
    # OpenSearch's own analysis-common implements it.
    assert request(nodes["opensearch"], "PUT", "/analysis-token-chars", body).get("acknowledged")
    request(nodes["opensearch"], "DELETE", "/analysis-token-chars")


def test_the_elasticsearch_client_pings_and_reads_the_node(nodes):
    client = elasticsearch.Elasticsearch(nodes["elasticsearch"])
    assert client.ping()
    info = client.info()
    assert info["version"]["number"] == "8.19.21" and info["tagline"] == "You Know, for Search"
    # The client refuses a server that is not Elasticsearch, which is why the OpenSearch node needs opensearch-py.
    with pytest.raises(elasticsearch.UnsupportedProductError):
        elasticsearch.Elasticsearch(nodes["opensearch"]).info()
