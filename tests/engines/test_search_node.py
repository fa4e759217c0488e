"""Search on a real search node, Elasticsearch 8.19 and OpenSearch 2.19 in turn (tests/engines/elasticsearch.py):
entries are indexed as they are published with the archive's analyzers (folding that keeps
the original, English stemming, folded autocomplete); group names in a query find their
group (read from the data), languages are found by code and name, NFD queries and typos
find entries; hidden entries stay out; rebuilding swaps an alias; a fresh node gets the
archive's index before the first write; and with the node stopped, the archive keeps
working and catches the node up when it is back."""

import json

import pytest

from tests.engines.archive_project import archive_project
from tests.engines.elasticsearch import ENGINES, _free_port, running_search_node

SEARCH = """
import json
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(HTTP_HOST="localhost")
answers = {}
for language, query in QUERIES:
    response = client.get(f"/{language}/search/", {"q": query})
    answers[query] = {
        "status": response.status_code,
        "from_fallback": bool(response.context.get("from_fallback")),
        "notice": "search-fallback-notice" in response.content.decode(),
        "found": [result.entry.slug for result in response.context["results"] or []],
    }
print(json.dumps(answers))
"""

FACETED = """
import csv, io, json
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(HTTP_HOST="localhost")
answers = {}
for name, params in PARAMS.items():
    response = client.get("/vi/search/", params)
    if params.get("format") == "csv":
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        answers[name] = {"status": response.status_code, "titles": [row["title"] for row in rows]}
        continue
    results = list(response.context["results"] or [])
    answers[name] = {
        "status": response.status_code,
        "from_fallback": bool(response.context.get("from_fallback")),
        "total": response.context.get("total"),
        "found": [result.entry.slug for result in results],
        "titles": [result.entry.title for result in results],
        "groups": [sorted(group.code for group in result.entry.ethnic_groups.all()) for result in results],
        "dates": [str(result.entry.documented_on or "") for result in results],
        "facets": {item.name: {value.key: value.count for value in item.values} for item in response.context["facets"]},
    }
print(json.dumps(answers))
"""

PUBLISH = """
import json
from heritage.models import FestivalPage
source = FestivalPage.objects.live().filter(locale__language_code="vi", access_level="public").first()
page = source.copy(to=source.get_parent(), update_attrs={"title": TITLE, "slug": SLUG}, keep_live=False)
page.save_revision().publish()
print(json.dumps(page.pk))
"""

ANALYZE = """
import json
from wagtail.search.backends import get_search_backend
from heritage.models import EntryPage
backend = get_search_backend()
index = backend.get_index_for_model(EntryPage).name
answer = backend.es.indices.analyze(index=index, body=BODY)
print(json.dumps(sorted({token["token"] for token in answer["tokens"]})))
"""


def search(project, *queries: str, language: str = "vi") -> dict:
    return json.loads(project.python(f"QUERIES = {[(language, query) for query in queries]!r}\n" + SEARCH))


def faceted(project, **params: dict) -> dict:
    return json.loads(project.python(f"PARAMS = {params!r}\n" + FACETED))


def publish(project, title: str, slug: str) -> int:
    return json.loads(project.python(f"TITLE = {title!r}\nSLUG = {slug!r}\n" + PUBLISH))


def analyze(project, text: str, **body: str) -> list[str]:
    return json.loads(project.python(f"BODY = {dict(body, text=text)!r}\n" + ANALYZE))


@pytest.fixture(scope="module", params=ENGINES, ids=str)
def project(request, tmp_path_factory, database_template):
    engine = request.param
    url = request.getfixturevalue(f"{engine.name}_node")
    folder = tmp_path_factory.mktemp(f"search-node-{engine.name}") / "archive"
    project = archive_project(folder, database_template, **engine.settings(url))
    project.manage("update_index", timeout=300)
    project.manage("load_demo_content", "--without-audio-video", timeout=600)
    return project


def test_published_entries_are_found_with_or_without_marks_and_by_other_group_names(project):
    engine = next(engine for engine in ENGINES if project.env[engine.url_setting])
    print(f"Search engine: {engine.name} {engine.version}")
    backend = project.python(
        "from wagtail.search.backends import get_search_backend; print(type(get_search_backend()))"
    )
    assert f"search.backends.{engine.backend}" in backend
    answer = search(project, "le hoi long tong", "Lễ hội Lồng Tồng", "Mèo")
    assert "long-tong-tay-tuyen-quang" in answer["le hoi long tong"]["found"]
    assert "long-tong-tay-tuyen-quang" in answer["Lễ hội Lồng Tồng"]["found"]
    assert not any(found["from_fallback"] for found in answer.values())
    assert answer["Mèo"]["found"], "an older name of the H'Mông finds their entries"


