"""Load the shipped reference data (54 ethnic groups, 34 provinces with their former
provinces, languages). Idempotent: re-running updates rows in place and never deletes
what officers added. Takes the model classes so migrations can pass historical ones."""

import json
from pathlib import Path

from django.utils.text import slugify

DATA_DIR = Path(__file__).resolve().parent


def _read(name: str) -> list[dict]:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def load_reference_data(EthnicGroup, Language, Place) -> dict[str, int]:  # noqa: N803 - model classes
    from anyascii import anyascii

    provinces = {}
    for row in _read("provinces.json"):
        province, _ = Place.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_vi": row["name_vi"],
                "name_en": row["name_en"],
                "kind": row["kind"],
                "latitude": row.get("latitude"),
                "longitude": row.get("longitude"),
                "parent": None,
                "successor": None,
            },
        )
        provinces[row["code"]] = province
        for former in row["former"]:
            Place.objects.update_or_create(
                code="former-" + slugify(anyascii(former["name_vi"])),
                defaults={
                    "name_vi": former["name_vi"],
                    "name_en": former["name_en"],
                    "kind": "former_province",
                    "successor": province,
                },
            )

    groups = {}
    for row in _read("ethnic_groups.json"):
        group, _ = EthnicGroup.objects.update_or_create(
            code=row["code"],
            defaults={
                "number": row["number"],
                "name_vi": row["name_vi"],
                "name_en": row["name_en"],
                "other_names": "\n".join(row["other_names"]),
                "language_family": row["language_family"],
                "language_group_vi": row["language_group_vi"],
                "language_group_en": row["language_group_en"],
                "population_2019": row.get("population_2019"),
                "summary_vi": row.get("summary_vi", ""),
                "summary_en": row.get("summary_en", ""),
            },
        )
        group.regions.set([provinces[code] for code in row["regions"]])
        groups[row["code"]] = group

    languages = _read("languages.json")
    for row in languages:
        language, _ = Language.objects.update_or_create(
            code=row["code"],
            defaults={
                "iso_639_3": row["iso_639_3"],
                "name_vi": row["name_vi"],
                "name_en": row["name_en"],
                "language_family": row["language_family"],
                "dialect_notes_vi": row.get("dialect_notes_vi", ""),
                "dialect_notes_en": row.get("dialect_notes_en", ""),
            },
        )
        language.ethnic_groups.set([groups[code] for code in row["ethnic_groups"]])

    return {"ethnic_groups": len(groups), "provinces": len(provinces), "languages": len(languages)}


def index_reference_data() -> None:
    """Add the reference data to the search index: officers find places, groups and
    languages in the admin choosers through it. Data migrations cannot do this (they see
    historical models), so it runs after migrating and after the loader command."""
    from wagtail.search.backends import get_search_backends

    from heritage.models import EthnicGroup, Language, Place

    for backend in get_search_backends():
        for model in (EthnicGroup, Language, Place):
            backend.add_bulk(model, list(model.get_indexed_objects()))
