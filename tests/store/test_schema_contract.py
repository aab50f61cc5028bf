"""The schema contract: docs/schema.md matches the code, and the database's stable views match the contract."""

from __future__ import annotations

from sqlalchemy import inspect

from registry.store.contract import V1_VIEWS
from registry.store.db import create_schema, make_engine
from registry.store.schema_doc import DOC_PATH, generate


def test_schema_document_is_generated_from_the_current_models() -> None:
    assert DOC_PATH.read_text(encoding="utf-8") == generate(), "run: python -m registry.store.schema_doc"


def test_every_column_a_downstream_system_reads_is_explained() -> None:
    sections = {part.split("`", 1)[0]: part for part in generate().split("### `")[1:]}
    for view in V1_VIEWS:
        rows = {line.split("`")[1]: line for line in sections[view.name].splitlines() if line.startswith("| `")}
        assert tuple(rows) == view.columns
        for column, row in rows.items():
            meaning = row.rstrip(" |").rsplit("|", 1)[-1].strip()
            assert meaning, f"{view.name}.{column} has no meaning in docs/schema.md"


def test_the_database_views_have_exactly_the_contract_columns(registry_url: str) -> None:
    engine = make_engine(registry_url)
    create_schema(engine)
    inspector = inspect(engine)
    assert {v.name for v in V1_VIEWS} <= set(inspector.get_view_names())
    for view in V1_VIEWS:
        assert tuple(c["name"] for c in inspector.get_columns(view.name)) == view.columns, view.name
    engine.dispose()
