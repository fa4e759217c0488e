"""The site-wide generation of cached pages: part of every cache key, replaced whenever
anything a public page shows may have changed, so every cached page goes at once.

It lives in the page cache itself, shared by every web worker (a file cache or Redis),
so a change made through one worker reaches the pages cached by the other."""

import uuid

from django.core.cache import caches
from django.db import connection, transaction

CACHE_ALIAS = "pages"
GENERATION_KEY = "page-cache:generation"


def current_generation() -> str:
    """The generation pages are cached under now. A missing one (never set, evicted or
    lost with a restarted cache) starts a new generation: nothing older is served."""
    cache = caches[CACHE_ALIAS]
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        # add, not set: two workers starting a generation at once agree on the first.
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.get(GENERATION_KEY) or generation
    return generation


def _new_generation() -> None:
    caches[CACHE_ALIAS].set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def forget_cached_pages() -> None:
    """Drop every cached page now, and again when the current transaction commits: a
    page rendered meanwhile from the data not yet committed is cached under the
    intermediate generation, which nobody asks for after the commit."""
    _new_generation()
    if not any(callback is _new_generation for _sids, callback, _robust in connection.run_on_commit):
        transaction.on_commit(_new_generation)
