import pytest

from heritage.demo.loader import load_demo_content
from media_pipeline.jobs import process
from media_pipeline.models import MediaAsset


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo archive, built once per test session through the real loader, with its
    recordings prepared by the media pipeline as a worker would."""
    with django_db_blocker.unblock():
        load_demo_content(with_media=True, accounts_file=tmp_path_factory.mktemp("accounts") / "accounts.txt")
        for asset_id in MediaAsset.objects.values_list("pk", flat=True):
            assert process(asset_id) == "ready"


def pytest_collection_modifyitems(items):
    # Browser tests run last: they are the slowest and need everything else green.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(autouse=True)
def fresh_page_cache_generation():
    """Each test starts a new generation: what an earlier test saved, then rolled back,
    leaves nothing in what pages and search keep per generation (page_cache/memo.py)."""
    from django.core.cache import caches

    from page_cache.generation import CACHE_ALIAS, GENERATION_KEY

    caches[CACHE_ALIAS].delete(GENERATION_KEY)
