from collections.abc import Callable
from pathlib import Path

import pytest

from django.core.files import File

from wagtail.models import Collection

from media_pipeline.jobs import process
from media_pipeline.models import MediaAsset


@pytest.fixture
def upload(db) -> Callable[..., MediaAsset]:
    """Store a file as an officer's upload would (the job is queued, not run)."""

    def make(path: Path, media_type: str, name: str | None = None) -> MediaAsset:
        asset = MediaAsset(title=path.stem, type=media_type, collection=Collection.get_first_root_node())
        with path.open("rb") as handle:
            asset.file.save(name or path.name, File(handle), save=False)
        asset.save()
        return asset

    return make


@pytest.fixture
def prepared(upload) -> Callable[..., MediaAsset]:
    """Upload a file and run the media job on it, as the worker would."""

    def make(path: Path, media_type: str, name: str | None = None) -> MediaAsset:
        asset = upload(path, media_type, name)
        process(asset.pk)
        asset.refresh_from_db()
        return asset

    return make
