"""The report's figures come from the registry tables; everything a source wrote is escaped."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from registry.store.db import create_schema, make_engine, transaction
from registry.store.models import ChangeLogRow, Organisation, RunRow
from registry.tools.report import collect, render_html, render_markdown

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def organisation(registry_id: str, name: str, kommun: tuple[str, str, str] | None, areas: str | None,
                 active: bool = True) -> Organisation:  # fmt: skip
    code, kommun_name, lan = kommun or (None, None, None)
    return Organisation(
        registry_id=registry_id, name=name, sources="skoopi", source_count=1, evidence="current_list",
        kommun_code=code, kommun_name=kommun_name, lan_code=lan, activity_areas=areas, active=active,
        listed=active, first_seen_at=NOW, last_seen_at=NOW,
    )  # fmt: skip


def test_figures_per_area_and_per_kommun_in_stockholms_lan_and_this_run_s_changes(registry_url: str) -> None:
    engine = make_engine(registry_url)
    create_schema(engine)
    with transaction(engine) as session:
        session.add_all(
            [
                organisation("asf-1", "Café Solna", ("0184", "Solna", "01"), "catering"),
                organisation("asf-2", "Städ & Café", ("0180", "Stockholm", "01"), "catering,cleaning"),
                organisation("asf-3", "Uppsala Städ", ("0380", "Uppsala", "03"), "cleaning"),
                organisation("asf-4", "Gamla Snickeriet", ("0180", "Stockholm", "01"), "carpentry", active=False),
                organisation("asf-5", "<script>alert(1)</script> Kooperativet", None, None),
                RunRow(run_id="r2", published_at=NOW, organisations_active=4, records=5, quarantined=0,
                       source_summary='{"skoopi": {"ok": true, "records": 4, "quarantined": 0, "error": null}, '
                       '"sofisam": {"ok": false, "records": 1, "quarantined": 0, "error": "timeout"}}'),
                ChangeLogRow(run_id="r2", changed_at=NOW, registry_id="asf-2", change="changed", field="website",
                             old_value="https://a.example", new_value="https://b.example"),
                ChangeLogRow(run_id="r2", changed_at=NOW, registry_id="asf-5", change="added",
                             new_value="<script>alert(1)</script> Kooperativet"),
                ChangeLogRow(run_id="r1", changed_at=datetime(2026, 10, 3, tzinfo=UTC), registry_id="asf-1",
                             change="added", new_value="Café Solna"),
            ]
        )  # fmt: skip
    with Session(engine) as session:
        data = collect(session, now=NOW)
    engine.dispose()
    assert (data.active, data.inactive) == (4, 1)
    assert data.per_area == [("Catering & café", 2), ("Cleaning", 2), ("(not classified)", 1)]
    assert data.per_kommun_in_stockholms_lan == [("Solna", 1), ("Stockholm", 1)]
    assert data.changes_this_run == {"added": 1, "changed": 1}
    assert data.changes_per_month == {"2026-10": {"added": 1}, "2026-11": {"added": 1, "changed": 1}}
    assert [(s.source, s.ok, s.error) for s in data.source_health] == [
        ("skoopi", True, None),
        ("sofisam", False, "timeout"),
    ]

    page = render_html(data)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; Kooperativet" in page
    assert "FAILED: last good records kept" in page
    assert page.count("<svg") == 3  # areas, kommuner, changes per month: drawn inline, no scripts, no network
    assert "https://b.example" in page
    markdown = render_markdown(data)
    assert "**4 active organisations** (1 inactive" in markdown
    assert "| Catering & café | 2 |" in markdown and "| Solna | 1 |" in markdown
    assert "Sources: 1 ok, failed: sofisam" in markdown
