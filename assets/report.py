"""The environmental scan's report: an HTML page per run, and its key figures in the Dagster UI."""

from datetime import UTC, datetime

import dagster as dg
from sqlmodel import Session

from assets.metadata import OWNER
from assets.publish import registry_organisations
from assets.register import record_night_build, register_candidates
from assets.resources import CompanyRegister, PublishPolicy, RegistryDatabase
from assets.sources import SOURCES
from registry import settings
from registry.files.output_files import write_atomically
from registry.tools.labels import Labels
from registry.tools.report import render_html, render_markdown
from registry.tools.report_data import collect
from registry.tools.review import pending_pairs

REPORT_FILE = "registry_report.html"
# The report shows the published registry and the register candidates, so its group comes after discover.
REPORT_GROUP = "report"
# The metadata entry that holds the report's path (the run summary prints it).
REPORT_PATH = "path"


@dg.asset(
    group_name=REPORT_GROUP,
    kinds={"html"},
    owners=[OWNER],
    deps=[registry_organisations, register_candidates],
    description=(
        "The environmental scan as a self-contained, printable HTML page (no network needed to view it), in "
        "Swedish (ASF_LANG=en: English): the active organisations split by evidence and every one listed with "
        "its kommun, areas, legal form, orgnr, website and the sources that list it; per kommun in Stockholms "
        "län, per län and per activity area; what changed in this run and over the last months; source health; "
        "and the pairs and register candidates waiting for a person. Written to ASF_REPORT_DIR (data/reports/) "
        "as registry_report.html and a dated copy; the key figures are here."
    ),
)
def registry_report(
    context: dg.AssetExecutionContext,
    registry_db: RegistryDatabase,
    company_register: CompanyRegister,
    publish_policy: PublishPolicy,
) -> dg.MaterializeResult:
    now = datetime.now(UTC)
    labels = Labels(settings.language())
    titles = {name: source.SPEC.title for name, source in SOURCES.items()}
    with Session(registry_db.engine()) as session, company_register.open_register() as register:
        # Builds only when the night's earlier steps could not, or when the report is materialized alone.
        record_night_build(context, register)
        data = collect(session, pending_pairs(session, register.snapshot), now, source_titles=titles)
    page = render_html(data, labels)
    folder = publish_policy.report_path()
    folder.mkdir(parents=True, exist_ok=True)
    dated = folder / f"registry_report_{now:%Y-%m-%d}_{context.run.run_id[:8]}.html"
    latest = folder / REPORT_FILE
    for path in (dated, latest):
        # Written beside and renamed: a reader never opens half a page.
        write_atomically([(path, lambda handle: handle.write(page.encode("utf-8")))])
    context.log.info(f"report written to {latest}")
    return dg.MaterializeResult(
        metadata={
            REPORT_PATH: dg.MetadataValue.path(str(latest.resolve())),
            "dated_copy": dg.MetadataValue.path(str(dated.resolve())),
            "active_organisations": data.active,
            "active_per_evidence": dg.MetadataValue.json(data.per_evidence),
            "changes_this_run": data.changes_total,
            "pairs_waiting_for_review": len(data.pairs_waiting),
            "register_candidates": len(data.candidates),
            "key_figures": dg.MetadataValue.md(render_markdown(data, labels)),
        }
    )
