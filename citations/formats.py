"""BibTeX, RIS and CSL-JSON: one writer per format, each reading `Reference`s. Values are
escaped for their format, so that any title (braces, quotes, `%`, `@`, tone marks) reads
back as written."""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from citations.references import Reference

# BibTeX reads these as commands or grouping; each is written as LaTeX's own escape.
BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "`": r"\textasciigrave{}",
}
# TeX joins "--" into a dash and "''" into a closing quote: an empty group keeps them apart.
LIGATURE_STARTS = "-'"
BIBTEX_TYPES = {"recording": "misc", "festival": "misc", "custom": "misc"}
RIS_TYPES = {"recording": "SOUND", "festival": "ELEC", "custom": "ELEC"}
# CSL's types: "song" is any audio recording.
CSL_TYPES = {"recording": "song", "festival": "webpage", "custom": "webpage"}


def bibtex_text(value: str) -> str:
    written = []
    for index, character in enumerate(value):
        written.append(BIBTEX_ESCAPES.get(character, character))
        if character in LIGATURE_STARTS and value[index + 1 : index + 2] == character:
            written.append("{}")
    return "".join(written)


def bibtex(references: Iterable[Reference]) -> str:
    entries = []
    for reference in references:
        # Each name braced whole: Vietnamese names are not "Last, First", and an
        # institution's name may hold "and".
        fields = [("author", " and ".join("{" + bibtex_text(name) + "}" for name in reference.authors))]
        fields.append(("title", "{" + bibtex_text(reference.title) + "}"))
        if reference.native_title:
            fields.append(("titleaddon", bibtex_text(reference.native_title)))
        if reference.issued:
            fields += [("year", str(reference.issued.year)), ("date", reference.issued.isoformat())]
        fields += [
            ("publisher", bibtex_text(reference.publisher)),
            ("howpublished", r"\url{" + reference.url + "}"),
            ("url", reference.url),
            ("urldate", reference.accessed.isoformat()),
            ("language", reference.language),
        ]
        if reference.ethnic_groups:
            fields.append(("keywords", bibtex_text(", ".join(reference.ethnic_groups))))
        if reference.places:
            fields.append(("location", bibtex_text("; ".join(reference.places))))
        fields.append(("note", bibtex_text(_note(reference))))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        entries.append(f"@{BIBTEX_TYPES[reference.entry_type]}{{{reference.key},\n{body}\n}}\n")
    return "\n".join(entries)


def _note(reference: Reference) -> str:
    parts = [", ".join(reference.ethnic_groups), "; ".join(reference.places), reference.licence]
    return ". ".join(part for part in parts if part)


def ris(references: Iterable[Reference]) -> str:
    lines = []
    for reference in references:
        lines.append(f"TY  - {RIS_TYPES[reference.entry_type]}")
        lines += [f"AU  - {name}" for name in reference.authors]
        lines.append(f"TI  - {reference.title}")
        if reference.native_title:
            lines.append(f"T2  - {reference.native_title}")
        if reference.issued:
            lines += [f"PY  - {reference.issued.year}", f"DA  - {reference.issued:%Y/%m/%d}"]
        lines += [f"KW  - {group}" for group in reference.ethnic_groups]
        if reference.places:
            lines.append(f"CY  - {'; '.join(reference.places)}")
        lines += [
            f"PB  - {reference.publisher}",
            f"UR  - {reference.url}",
            f"Y2  - {reference.accessed:%Y/%m/%d}",
            f"LA  - {reference.language}",
            f"N1  - {_note(reference)}",
            f"ID  - {reference.key}",
            "ER  - ",
            "",
        ]
    return "\r\n".join(lines)


def _date_parts(value) -> dict:
    return {"date-parts": [[value.year, value.month, value.day]]}


def csl_item(reference: Reference) -> dict:
    item = {
        "id": reference.key,
        "type": CSL_TYPES[reference.entry_type],
        "title": reference.title,
        "author": [{"literal": name} for name in reference.authors],
        "publisher": reference.publisher,
        "archive": reference.publisher,
        "URL": reference.url,
        "accessed": _date_parts(reference.accessed),
        "language": reference.language,
        "note": _note(reference),
    }
    if reference.native_title:
        item["original-title"] = reference.native_title
    if reference.issued:
        item["issued"] = _date_parts(reference.issued)
    if reference.ethnic_groups:
        item["keyword"] = ", ".join(reference.ethnic_groups)
    if reference.places:
        item["event-place"] = "; ".join(reference.places)
    return item


def csl_json(references: Iterable[Reference]) -> str:
    return json.dumps([csl_item(reference) for reference in references], ensure_ascii=False, indent=2)


@dataclass(frozen=True)
class Format:
    write: Callable[[Iterable[Reference]], str]
    content_type: str
    extension: str


FORMATS = {
    "bibtex": Format(bibtex, "application/x-bibtex; charset=utf-8", "bib"),
    "ris": Format(ris, "application/x-research-info-systems; charset=utf-8", "ris"),
    "csl-json": Format(csl_json, "application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
}
