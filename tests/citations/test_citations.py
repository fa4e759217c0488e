"""Citations of entries and of search results, read back with the parsers reference
managers use (bibtexparser, rispy, citeproc-py) and compared with the database: only the
people who agreed to be named, only entries the visitor may see."""

import json
from datetime import date

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from hypothesis import given, settings
from hypothesis import strategies as st

from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone, translation

from wagtail.models import Locale

from citations.formats import bibtex, csl_json, ris
from citations.references import Reference, one_line
from heritage.access import AccessLevel
from heritage.models import EntryContributor, EntryPage
from tests.embeds.conftest import entry_with

# pylatexenc reads \textasciicircum as the modifier letter; LaTeX prints a caret.
DECODED_CARET = "\u02c6"


def read_bibtex(text: str) -> list[dict]:
    """Each entry's fields decoded from LaTeX, with `authors` as a list of names."""
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks, library.failed_blocks
    names = bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors()])
    authors = [[decoded(name) for name in entry.fields_dict["author"].value] for entry in names.entries]
    return [
        {"key": entry.key, "authors": entry_authors, **_decoded_fields(entry)}
        for entry, entry_authors in zip(library.entries, authors, strict=True)
    ]


def decoded(value: str) -> str:
    [entry] = bibtexparser.parse_string(
        f"@misc{{k, v = {{{value}}}}}", append_middleware=[LatexDecodingMiddleware()]
    ).entries
    return entry.fields_dict["v"].value.replace(DECODED_CARET, "^")


def _decoded_fields(entry) -> dict:
    return {name: field.value.replace(DECODED_CARET, "^") for name, field in entry.fields_dict.items()}


def bibtex_authors(value: str) -> list[str]:
    return [name.strip()[1:-1] for name in value.split("} and {")] if "} and {" in value else [value[1:-1]]


def read_csl(text: str) -> list[dict]:
    items = json.loads(text)
    source = CiteProcJSON(items)  # citeproc-py refuses items it cannot read
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(line) for line in bibliography.bibliography()]
    assert len(rendered) == len(items)
    return items


# Titles as officers type them, and as someone trying to break the files might.
hostile_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("{}\"'\\%@#$&_~^`-,=\n\r\t ")),
        st.sampled_from(list("ắằẳẵặâấầẩẫậđêếềểễệôốồổỗộơớờởỡợưứừửữựĐ")),
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    ),
    min_size=1,
    max_size=60,
).filter(lambda text: one_line(text))


def reference(title: str, people: list[str], place: str = "Lào Cai", number: int = 1) -> Reference:
    return Reference(
        key=f"heritage-00000000-0000-0000-0000-{number:012}",
        entry_type="recording",
        title=one_line(title),
        native_title="",
        authors=[one_line(person) for person in people] or ["Bảo tàng"],
        authors_are_people=bool(people),
        issued=date(2019, 3, 2),
        ethnic_groups=["Tày"],
        places=[one_line(place)],
        language="vi",
        url="https://archive.example/e/00000000-0000-0000-0000-000000000001/",
        publisher="Kho lưu trữ di sản các dân tộc",
        licence="CC BY-NC 4.0",
        accessed=date(2026, 11, 29),
    )


@settings(max_examples=150, deadline=None)
@given(title=hostile_text, person=hostile_text, place=hostile_text)
def test_hostile_titles_names_and_places_read_back_as_written(title, person, place):
    ref = reference(title, [person], place)
    [bib] = read_bibtex(bibtex([ref]))
    assert bib["title"] == ref.title
    assert bib["authors"] == ref.authors
    assert bib["location"] == ref.places[0]
    [record] = rispy.loads(ris([ref]))
    assert record["title"] == ref.title.strip() and record["authors"] == [ref.authors[0].strip()]
    [item] = read_csl(csl_json([ref]))
    assert item["title"] == ref.title and item["author"] == [{"literal": ref.authors[0]}]
    assert item["event-place"] == ref.places[0]


def test_several_references_stay_apart_in_every_format():
    refs = [reference("Một", ["A"]), reference("Hai } @misc{x,", ["B", "C and D"], number=2)]
    assert [entry["title"] for entry in read_bibtex(bibtex(refs))] == ["Một", "Hai } @misc{x,"]
    assert [entry["authors"] for entry in read_bibtex(bibtex(refs))] == [["A"], ["B", "C and D"]]
    assert [record["authors"] for record in rispy.loads(ris(refs))] == [["A"], ["B", "C and D"]]
    assert [item["title"] for item in read_csl(csl_json(refs))] == ["Một", "Hai } @misc{x,"]


def citation_path(entry, format: str, language: str = "vi") -> str:
    with translation.override(language):
        return reverse("entry-citation", args=[entry.translation_key, format])


def download(client, path: str, status: int = 200):
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    if status == 200:
        assert response["Content-Disposition"].startswith("attachment;")
    return response.content.decode()


@pytest.fixture
def entry(db):
    """A public recording entry crediting people, one of whom may not be named."""
    page = EntryPage.objects.get(slug="de-dat-de-nuoc-muong", locale__language_code="vi").specific
    credits = list(page.contributors.select_related("contributor"))
    assert len(credits) >= 2
    EntryContributor.objects.filter(pk=credits[-1].pk).update(may_be_named=False)
    return EntryPage.objects.get(pk=page.pk).specific


def expected(entry) -> dict:
    return {
        "title": entry.title,
        "people": [credit.contributor.name for credit in entry.contributors.all() if credit.may_be_named],
        "hidden": [credit.contributor.name for credit in entry.contributors.all() if not credit.may_be_named],
        "groups": [group.name for group in entry.ethnic_groups.all()],
        "places": [str(entry_place.place) for entry_place in entry.places.all()],
        "url": entry.get_permalink(),
        "year": str((entry.documented_on or timezone.localtime(entry.first_published_at)).year),
    }


