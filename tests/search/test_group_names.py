"""Group names in a query are read where they mean a group: typed with their marks, or as
the whole query; never as the ordinary words they fold to."""

import unicodedata

import opensearchpy

from search.backends import composed, refused
from search.group_names import read_query, words

GROUPS = {
    "tay": ["Tày", "Tay", "Thổ", "Tho"],
    "khmer": ["Khmer", "Thổ"],
    "tho": ["Thổ", "Tho", "Họ"],
    "hmong": ["H'Mông", "Hmong", "Mông", "Mèo"],
    "e-de": ["Ê Đê", "E De (Rhade)", "Đê", "Rhade"],
    "pa-then": ["Pà Thẻn", "Tống"],
    "lao": ["Lào", "Lao"],
}


def names() -> dict[tuple[str, ...], list[str]]:
    found: dict[tuple[str, ...], list[str]] = {}
    for code, group_names in GROUPS.items():
        for name in group_names:
            found.setdefault(tuple(words(name)), []).append(code)
    return found


def test_a_whole_query_names_every_group_with_that_name():
    reading = read_query("Thổ", names())
    assert reading.whole and reading.names[0].codes == ["tay", "khmer", "tho"]
    # Without marks, every group with a name that folds to it.
    assert sorted(read_query("tho", names()).names[0].codes) == ["khmer", "tay", "tho"]
    assert read_query("rhade", names()).names[0].codes == ["e-de"]


def test_marked_names_are_read_inside_a_longer_query_and_unmarked_ones_are_words():
    reading = read_query("cồng chiêng Ê Đê", names())
    assert not reading.whole and [name.codes for name in reading.names] == [["e-de"]]
    assert reading.rest == "cồng chiêng"
    for ordinary in ("long tong", "cồng chiêng để", "mong muốn", "lễ hội Lồng Tồng"):
        assert read_query(ordinary, names()).names == [], ordinary
    # Marked, but another word than the name.
    assert read_query("Thọ", names()).names == []


def test_decomposed_marks_read_as_composed():
    decomposed = unicodedata.normalize("NFD", "Ê Đê")
    assert read_query(decomposed, names()).names[0].codes == ["e-de"]
    assert composed({"title": [decomposed]}) == {"title": ["Ê Đê"]}


def test_a_4xx_from_the_node_is_refused_and_a_dead_node_is_not():
    assert refused(opensearchpy.exceptions.RequestError(400, "search_phase_execution_exception", {}))
    assert refused(opensearchpy.exceptions.NotFoundError(404, "index_not_found_exception", {}))
    assert not refused(opensearchpy.exceptions.TransportError(429, "too_many_requests", {}))
    assert not refused(opensearchpy.exceptions.TransportError(503, "unavailable", {}))
    assert not refused(opensearchpy.exceptions.ConnectionError("N/A", "refused", None))
