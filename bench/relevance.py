"""Search relevance: the relevance set (tests/search/relevance_set.py) on the database
index and on each search node engine, with recall@10 and P@1 per backend in
docs/benchmarks.md.

Each backend runs in a throwaway project of its own (tests/engines/archive_project.py) that
loads the demo archive with its audio and video, as the test session does, so both see the
same entries and caption lines. Each node (Elasticsearch 8.19 and OpenSearch 2.19) is started
by tests/engines/elasticsearch.py (`--no-node` skips them).

    .venv/bin/python bench/relevance.py [--no-node] [--no-docs]
"""

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import bullet, paragraph, publish  # noqa: E402
from tests.engines.archive_project import archive_project, migrated_database  # noqa: E402
from tests.search.relevance_set import CASES, Summary, summary_from_json  # noqa: E402

TITLE = "## Search relevance"
ANSWERS = """
from django.test.utils import setup_test_environment
setup_test_environment()
from tests.search.relevance_set import answers_json
print(answers_json(follow_suggestion={follow}))
"""
NO_NODE = {"OPENSEARCH_URL": "", "ELASTICSEARCH_URL": ""}
ENGINE_NAMES = {"elasticsearch": "Elasticsearch", "opensearch": "OpenSearch"}


def measure(folder: Path, template: Path, name: str, environment: dict[str, str]) -> Summary:
    """The set on one backend: a project with the demo archive, searched as a visitor."""
    project = archive_project(folder / name, template, **environment)
    project.manage("load_demo_content", timeout=1200)
    on_node = environment != NO_NODE
    return summary_from_json(project.python(ANSWERS.format(follow=not on_node), timeout=1200))


def section(results: dict[str, Summary]) -> str:
    languages = {case.language for case in CASES}
    lines = [
        TITLE,
        "",
        *paragraph(
            f"`make bench-relevance` (`bench/relevance.py`) runs the relevance set of "
            f"`tests/search/relevance_set.py`: {len(CASES)} queries in {' and '.join(sorted(languages))} "
            "with the demo entries each must return and must not return, worked out by hand from the "
            "demo data. It covers group names (accented, folded, other names and exonyms, each asserting "
            "no entry outside the group), folded group names that are ordinary words, NFD input, ISO "
            "639-3 codes and language names, typos, the query syntax, English stemming, transcript "
            "text, places, tone-less Vietnamese, titles and entry types. Each backend searches the demo "
            "archive loaded with its audio and video (so caption lines are indexed), through the search "
            "page as an anonymous visitor. recall@10 is the share of a query's must-return entries in "
            "its first ten results, averaged over the queries; P@1 the share of queries whose first "
            "result is the named best entry (or one of the must-return entries). Misspellings count on "
            'the database index when its "did you mean" leads to the entry (it has no fuzzy '
            "matching); the node must find them itself. The same set runs in the test suite "
            "(`tests/search/test_relevance.py`, `tests/engines/test_search_relevance.py`), which "
            "requires at least 0.95 for both scores and no entry a query must not return.",
        ),
        "",
        "| backend | queries | recall@10 | P@1 | queries not fully right | entries that must not come back |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, summary in results.items():
        lines.append(
            f"| {name} | {len(summary.scores)} | {summary.recall:.3f} | {summary.precision_at_1:.3f} "
            f"| {len(summary.failures)} | {sum(len(score.forbidden) for score in summary.scores)} |"
        )
    lines.append("")
    for name, summary in results.items():
        suggested = [score for score in summary.scores if score.answer.suggestion]
        if suggested:
            found = "; ".join(f"{score.case.query!r} → {score.answer.suggestion!r}" for score in suggested)
            lines += [*paragraph(f'Found on the {name} through its "did you mean": {found}.'), ""]
        if summary.failures:
            lines += [f"Not fully right on the {name}:", ""]
            lines += [line for score in summary.failures for line in bullet(f"`{score.describe()}`")]
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-node", action="store_true", help="only the database index")
    parser.add_argument("--no-docs", action="store_true", help="print only, leave docs/benchmarks.md alone")
    options = parser.parse_args()
    from tests.engines.elasticsearch import ENGINES, running_search_node

    results: dict[str, Summary] = {}
    with tempfile.TemporaryDirectory(prefix="heritage-relevance-") as name:
        folder = Path(name)
        template = migrated_database(folder)
        results["database index (SQLite FTS5)"] = measure(folder, template, "database", NO_NODE)
        print(results["database index (SQLite FTS5)"].report(), file=sys.stderr)
        for engine in [] if options.no_node else ENGINES:
            label = f"search node ({ENGINE_NAMES[engine.name]} {engine.version})"
            with running_search_node(engine, folder=folder / f"{engine.name}-node") as url:
                results[label] = measure(folder, template, engine.name, engine.settings(url))
            print(results[label].report(), file=sys.stderr)
    publish(section(results), TITLE, not options.no_docs)


if __name__ == "__main__":
    main()