def test_the_index_analyzers_fold_and_keep_originals_and_never_expand_ordinary_words(project):
    assert {"lễ", "le", "đao", "dao"} <= set(analyze(project, "Lễ Đao", analyzer="default"))
    # No group-name synonyms in the analyzers: "mong" (to wish) and "de" ("để") stay words.
    assert set(analyze(project, "mong để", analyzer="default_search")) == {"mong", "để", "de"}


def test_group_names_find_that_group_only_and_other_names_come_from_the_data(project):
    answer = faceted(
        project,
        tho={"q": "Thổ"},
        man={"q": "Mán"},
        katu={"q": "Katu"},
        yao={"q": "Yao"},
        kinh={"q": "Kinh"},
        meo={"q": "Mèo"},
        gongs={"q": "cồng chiêng Ê Đê"},
        tay_recordings={"q": "Tày", "type": "recording"},
        long_tong={"q": "long tong"},
    )
    groups_of = {"tho": {"tay", "khmer", "tho"}, "man": {"dao"}, "katu": {"co-tu"}, "yao": {"dao"}, "meo": {"hmong"}}
    for name, codes in groups_of.items():
        found = answer[name]
        assert not found["from_fallback"] and found["found"], name
        assert all(codes & set(groups) for groups in found["groups"]), (name, found["found"], found["groups"])
    assert "long-tong-tay-tuyen-quang" in answer["tho"]["found"]
    assert "cap-sac-dao-tuyen-quang" in answer["man"]["found"]
    assert answer["kinh"]["total"] == 0
    # The group's own entries first; the Cơ Tu festival ("để") never.
    gongs = answer["gongs"]
    assert gongs["found"][0] == "nha-dai-e-de" and "mung-lua-moi-co-tu-hue" not in gongs["found"]
    assert "e-de" in gongs["groups"][0]
    # "Tày" among recordings: the Then song, not the Mường epic through "Phú Thọ".
    recordings = answer["tay_recordings"]
    assert recordings["found"] == ["hat-then-tay-tuyen-quang"] and recordings["facets"]["type"] == {"recording": 1}
    assert answer["long_tong"]["found"][0] == "long-tong-tay-tuyen-quang"
    # Other names are read from the group table when a query is compiled: no rebuild.
    project.python(
        "from heritage.models import EthnicGroup; group = EthnicGroup.objects.get(code='hmong'); "
        "group.other_names += '\\nXá Zơrang'; group.save()"
    )
    zorang = faceted(project, zorang={"q": "Xá Zơrang"})["zorang"]
    assert zorang["found"] and all("hmong" in groups for groups in zorang["groups"])


def test_vietnamese_typed_with_combining_marks_finds_the_same_entries(project):
    import unicodedata

    composed = "Lễ hội Lồng Tồng"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    answer = search(project, composed, decomposed)
    assert "long-tong-tay-tuyen-quang" in answer[composed]["found"]
    assert answer[decomposed]["found"] == answer[composed]["found"]


def test_languages_are_found_by_code_and_name(project):
    answer = search(project, "tyz", "mtq", "Tiếng Mường")
    assert sorted(answer["tyz"]["found"]) == ["hat-then-tay-tuyen-quang", "long-tong-tay-tuyen-quang"]
    assert answer["mtq"]["found"] == ["de-dat-de-nuoc-muong"]
    assert "de-dat-de-nuoc-muong" in answer["Tiếng Mường"]["found"]
    english = search(project, "Rhade", "Eastern Cham", "Eastern Katu", language="en")
    assert "khan-dam-san-e-de" in english["Rhade"]["found"]
    assert "kate-cham" in english["Eastern Cham"]["found"]
    assert "nha-guol-co-tu" in english["Eastern Katu"]["found"]
    assert "khan-dam-san-e-de" not in english["Eastern Katu"]["found"]


