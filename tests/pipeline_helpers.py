"""Running the nightly job in-process, as the tests need it."""

from __future__ import annotations

import dagster as dg
from sqlalchemy import inspect
from sqlmodel import Session, select

from pipelines.definitions import NIGHTLY_JOB_NAME, WEEKLY_REGISTER_JOB_NAME, defs
from registry.store.engines import shared_engine
from registry.store.models import Organisation, SourceRecordRow

# Fields that legitimately differ between two runs over the same input.
VOLATILE = {"last_seen_at", "first_seen_at", "run_id", "published_at", "quarantined_at", "id"}


def run_nightly(instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    job = defs.resolve_job_def(NIGHTLY_JOB_NAME)
    return job.execute_in_process(instance=instance, raise_on_error=False)


def run_weekly(instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    """The weekly register refresh (company_register_snapshot), from the configured bulk file."""
    job = defs.resolve_job_def(WEEKLY_REGISTER_JOB_NAME)
    return job.execute_in_process(instance=instance, raise_on_error=False)


def registry_snapshot(db_url: str) -> dict[str, list[dict[str, object]]]:
    """The published tables, without the timestamps a re-run moves forward."""
    engine = shared_engine(db_url)
    snapshot: dict[str, list[dict[str, object]]] = {}
    with Session(engine) as session:
        for model in (Organisation, SourceRecordRow):
            rows = [
                {k: v for k, v in row.model_dump().items() if k not in VOLATILE} for row in session.exec(select(model))
            ]
            snapshot[model.__tablename__] = sorted(rows, key=repr)
    return snapshot


def table_names(db_url: str) -> set[str]:
    return set(inspect(shared_engine(db_url)).get_table_names())