@pytest.mark.django_db
def test_an_entry_reads_back_as_the_database_says_in_every_format(client, entry):
    want = expected(entry)
    today = timezone.localdate()
    with translation.override("vi"):
        [bib] = read_bibtex(download(client, citation_path(entry, "bibtex")))
        [record] = rispy.loads(download(client, citation_path(entry, "ris")))
        [item] = read_csl(download(client, citation_path(entry, "csl-json")))
        publisher = str(django_settings.WAGTAIL_SITE_NAME)
    assert bib["title"] == record["title"] == item["title"] == want["title"]
    assert record["title"] == item["title"] == want["title"]
    assert bib["authors"] == record["authors"] == want["people"]
    assert [author["literal"] for author in item["author"]] == want["people"]
    assert bib["url"] == record["urls"][0] == item["URL"] == want["url"]
    assert bib["year"] == record["year"] == str(item["issued"]["date-parts"][0][0]) == want["year"]
    assert bib["urldate"] == today.isoformat() and record["access_date"] == today.strftime("%Y/%m/%d")
    assert item["accessed"]["date-parts"] == [[today.year, today.month, today.day]]
    assert record["keywords"] == want["groups"] and bib["keywords"] == ", ".join(want["groups"])
    assert item["event-place"] == record["place_published"] == bib["location"] == "; ".join(want["places"])
    assert bib["publisher"] == record["publisher"] == item["publisher"]
    assert item["publisher"] == publisher == "Kho lưu trữ di sản văn hóa các dân tộc thiểu số"
    for hidden in want["hidden"]:
        for text in (json.dumps(bib, ensure_ascii=False), json.dumps(record, ensure_ascii=False), json.dumps(item)):
            assert hidden not in text


@pytest.mark.django_db
def test_the_english_address_cites_the_english_translation(client, entry):
    english = entry.get_translation(Locale.objects.get(language_code="en")).specific
    [item] = read_csl(download(client, citation_path(entry, "csl-json", "en")))
    assert item["title"] == english.title != entry.title
    assert item["publisher"] == "Ethnic heritage archive" and item["language"] == "en"


@pytest.mark.django_db
def test_a_hostile_title_in_the_database_round_trips(client, entry):
    title = "Lễ {cúng} \"bản\" 100% @misc{x, \\ ~ ^ `` -- '' ắ Đ"
    EntryPage.objects.filter(pk=entry.pk).update(title=title + "\nsecond line")
    [bib] = read_bibtex(download(client, citation_path(entry, "bibtex")))
    [record] = rispy.loads(download(client, citation_path(entry, "ris")))
    [item] = read_csl(download(client, citation_path(entry, "csl-json")))
    assert bib["title"] == title + " second line"
    assert record["title"] == item["title"] == title + " second line"


@pytest.mark.django_db
@pytest.mark.parametrize("level", [AccessLevel.RESTRICTED, AccessLevel.RESEARCHERS])
def test_hidden_entries_have_no_citation_except_for_those_who_may_read_them(client, django_user_model, level):
    hidden = entry_with("audio", level=level)
    for format in ("bibtex", "ris", "csl-json"):
        download(client, citation_path(hidden, format), status=404)
    reader = "researcher" if level == AccessLevel.RESEARCHERS else "officer"
    client.force_login(django_user_model.objects.get(username=reader))
    [item] = read_csl(download(client, citation_path(hidden, "csl-json")))  # positive control
    assert item["title"] == hidden.title


@pytest.mark.django_db
def test_unknown_formats_and_entries_are_not_found(client, entry):
    download(client, citation_path(entry, "bibtex").replace("bibtex", "endnote"), status=404)
    download(client, "/vi/cite/00000000-0000-0000-0000-000000000000/ris/", status=404)
    assert client.post(citation_path(entry, "ris")).status_code == 405


def search_path(format: str, language: str = "vi") -> str:
    with translation.override(language):
        return reverse("search-citations", args=[format])


@pytest.mark.django_db
def test_search_results_export_the_same_entries_as_the_search_page(client, django_user_model):
    hidden = entry_with("audio", level=AccessLevel.RESEARCHERS)
    word = hidden.title.split()[-1]
    shown_ids = client.get("/vi/search/", {"q": word}).context["results"].object_list
    shown = {result.entry.get_permalink() for result in shown_ids}
    assert shown
    exported = {item["URL"] for item in read_csl(download(client, search_path("csl-json") + f"?q={word}"))}
    assert exported == shown and hidden.get_permalink() not in exported
    records = rispy.loads(download(client, search_path("ris") + f"?q={word}"))
    assert {record["urls"][0] for record in records} == shown
    assert {entry["url"] for entry in read_bibtex(download(client, search_path("bibtex") + f"?q={word}"))} == shown

    client.force_login(django_user_model.objects.get(username="researcher"))  # positive control
    exported = {item["URL"] for item in read_csl(download(client, search_path("csl-json") + f"?q={word}"))}
    assert hidden.get_permalink() in exported


@pytest.mark.django_db
def test_search_export_follows_the_filters(client):
    entry = entry_with("video")
    group = entry.ethnic_groups.first()
    items = read_csl(download(client, search_path("csl-json") + f"?group={group.code}"))
    assert items and all(group.name in item["keyword"] for item in items)
    everything = read_csl(download(client, search_path("csl-json")))
    assert len(everything) > len(items)