def test_the_query_syntax_means_the_same_on_the_node(project):
    answer = search(project, "Katê OR Khmer", "Khmer -Chôl", "Khmer", '"Ok Om Bok"', '"Bok Om Ok"')
    assert set(answer["Katê OR Khmer"]["found"]) >= {"kate-cham", "ok-om-bok-khmer", "chol-chnam-thmay-khmer"}
    assert "chol-chnam-thmay-khmer" in answer["Khmer"]["found"]
    assert "ok-om-bok-khmer" in answer["Khmer -Chôl"]["found"]
    assert "chol-chnam-thmay-khmer" not in answer["Khmer -Chôl"]["found"]
    assert answer['"Ok Om Bok"']["found"][:1] == ["ok-om-bok-khmer"]
    assert "ok-om-bok-khmer" not in answer['"Bok Om Ok"']["found"]


def test_typos_find_entries_but_never_outrank_exact_matches(project):
    answer = search(project, "Đam Sam", "Đam San")
    assert "khan-dam-san-e-de" in answer["Đam Sam"]["found"]
    assert answer["Đam San"]["found"][0] == "khan-dam-san-e-de"
    english = search(project, "hemp weavng", "hemp weaving", language="en")
    assert "det-lanh-hmong-lung-tam" in english["hemp weavng"]["found"]
    assert english["hemp weaving"]["found"][0] == "det-lanh-hmong-lung-tam"
    # Words spelled as typed somewhere in the archive are no typos: every one must match.
    assert search(project, "hemp Katê", language="en")["hemp Katê"]["found"] == []


def test_typed_marks_rank_exact_spellings_first_and_english_is_stemmed(project):
    publish(project, "Lời ca Đrơng Kăn", "drong-kan-marked")
    publish(project, "Loi ca Drong Kan", "drong-kan-plain")
    answer = search(project, "Đrơng Kăn", "drong kan")
    assert answer["Đrơng Kăn"]["found"] == ["drong-kan-marked", "drong-kan-plain"]
    assert sorted(answer["drong kan"]["found"]) == ["drong-kan-marked", "drong-kan-plain"]
    # Every word must match: "drong" is only in these two copies of the Lồng Tồng festival,
    # "nhảy" in the Pà Thẻn fire dance.
    assert "nhay-lua-pa-then" in search(project, "nhảy")["nhảy"]["found"]
    assert search(project, "drong nhảy")["drong nhảy"]["found"] == []
    # All text is also indexed with English stemming, which queries search too.
    assert analyze(project, "festivals", field="_english_text") == ["festiv"]
    english = search(project, "festivals", language="en")["festivals"]["found"]
    assert "long-tong-tay-tuyen-quang" in english


def test_autocomplete_matches_prefixes_typed_with_or_without_marks(project):
    for prefix in ("Lồng Tồ", "long to"):
        answer = json.loads(
            project.python(
                "import json; from django.test import Client; client = Client(HTTP_HOST='localhost'); "
                f"print(json.dumps(client.get('/vi/search/autocomplete/', {{'q': {prefix!r}}}).json()))"
            )
        )
        assert any("lồng tồng" in entry["title"].lower() for entry in answer["entries"]), (prefix, answer)


def test_hidden_entries_stay_out_and_a_rebuild_keeps_search_answering(project):
    restricted = json.loads(
        project.python(
            "import json; from heritage.models import EntryPage; "
            "page = EntryPage.objects.filter(access_level='restricted', locale__language_code='vi').first(); "
            "print(json.dumps([page.slug, page.title]))"
        )
    )
    slug, title = restricted
    assert slug not in search(project, title)[title]["found"]
    project.manage("update_index", timeout=300)
    aliases = json.loads(
        project.python(
            "import json; from wagtail.search.backends import get_search_backend; "
            "client = get_search_backend().es; print(json.dumps(sorted(client.indices.get_alias(index='*').keys())))"
        )
    )
    assert any(name.startswith("heritage_") for name in aliases)
    assert "long-tong-tay-tuyen-quang" in search(project, "le hoi long tong")["le hoi long tong"]["found"]


