"""Every environment variable the settings read is in the README's table and in
.env.example, so an operator finds each one where the README says."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST_ONLY = {"AXES_ENABLED"}


def variables_read_by_settings() -> set[str]:
    found = set()
    for path in (ROOT / "config" / "settings").glob("*.py"):
        found |= set(re.findall(r'env\.\w+\(\s*"([A-Z][A-Z0-9_]+)"', path.read_text()))
    return found - TEST_ONLY


def test_every_setting_is_in_the_readme_table_and_env_example():
    variables = variables_read_by_settings()
    assert {"DATABASE_URL", "SECRET_KEY", "MEDIA_MAX_STREAMS"} <= variables
    readme_rows = [line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| `")]
    in_readme = {name for row in readme_rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}
    in_example = set(re.findall(r"^# ?([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert not variables - in_readme, f"missing from the README table: {sorted(variables - in_readme)}"
    assert not variables - in_example, f"missing from .env.example: {sorted(variables - in_example)}"
