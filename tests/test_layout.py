"""The tree a newcomer reads: every stage of registry/ is in the README's "Where things are", no module sits
deeper than one folder inside its stage, and the tests mirror the stages."""

from __future__ import annotations

import re

from registry.settings import PROJECT_ROOT

REGISTRY = PROJECT_ROOT / "registry"
# Alembic's migration history is one file per revision, kept where Alembic looks for it.
MIGRATIONS = REGISTRY / "store" / "migrations"


def _stages() -> list[str]:
    return sorted(p.name for p in REGISTRY.iterdir() if (p / "__init__.py").is_file())


def _where_things_are() -> str:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Where things are", 1)[1].split("\n## ", 1)[0]
    return section.split("```", 2)[1]


def test_every_stage_and_top_level_module_of_registry_has_its_line_in_the_readme_tree() -> None:
    tree = _where_things_are()
    described = set(re.findall(r"^  (\w+)/\s+\S", tree, re.MULTILINE))
    assert described >= set(_stages())
    modules = {p.name for p in REGISTRY.glob("*.py") if p.name != "__init__.py"}
    assert modules <= set(re.findall(r"^  (\w+\.py)\s+\S", tree, re.MULTILINE))


def test_no_module_is_more_than_one_folder_inside_its_stage() -> None:
    too_deep = [
        str(path.relative_to(REGISTRY))
        for path in REGISTRY.rglob("*.py")
        if len(path.relative_to(REGISTRY).parts) > 2 and MIGRATIONS not in path.parents
    ]
    assert too_deep == []


def test_the_tests_mirror_the_stages() -> None:
    tests = PROJECT_ROOT / "tests"
    assert [stage for stage in _stages() if not (tests / stage / "__init__.py").is_file()] == []