def test_the_node_counts_facets_filters_sorts_and_pages_what_the_visitor_may_see(project):
    publish(project, "Lễ hội Pồn pôông thứ hai", "pon-poong-second")
    publish(project, "Lễ hội Pồn pôông thứ ba", "pon-poong-third")
    visible = int(
        project.python(
            "from datetime import date; from heritage.models import EntryPage; print(EntryPage.objects.live()"
            ".filter(locale__language_code='vi', access_level__in=['public', 'on_request'])"
            ".exclude(embargo_until__gt=date.today()).count())"
        )
    )
    every_type = ["festival", "custom", "recording"]
    answer = faceted(project, everything={"q": "le hoi"}, browse={"type": every_type})
    everything, browse = answer["everything"], answer["browse"]
    assert not everything["from_fallback"] and not browse["from_fallback"]
    assert everything["total"] > 2 and sum(everything["facets"]["type"].values()) == everything["total"]
    # Browsing by filters alone reaches every entry the visitor may see, over two pages.
    assert browse["total"] == visible > 20
    code, count = max(everything["facets"]["group"].items(), key=lambda item: item[1])
    answer = faceted(
        project,
        narrowed={"q": "le hoi", "group": code},
        second={"type": every_type, "page": "2"},
        by_date={"q": "le hoi", "sort": "date"},
        csv={"q": "le hoi", "format": "csv"},
    )
    narrowed = answer["narrowed"]
    assert narrowed["total"] == count and all(code in groups for groups in narrowed["groups"])
    assert narrowed["facets"]["group"][code] == count
    second = answer["second"]
    assert len(browse["found"]) == 20 and len(second["found"]) == visible - 20
    assert not set(browse["found"]) & set(second["found"])
    # Newest recordings first, undated ones last ("" sorts last in reverse).
    by_date = answer["by_date"]["dates"]
    assert by_date == sorted(by_date, reverse=True) and sorted(by_date) == sorted(everything["dates"])
    assert len({day for day in browse["dates"] if day}) > 1 and browse["dates"] == sorted(browse["dates"], reverse=True)
    assert len(answer["csv"]["titles"]) == everything["total"]
    assert answer["csv"]["titles"][: len(everything["titles"])] == everything["titles"]


def test_entries_the_node_missed_a_change_of_stay_out_until_caught_up(project):
    slug = "pon-poong-missed"
    page = publish(project, "Lễ hội Pồn pôông bị lỡ", slug)
    assert slug in search(project, "pồn pôông bị lỡ")["pồn pôông bị lỡ"]["found"]
    project.python(
        "from heritage.models import EntryPage; from search.models import MissedIndexChange; "
        f"MissedIndexChange.remember(EntryPage.objects.get(pk={page}).specific, deleted=False)"
    )
    # Its access may have changed while the node was down: it is left out, counts too.
    answer = faceted(project, missed={"q": "pồn pôông bị lỡ"})["missed"]
    assert slug not in answer["found"] and sum(answer["facets"].get("type", {}).values()) == answer["total"]
    project.manage("catch_up_search_index")
    assert slug in search(project, "pồn pôông bị lỡ")["pồn pôông bị lỡ"]["found"]


RELATED_CHANGE = """
from heritage.models import EntryPage, EntryPlace, Place
from heritage.reindexing import update_entries
if STEP == "place name":
    place = EntryPlace.objects.filter(entry__slug="kate-cham", entry__locale__language_code="vi").first().place
    place.name_vi = "Xã Zorakhmelun"
    place.save()
elif STEP == "commune":
    entry = EntryPage.objects.get(slug="kate-cham", locale__language_code="vi")
    home = EntryPlace.objects.filter(entry=entry).first().place.current_province()
    commune = Place.objects.create(code="xa-zorakh", name_vi="Xã Zorakh", kind="commune", parent=home)
    EntryPlace.objects.filter(entry=entry).update(place=commune)
    update_entries([entry.pk])
    print(home.code)
else:
    commune = Place.objects.get(code="xa-zorakh")
    commune.parent = Place.objects.filter(kind="province").exclude(pk=commune.parent_id).first()
    commune.save()
    print(commune.parent.code)
"""


def test_a_renamed_place_and_a_moved_place_reach_the_node_at_once(project):
    query = "Zorakhmelun kate"
    assert search(project, query)[query]["found"] == []
    project.python('STEP = "place name"\n' + RELATED_CHANGE)
    answer = search(project, query)[query]
    assert answer["found"] == ["kate-cham"] and not answer["from_fallback"]

    home = project.python('STEP = "commune"\n' + RELATED_CHANGE).strip().splitlines()[-1]
    assert faceted(project, at={"q": "kate Zorakh"})["at"]["facets"]["province"] == {home: 1}
    elsewhere = project.python('STEP = "move"\n' + RELATED_CHANGE).strip().splitlines()[-1]
    moved = faceted(project, at={"q": "kate Zorakh"}, there={"q": "kate Zorakh", "province": elsewhere})
    assert moved["at"]["facets"]["province"] == {elsewhere: 1}
    assert moved["there"]["found"] == ["kate-cham"] and not moved["there"]["from_fallback"]


