"""Metadata an analyst reads in the Dagster UI: previews as Markdown tables, column schemas from the models."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import dagster as dg
from sqlmodel import SQLModel

OWNER = "team:arbetsmarknadsforvaltningen"
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_\[\]()|!#]")


def markdown_table(rows: Iterable[Mapping[str, object]], columns: Sequence[str], limit: int = 20) -> str:
    def cell(value: object) -> str:
        text = ("" if value is None else str(value)).replace("\n", " ")[:80]
        # Values come from the web: markup and Markdown in them are shown as text, never rendered
        # (no <script>, no [link](javascript:...), no table broken by a |).
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return _MARKDOWN_SPECIAL.sub(r"\\\g<0>", text)

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for shown, row in enumerate(rows):
        if shown == limit:
            lines.append(f"\n… (first {limit} rows)")
            break
        lines.append("| " + " | ".join(cell(row.get(c)) for c in columns) + " |")
    return "\n".join(lines)


def table_schema(model: type[SQLModel]) -> dg.TableSchema:
    """The column schema of a registry table, straight from its SQLModel definition."""
    table = model.__table__  # type: ignore[attr-defined]
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=column.name,
                type=str(column.type),
                description=(model.model_fields[column.name].description or "")
                if column.name in model.model_fields
                else "",
                constraints=dg.TableColumnConstraints(
                    nullable=bool(column.nullable),
                    unique=bool(column.primary_key) and len(table.primary_key.columns) == 1,
                ),
            )
            for column in table.columns
        ]
    )
