"""Every package the code imports is declared and pinned in the requirements files, so a
fresh install cannot pick up a new release of something that only arrived by chance."""

import ast
import importlib.metadata
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_FOLDERS = [
    "access_requests",
    "accounts",
    "api_docs",
    "bulk_import",
    "citations",
    "config",
    "critical_css",
    "datasets",
    "embeds",
    "heritage",
    "iiif",
    "media_pipeline",
    "oai",
    "page_cache",
    "search",
    "uploads",
]
DEVELOPMENT_FOLDERS = ["tests", "bench"]
FIRST_PARTY = {*RUNTIME_FOLDERS, *DEVELOPMENT_FOLDERS}


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(requirements_file: str) -> dict[str, str]:
    """Distribution name → its version specifier, following `-r` includes."""
    packages = {}
    for line in (ROOT / requirements_file).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r"):
            packages |= declared(line[2:].strip())
        elif line:
            name, specifier = re.match(r"([A-Za-z0-9_.-]+)(?:\[[^]]*\])?\s*(.*)", line).groups()
            packages[_normalised(name)] = specifier
    return packages


def imported_distributions(folders: list[str]) -> dict[str, set[str]]:
    """Distribution → the files that import it, for every absolute import in `folders`."""
    distributions = importlib.metadata.packages_distributions()
    found: dict[str, set[str]] = {}
    files = [path for folder in folders for path in (ROOT / folder).rglob("*.py")]
    for path in files + ([ROOT / "manage.py"] if "config" in folders else []):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top in FIRST_PARTY:
                    continue
                for distribution in distributions.get(top, [f"<no installed package provides {top}>"]):
                    found.setdefault(_normalised(distribution), set()).add(str(path.relative_to(ROOT)))
    return found


def test_runtime_imports_are_declared_and_pinned_in_requirements_txt():
    runtime = declared("requirements.txt") | declared("requirements-no-deps.txt")
    imported = imported_distributions(RUNTIME_FOLDERS)
    assert "modelsearch" in imported and "django" in imported
    missing = {name: sorted(files)[:3] for name, files in imported.items() if name not in runtime}
    assert not missing, f"imported by the archive but not in requirements.txt: {missing}"
    unpinned = [name for name in imported if not runtime[name]]
    assert not unpinned, f"declared without a version: {unpinned}"


def test_test_and_benchmark_imports_are_declared():
    development = declared("requirements-dev.txt") | declared("requirements-no-deps.txt")
    imported = imported_distributions(DEVELOPMENT_FOLDERS)
    assert "pytest" in imported
    missing = {name: sorted(files)[:3] for name, files in imported.items() if name not in development}
    assert not missing, f"imported by tests or benchmarks but not in requirements-dev.txt: {missing}"


def test_a_private_base_class_is_pinned_exactly():
    """search/backends.py subclasses modelsearch's private parts: any release may change them."""
    assert "modelsearch" in (ROOT / "search" / "backends.py").read_text()
    assert declared("requirements.txt")["modelsearch"].startswith("==")
    assert "*" not in declared("requirements.txt")["modelsearch"]
