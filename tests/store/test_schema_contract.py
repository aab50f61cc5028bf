"""The schema contract: docs/schema.md matches the code, and the database's stable views match the contract."""

from __future__ import annotations

from sqlalchemy import inspect, text

from registry.store.columns import MEANINGS_SV, PUBLISHED_TABLES
from registry.store.contract import V1_VIEWS, V2_VIEWS, VIEWS
from registry.store.db import create_schema, make_engine
from registry.store.schema_doc import DOC_PATH, TABLE_MODELS, _type, generate
from registry.tools.export import VIEWS as EXPORTED_VIEWS
from tests.registry_rows import organisation, registry_with


def test_schema_document_is_generated_from_the_current_models() -> None:
    assert DOC_PATH.read_text(encoding="utf-8") == generate(), "run: python -m registry.store.schema_doc"


def test_every_column_a_downstream_system_reads_is_explained() -> None:
    sections = {part.split("`", 1)[0]: part for part in generate().split("### `")[1:]}
    for view in VIEWS:
        rows = {line.split("`")[1]: line for line in sections[view.name].splitlines() if line.startswith("| `")}
        assert tuple(rows) == view.columns
        for column, row in rows.items():
            meaning = row.rstrip(" |").rsplit("|", 1)[-1].strip()
            assert meaning, f"{view.name}.{column} has no meaning in docs/schema.md"


def test_the_database_views_have_exactly_the_contract_columns(registry_url: str) -> None:
    engine = make_engine(registry_url)
    create_schema(engine)
    inspector = inspect(engine)
    assert {v.name for v in VIEWS} <= set(inspector.get_view_names())
    for view in VIEWS:
        assert tuple(c["name"] for c in inspector.get_columns(view.name)) == view.columns, view.name
    engine.dispose()


def test_version_2_keeps_version_1_and_adds_the_register_match() -> None:
    v1 = next(v for v in V1_VIEWS if v.name == "registry_v1_organisations")
    (v2,) = V2_VIEWS
    assert v2.columns == (*v1.columns, "register_match", "register_match_score")


def test_every_published_column_is_declared_once_with_the_type_the_database_has() -> None:
    for declared in PUBLISHED_TABLES:
        model = next(m for m in TABLE_MODELS if m.__table__.name == declared.name)  # type: ignore[attr-defined]
        columns = {c.name: c for c in model.__table__.columns}  # type: ignore[attr-defined]
        assert set(declared.names()) == set(columns), declared.name
        assert len(declared.names()) == len(set(declared.names())), f"{declared.name} declares a column twice"
        for column in declared:
            table_column = columns[column.name]
            assert _type(table_column) == column.kind.value, f"{declared.name}.{column.name}"
            nullable = table_column.nullable and not table_column.primary_key
            assert nullable == column.nullable, f"{declared.name}.{column.name}"
            info = model.model_fields[column.name]
            assert info.description == column.meaning, f"{declared.name}.{column.name}: the model's own description"
            assert column.label_sv and column.label_en, f"{declared.name}.{column.name} has no label"



def test_the_v2_view_says_which_orgnr_a_fuzzy_match_found_and_how_sure(registry_url: str) -> None:
    engine = registry_with(
        registry_url,
        [
            organisation("asf-given", "Given AB", orgnr="556677-8899", register_match="orgnr",
                         register_match_score=1.0),
            organisation("asf-fuzzy", "Fuzzy ek för", orgnr="769600-1234", register_match="name",
                         register_match_score=0.9312),
            organisation("asf-none", "Okänd"),
        ],
    )  # fmt: skip
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT registry_id, orgnr, register_match, register_match_score FROM registry_v2_organisations "
                "ORDER BY registry_id"
            )
        ).all()
        v1_columns = connection.execute(text("SELECT * FROM registry_v1_organisations")).keys()
    engine.dispose()
    assert [tuple(row) for row in rows] == [
        ("asf-fuzzy", "769600-1234", "name", 0.9312),
        ("asf-given", "556677-8899", "orgnr", 1.0),
        ("asf-none", None, None, None),
    ]
    assert "register_match" not in v1_columns  # v1 stays as documented


def test_every_exported_column_has_its_swedish_meaning_and_no_meaning_names_a_column_that_is_not() -> None:
    # The about sheet of a Swedish export reads these; a misspelt key would silently show the English meaning.
    for table, view_name in EXPORTED_VIEWS.items():
        view = next(v for v in VIEWS if v.name == view_name)
        assert set(MEANINGS_SV[table]) == set(view.columns), table
