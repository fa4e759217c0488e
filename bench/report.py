"""Writing benchmark results into docs/benchmarks.md, shared by the scripts in bench/."""

import sys
import textwrap
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
SECTION_BEFORE = "## Setting up"
WRAP = 90


def paragraph(text: str) -> list[str]:
    return textwrap.wrap(text, width=WRAP, break_long_words=False, break_on_hyphens=False)


def bullet(text: str) -> list[str]:
    return textwrap.wrap(
        text, width=WRAP, initial_indent="- ", subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
    )


def findings_block(findings: list[str]) -> list[str]:
    """The closing "What the numbers say" list of a section."""
    return ["What the numbers say:", "", *(line for finding in findings for line in bullet(finding)), ""]


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def update_docs(text: str, title: str, path: Path = DOCS) -> None:
    """Replace the section headed `title`, or put it before "Setting up" (or at the end)."""
    current = path.read_text(encoding="utf-8")
    start = current.find(f"\n{title}\n")
    if start >= 0:
        end = current.find("\n## ", start + 1)
        end = len(current) if end < 0 else end + 1
        updated = current[: start + 1] + text + ("\n" if end < len(current) else "") + current[end:]
    else:
        before = current.find(f"\n{SECTION_BEFORE}\n")
        if before >= 0:
            updated = current[: before + 1] + text + "\n" + current[before + 1 :]
        else:
            updated = current.rstrip("\n") + "\n\n" + text
    path.write_text(updated, encoding="utf-8")


def publish(text: str, title: str, write_docs: bool, path: Path = DOCS) -> None:
    """Print a section and, unless told not to, put it into docs/benchmarks.md (or the file given)."""
    print(text)
    if write_docs:
        update_docs(text, title, path)
        print(f"updated {path}", file=sys.stderr)
