from tests.heritage.conftest import (  # noqa: F401 - fixtures shared with the heritage tests
    _forget_cached_renditions,
    officer,
    researcher,
    researchers_entry,
    researchers_entry_en,
    restricted_entry,
    restricted_entry_en,
    reviewer,
)
