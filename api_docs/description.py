"""The OpenAPI description of the open-data API (openapi.json beside this module, written
by hand next to heritage/api.py), read once."""

import json
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

DESCRIPTION_FILE = Path(__file__).with_name("openapi.json")


@cache
def openapi_description() -> dict:
    return json.loads(DESCRIPTION_FILE.read_text(encoding="utf-8"))


def example_url(path: str, parameter: dict) -> str:
    """An address that uses one query parameter with its example value."""
    return f"{path}?{urlencode({parameter['name']: parameter['example']})}"
