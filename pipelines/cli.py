"""The ``asf-registry`` command line."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import dagster as dg

from registry import settings
from registry.publish import PublishSummary


def _instance() -> dg.DagsterInstance:
    # With DAGSTER_HOME set, runs are recorded where `dagster dev` and the daemon see them; otherwise the
    # run history lives only as long as the command.
    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


EVIDENCE_LABELS = {
    "current_list": "on a current ASF list",
    "historical_list": "only on the closed Sofisam list",
    "weak_signal": "only on a general member list (not evidence of ASF)",
}


def format_summary(summary: PublishSummary, database: str) -> str:
    lines = [
        f"Registry published: {summary.organisations_active} active organisations "
        f"({summary.added} new, {summary.organisations_inactive} inactive), "
        f"{summary.records} source records, {summary.quarantined} quarantined.",
        *(
            f"  {count:>4} {EVIDENCE_LABELS.get(evidence, evidence)}"
            for evidence, count in summary.per_evidence.items()
        ),
        "Records per source:",
        *(
            f"  {source:<20} {count}{'  (FAILED: last good records kept)' if source in summary.failed_sources else ''}"
            for source, count in summary.per_source.items()
        ),
    ]
    lines.append(f"Database: {database}")
    return "\n".join(lines)


def run_command(args: argparse.Namespace) -> int:
    from pipelines.definitions import NIGHTLY_JOB_NAME, defs

    job = defs.resolve_job_def(NIGHTLY_JOB_NAME)
    log_level = "DEBUG" if args.verbose else "WARNING"
    with _instance() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
        )
    if not result.success:
        failed = [event.step_key for event in result.all_events if event.is_step_failure]
        print(f"The nightly job failed (steps: {', '.join(failed) or 'unknown'}).", file=sys.stderr)
        for evaluation in result.get_asset_check_evaluations():
            if not evaluation.passed:
                reason = evaluation.description or ""
                print(
                    f"  check {evaluation.asset_key.to_user_string()}.{evaluation.check_name}: {reason}",
                    file=sys.stderr,
                )
        print("Nothing was published: the registry keeps its previous state.", file=sys.stderr)
        return 1
    summary: PublishSummary = result.output_for_node("registry_organisations")
    print(format_summary(summary, settings.redact_url(settings.registry_db_url())))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="asf-registry",
        description="The registry of Swedish work-integrating social enterprises (ASF).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run",
        help="run the nightly job in-process and print a summary",
        description="Ingest every source, resolve organisations and publish the registry to ASF_REGISTRY_DB_URL "
        f"(default {settings.DEFAULT_DB_URL}). Sources are replayed from the raw archive unless ASF_HTTP_MODE=live.",
    )
    run.add_argument("-v", "--verbose", action="store_true", help="show Dagster's step-by-step log")
    run.set_defaults(handler=run_command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
