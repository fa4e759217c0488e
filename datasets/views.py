"""The open-data page, the downloads and their DCAT catalogue."""

import json

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from datasets import dumps
from datasets.models import DatasetBuild
from heritage.addresses import absolute_url
from heritage.models import EthnicGroup

# A dump is stale for the rebuild delay plus the build itself: ask to come back after it.
BUILD_SECONDS = 60


def retry_after() -> int:
    return settings.DATASETS_REBUILD_DELAY_SECONDS + BUILD_SECONDS


def download(request: HttpRequest, name: str) -> HttpResponse:
    """One file of the served build, by name; 503 while the build may hold an entry that
    has left the public view."""
    build = DatasetBuild.current()
    file = build.file(name)
    if file is None:
        raise Http404
    if build.stale:
        response = HttpResponse(
            _("The datasets are being rebuilt. Please try again in a few minutes."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(retry_after())
        return response
    response = FileResponse(
        default_storage.open(file["path"], "rb"), as_attachment=True, filename=name, content_type=file["media_type"]
    )
    response["Content-Length"] = str(file["bytes"])
    response["Digest"] = f"sha-256={file['sha256']}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _described_files(build: DatasetBuild, request: HttpRequest) -> list[dict]:
    names = dict(EthnicGroup.objects.values_list("code", "name_vi"))
    names_en = dict(EthnicGroup.objects.values_list("code", "name_en"))
    return [
        {
            **file,
            "url": request.build_absolute_uri(reverse("dataset-file", args=[file["name"]])),
            "group_name_vi": names.get(file["ethnic_group"], ""),
            "group_name_en": names_en.get(file["ethnic_group"], "") or names.get(file["ethnic_group"], ""),
        }
        for file in build.files
    ]


def catalogue(request: HttpRequest) -> dict:
    """The datasets as a DCAT catalogue in JSON-LD (dcat:Dataset with dcat:Distribution
    per file: downloadURL, mediaType, byteSize, spdx checksum), which also reads as
    schema.org Dataset for search engines."""
    build = DatasetBuild.current()
    files = _described_files(build, request)
    page = request.build_absolute_uri(reverse("open-data"))
    datasets = []
    for group in sorted({file["ethnic_group"] for file in files if file["name"] != "data-dictionary.csv"}):
        members = [file for file in files if file["ethnic_group"] == group and file["name"] != "data-dictionary.csv"]
        title = "All public entries" if not group else f"Public entries: {members[0]['group_name_en']} ({group})"
        title_vi = "Mọi mục công khai" if not group else f"Các mục công khai: {members[0]['group_name_vi']} ({group})"
        datasets.append(
            {
                "@type": ["dcat:Dataset", "schema:Dataset"],
                "@id": f"{page}#{group or 'all'}",
                "dct:title": [{"@value": title, "@language": "en"}, {"@value": title_vi, "@language": "vi"}],
                "schema:name": title,
                "schema:description": "Festivals, customs and language recordings of Vietnam's ethnic minorities "
                "that anyone may read, one row per entry and language.",
                "dct:license": {"@id": "https://creativecommons.org/licenses/by/4.0/"},
                "schema:license": "https://creativecommons.org/licenses/by/4.0/",
                "dct:modified": build.built_at.isoformat() if build.built_at else None,
                "dcat:landingPage": {"@id": page},
                "dct:conformsTo": {"@id": absolute_url(reverse("dataset-file", args=["data-dictionary.csv"]), request)},
                "dcat:distribution": [
                    {
                        "@type": ["dcat:Distribution", "schema:DataDownload"],
                        "dcat:downloadURL": {"@id": file["url"]},
                        "schema:contentUrl": file["url"],
                        "dcat:mediaType": file["media_type"],
                        "schema:encodingFormat": file["media_type"],
                        "dcat:byteSize": {"@value": str(file["bytes"]), "@type": "xsd:nonNegativeInteger"},
                        "spdx:checksum": {
                            "@type": "spdx:Checksum",
                            "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
                            "spdx:checksumValue": file["sha256"],
                        },
                        "dct:title": file["name"],
                    }
                    for file in members
                ],
            }
        )
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "spdx": "http://spdx.org/rdf/terms#",
            "schema": "https://schema.org/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@type": "dcat:Catalog",
        "@id": f"{page}#catalogue",
        "dct:title": "Ethnic heritage archive: open datasets",
        "dcat:dataset": datasets,
    }


def catalogue_json(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(catalogue(request), json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/ld+json"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _json_for_script(data: dict) -> str:
    """JSON to place in a <script> element: nothing in it can close the element."""
    text = json.dumps(data, ensure_ascii=False)
    return mark_safe(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def open_data(request: HttpRequest) -> HttpResponse:
    build = DatasetBuild.current()
    files = _described_files(build, request)
    whole = [file for file in files if not file["ethnic_group"] and file["name"] != "data-dictionary.csv"]
    groups = [file for file in files if file["ethnic_group"]]
    return render(
        request,
        "datasets/open_data.html",
        {
            "build": build,
            "whole": whole,
            "groups": groups,
            "dictionary_file": build.file("data-dictionary.csv"),
            "dictionary": dumps.data_dictionary(),
            "catalogue_json": _json_for_script(catalogue(request)),
            "licence_url": "https://creativecommons.org/licenses/by/4.0/",
        },
    )
