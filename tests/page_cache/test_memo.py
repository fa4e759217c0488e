"""Memos kept in each process for one generation of the page cache (page_cache/memo.py),
and the generation read once per request (generation.py)."""

import uuid

import pytest

from django.core.cache import caches

from page_cache.generation import CACHE_ALIAS, GENERATION_KEY, current_generation, forget_cached_pages, generation_held
from page_cache.memo import per_generation


def test_a_memo_is_computed_once_per_generation_and_again_in_the_next():
    calls = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert per_generation("test-memo", compute) == 1
    assert per_generation("test-memo", compute) == 1
    # What another process's change does: a new generation in the shared cache.
    caches[CACHE_ALIAS].set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    assert per_generation("test-memo", compute) == 2
    assert len(calls) == 2


@pytest.mark.django_db
def test_a_request_reads_the_generation_once_and_again_after_a_change_it_makes():
    with generation_held():
        first = current_generation()
        caches[CACHE_ALIAS].set(GENERATION_KEY, "from-another-process", timeout=None)
        # Within one request the generation read first is kept.
        assert current_generation() == first
        forget_cached_pages()
        changed = current_generation()
        assert changed not in (first, "from-another-process")
    # Control: outside a request every read goes to the shared cache.
    caches[CACHE_ALIAS].set(GENERATION_KEY, "from-another-process", timeout=None)
    assert current_generation() == "from-another-process"