def test_with_the_node_stopped_the_archive_works_and_catches_up_when_it_is_back(
    tmp_path, database_template, search_engine
):
    port, data = _free_port(), tmp_path / "node"
    with running_search_node(search_engine, port, data) as url:
        project = archive_project(tmp_path / "archive", database_template, **search_engine.settings(url))
        project.manage("update_index", timeout=300)
        project.manage("load_demo_content", "--without-audio-video", timeout=600)
    # The node is down: publishing succeeds, pages and the admin answer, search falls back.
    publish(project, "Lễ Zơrađinh", "le-zoradinh")
    answer = search(project, "zoradinh")["zoradinh"]
    assert answer["status"] == 200 and answer["from_fallback"] and answer["notice"]
    assert answer["found"] == ["le-zoradinh"]
    statuses = json.loads(
        project.python(
            "import json; from django.contrib.auth import get_user_model; from django.test import Client; "
            "from heritage.models import EntryPage; "
            "client = Client(HTTP_HOST='localhost'); "
            "urls = ['/vi/', EntryPage.objects.get(slug='le-zoradinh').url, '/vi/search/autocomplete/?q=zorad']; "
            "statuses = {url: client.get(url, follow=True).status_code for url in urls}; "
            "client.force_login(get_user_model().objects.create_superuser('outage', 'outage@example.org', 'x')); "
            "statuses['/admin/'] = client.get('/admin/').status_code; "
            "admin_search = client.get('/admin/pages/search/', {'q': 'zoradinh'}); "
            "statuses['admin search'] = admin_search.status_code; "
            "statuses['admin search finds it'] = 200 if 'Lễ Zơrađinh' in admin_search.content.decode() else 404; "
            "print(json.dumps(statuses))"
        )
    )
    assert set(statuses.values()) == {200}, statuses
    missed = project.python("from search.models import MissedIndexChange; print(MissedIndexChange.objects.count())")
    assert int(missed) >= 1
    # Back up on the same data: the missed change is sent, and the node finds the new entry.
    with running_search_node(search_engine, port, data):
        caught_up = project.manage("catch_up_search_index").stdout
        assert "Sent" in caught_up
        answer = search(project, "zoradinh")["zoradinh"]
        assert not answer["from_fallback"] and answer["found"] == ["le-zoradinh"]
        assert (
            project.python("from search.models import MissedIndexChange; print(MissedIndexChange.objects.count())")
            == "0"
        )


def test_a_fresh_node_gets_the_archive_index_before_the_first_write(tmp_path, database_template, search_engine):
    with running_search_node(search_engine) as url:
        project = archive_project(tmp_path / "archive", database_template, **search_engine.settings(url))
        # What a deployment runs: migrate (nothing to apply), then the site is used. No update_index.
        project.manage("migrate", "--no-input")
        project.manage("load_demo_content", "--without-audio-video", timeout=600)
        publish(project, "Lễ hội Pồn pôông đầu tiên", "pon-poong-first")
        answer = faceted(project, first={"q": "pồn pôông"})["first"]
        assert not answer["from_fallback"] and answer["found"] == ["pon-poong-first"]
        assert answer["facets"]["type"] == {"festival": 1}
        health = json.loads(
            project.python(
                "import json; from django.test import Client; from django.test.utils import override_settings; "
                "client = Client(HTTP_HOST='localhost'); "
                "with_token = override_settings(HEALTHZ_TOKEN='t'); with_token.enable(); "
                "print(json.dumps(client.get('/healthz', HTTP_AUTHORIZATION='Bearer t').json()))"
            )
        )
        index = health["search_index"]
        assert index["exists"] and index["current"] and index["mapping_version"]
        assert index["entries_indexed"] == index["entries_in_database"] > 20
        # An index the archive did not make (text where keywords belong): the node refuses the
        # facet counts (400), which is an error to fix, never "node unavailable" and a fallback.
        refused = project.python(
            "from django.test import Client; from wagtail.search.backends import get_search_backend; "
            "from heritage.models import EntryPage; backend = get_search_backend(); "
            "name = backend.get_index_for_model(EntryPage).name; "
            "[backend.es.indices.delete(index=index) for index in backend.es.indices.get_alias(index=name)]; "
            "backend.es.index(index=name, body={'_facets': {'type': 'festival'}}, refresh=True); "
            "client = Client(HTTP_HOST='localhost')\n"
            "try:\n    print(client.get('/vi/search/', {'q': 'pồn pôông'}).status_code)\n"
            "except Exception as error:\n    print(type(error).__name__)"
        )
        assert refused == {"elasticsearch": "BadRequestError", "opensearch": "RequestError"}[search_engine.name]
