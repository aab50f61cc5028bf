"""The ``asf-registry`` command line."""

from __future__ import annotations

import argparse
import csv
import getpass
import hashlib
import os
import sys
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.inspect_cli import add_quarantine_command, add_show_command, registry_session
from pipelines.operations_cli import add_doctor_command, add_sources_command
from pipelines.run_errors import step_failure_reasons
from registry import settings
from registry.files.output_files import atomic_text_file
from registry.identity.judgements import Judgement
from registry.identity.scoring import MATCH, NO_MATCH, REVIEW
from registry.publish.publish import PublishSummary
from registry.reference.personnummer import redact_personnummer
from registry.register.enrichment import (
    METHOD_NAME,
    METHOD_NONE,
    METHOD_ORGNR,
    METHOD_REVIEW,
    EnrichmentQuery,
    match_all,
)
from registry.register.register_snapshot import RegisterSnapshot, build_snapshot
from registry.store.registry_access import Purpose, RegistryUnavailable, check_registry, open_registry
from registry.tools.compare import MODELS, compare, read_pairs, write_compared
from registry.tools.dedupe import InputRow, dedupe, read_input, write_output
from registry.tools.export import TABLES as EXPORT_TABLES
from registry.tools.export import (
    ExportError,
    ExportFormat,
    ExportOptions,
    export_registry,
    parse_since,
    write_organisations_csv,
)
from registry.tools.find import FindError, FindQuery, find_organisations, format_table
from registry.tools.labels import Labels
from registry.tools.review import (
    ReviewFileError,
    commit,
    decide,
    decided_pairs,
    decision_words,
    export_pairs,
    import_decisions,
    pair_lines,
    pending_pairs,
    word_for,
)
from registry.tools.run_summary import (
    changed_names,
    format_summary,
    gate_reason,
    record_count_reason,
    register_note,
)

if TYPE_CHECKING:
    import dagster as dg

    # What build_parser hands each _add_<command>_command: the parser's subcommands.
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]


def _instance() -> dg.DagsterInstance:
    import dagster as dg  # only the commands that run a job pay for importing Dagster

    # With DAGSTER_HOME set, runs are recorded where `dagster dev` and the daemon see them; otherwise the
    # run history lives only as long as the command.
    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def register_notes(result: dg.ExecuteInProcessResult, labels: Labels | None = None) -> list[str]:
    """Lines for the summary when the night ran without the company register or without SNI codes (live mode
    without a snapshot built from a real bulk file, say): the published values lack what the register adds.
    The notes are stored in English; they are said in the reader's language (Swedish by default)."""
    from assets.register import REGISTER_NOTE, REGISTER_USED, SNI_NOTE

    labels = labels or Labels()
    lines = []
    for materialization in result.asset_materializations_for_node("enriched_organisations"):
        metadata = {key: getattr(value, "value", value) for key, value in materialization.metadata.items()}
        if metadata.get(REGISTER_USED) is False:
            lines.append(register_note(str(metadata.get(REGISTER_NOTE) or ""), False, labels))
        elif str(metadata.get(SNI_NOTE, "")).startswith("no SNI codes"):
            lines.append(register_note(str(metadata[SNI_NOTE]), True, labels))
    return lines


def failed_check_lines(result: dg.ExecuteInProcessResult, labels: Labels) -> list[str]:
    """A line per failed check, with its reason in the reader's language where the check's data says it (the
    publish gate's reasons, a collapsed source's count); another check's reason as its description says it."""
    from assets.ingest import COUNT_STABLE
    from assets.publish import BLOCKED_BY

    lines = []
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.passed:
            continue
        metadata = {key: getattr(value, "value", value) for key, value in evaluation.metadata.items()}
        reason = None
        if isinstance(metadata.get(BLOCKED_BY), list) and metadata[BLOCKED_BY]:
            reason = "; ".join(gate_reason(found, labels) for found in metadata[BLOCKED_BY])
        elif evaluation.check_name == COUNT_STABLE:
            reason = record_count_reason(metadata, labels)
        check = f"{evaluation.asset_key.to_user_string()}.{evaluation.check_name}"
        reason = reason or labels.phrase("check", evaluation.description)
        lines.append(labels.text("run.check", check=check, reason=reason))
    return lines


@contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    """The variable set for the block, as it was after it (a test calling main() keeps its environment)."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


PUBLISH_STEP = "registry_organisations"
REPORT_STEP = "registry_report"


def run_command(args: argparse.Namespace) -> int:
    # Before any source is fetched: a setting out of range or a registry that cannot be used fails at once,
    # with one line each, instead of minutes of retries per source.
    problems = settings.number_setting_problems()
    for problem in problems:
        print(f"asf-registry run: {problem}", file=sys.stderr)
    if problems:
        return 2
    check_registry(settings.registry_db_url(), Purpose.WRITE)
    run_deadline = settings.run_deadline_seconds()

    from pipelines.definitions import NIGHTLY_JOB_NAME, defs
    from pipelines.run_control import Stopped, finish_stopped, quiet_after_stop, run_stoppable

    job = defs.resolve_job_def(NIGHTLY_JOB_NAME)
    # Without -v the person at the terminal gets this command's own account of the run, not Dagster's log with
    # its stack traces.
    log_level = "DEBUG" if args.verbose else "CRITICAL"
    # Known before the run starts, so a stopped run can be looked for in the registry's runs table.
    run_id = str(uuid.uuid4())
    with (
        _instance() as instance,
        # The report is written by the job, which reads the language where every asset reads its settings.
        _environment("ASF_LANG", args.labels.lang),
        nullcontext() if args.verbose else quiet_after_stop(),
    ):
        # SIGINT, SIGTERM and ASF_RUN_DEADLINE_SECONDS stop the run without retrying its steps
        # (pipelines/run_control.py).
        outcome = run_stoppable(
            lambda: job.execute_in_process(
                instance=instance,
                run_id=run_id,
                raise_on_error=False,
                run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
            ),
            run_deadline,
        )
        if isinstance(outcome, Stopped):
            return finish_stopped(outcome, settings.registry_db_url(), run_id, instance)
    result = outcome
    published = result.is_node_success(PUBLISH_STEP)
    if published:
        summary: PublishSummary = result.output_for_node(PUBLISH_STEP)
        print(_summary_after_run(summary, result, args.labels))
        for line in register_notes(result, args.labels):
            print(line)
    if result.success:
        return 0
    failed = [event.step_key for event in result.all_events if event.is_step_failure]
    print(args.labels.text("run.failed", steps=", ".join(failed) or "?"), file=sys.stderr)
    for reason in step_failure_reasons(result):
        # "step: what it said": Dagster's own words in the reader's language, a step's error as it wrote it.
        step, colon, said = reason.partition(": ")
        print(f"  {step}{colon}{args.labels.phrase('step_failure', said)}", file=sys.stderr)
    for line in failed_check_lines(result, args.labels):
        print(f"  {line}", file=sys.stderr)
    if published:
        print(args.labels.text("run.published_then_failed"), file=sys.stderr)
    else:
        for line in register_notes(result, args.labels):
            print(f"  {line}", file=sys.stderr)
        print(args.labels.text("run.nothing_published"), file=sys.stderr)
    return 1


def report_path(result: dg.ExecuteInProcessResult) -> Path | None:
    """The report the run wrote, when it wrote one."""
    from assets.report import REPORT_PATH

    for materialization in result.asset_materializations_for_node(REPORT_STEP):
        written_to = materialization.metadata.get(REPORT_PATH)
        if written_to is not None:
            return Path(str(getattr(written_to, "value", written_to)))
    return None


def _summary_after_run(summary: PublishSummary, result: dg.ExecuteInProcessResult, labels: Labels) -> str:
    database = settings.registry_db_url()
    with registry_session() as session:
        names = changed_names(session, summary.run_id)
    return format_summary(summary, settings.redact_url(database), labels, names, report_path(result))


# The keys of the terminal review: Swedish and English ones both work (none means two things).
REVIEW_KEYS = {
    "j": Judgement.POSITIVE, "m": Judgement.POSITIVE,
    "n": Judgement.NEGATIVE,
    "o": Judgement.UNSURE, "u": Judgement.UNSURE,
}  # fmt: skip
WITHDRAW_KEYS = ("å", "w")
SKIP_KEYS = ("h", "s")
QUIT_KEYS = ("a", "q")


def _register_if_built() -> RegisterSnapshot | None:
    """The company register snapshot, when one has been built (register pairs are reviewed against it)."""
    path = settings.register_snapshot_path()
    return RegisterSnapshot(path) if path.exists() else None


def review_command(args: argparse.Namespace) -> int:
    labels: Labels = args.labels
    reviewer = args.reviewer or os.environ.get("ASF_REVIEWER") or getpass.getuser()
    if args.decided and args.import_path:
        print(labels.text("review.decided_with_import"), file=sys.stderr)
        return 2
    register = _register_if_built()
    with registry_session() as session:
        if args.import_path:
            try:
                report = import_decisions(session, Path(args.import_path), reviewer, register=register, labels=labels)
            except ReviewFileError as exc:
                print(labels.text("review.nothing_recorded", error=exc), file=sys.stderr)
                return 2
            commit(session)
            for problem in report.problems:
                print(problem, file=sys.stderr)
            print(
                labels.text(
                    "review.imported",
                    decisions=labels.counted("review.decisions", report.recorded),
                    reviewer=reviewer,
                    revised=report.revised,
                    withdrawn=report.withdrawn,
                    unchanged=report.unchanged,
                    skipped=report.skipped,
                    problems=labels.counted("review.problem_rows", len(report.problems)),
                )
            )
            return 1 if report.problems and not report.recorded else 0
        pairs = decided_pairs(session, register) if args.decided else pending_pairs(session, register)
        if args.export_path:
            export_pairs(pairs, Path(args.export_path), labels)
            counted = labels.counted("review.pairs", len(pairs))
            if args.decided:
                withdraw = word_for(Judgement.WITHDRAWN, labels)
                words = decision_words(labels, decided_only=True)
                print(
                    labels.text(
                        "review.exported_decided", pairs=counted, path=args.export_path, words=words, withdraw=withdraw
                    )
                )
            else:
                words = decision_words(labels, decided_only=True) + " / " + labels.text("review.skip_word")
                print(labels.text("review.exported_pending", pairs=counted, path=args.export_path, words=words))
            return 0
        if not pairs:
            print(labels.text("review.none_decided" if args.decided else "review.none_pending"))
            return 0
        keys: dict[str, Judgement] = dict(REVIEW_KEYS)
        prompt = labels.text("review.prompt")
        if args.decided:
            keys.update(dict.fromkeys(WITHDRAW_KEYS, Judgement.WITHDRAWN))
            prompt = labels.text("review.prompt_decided")
        decided = 0
        for number, pair in enumerate(pairs, start=1):
            print("\n".join(pair_lines(number, len(pairs), pair, labels)))
            while True:
                try:
                    answer = input(prompt).strip().lower()[:1]
                except EOFError:
                    answer = QUIT_KEYS[0]
                if answer in keys or answer in SKIP_KEYS or answer in QUIT_KEYS:
                    break
            if answer in QUIT_KEYS:
                break
            if answer in keys:
                decide(session, pair, keys[answer], reviewer)
                commit(session)  # each answer is kept, even if the session is interrupted later
                decided += 1
        print(labels.text("review.recorded", decisions=labels.counted("review.decisions", decided), reviewer=reviewer))
        return 0


def _row_problems(rows: Sequence[InputRow], labels: Labels) -> None:
    for row in rows:
        if row.problem:
            problem = labels.phrase("input_problem", row.problem)
            print(
                labels.text("tool.row_problem", line=row.line, problem=problem, record_id=row.record_id),
                file=sys.stderr,
            )


def dedupe_command(args: argparse.Namespace) -> int:
    labels: Labels = args.labels
    try:
        rows = read_input(Path(args.input))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        print(labels.text("tool.cannot_read", path=args.input, error=exc), file=sys.stderr)
        return 2
    _row_problems(rows, labels)
    output = dedupe(rows)
    write_output(output, Path(args.output))
    clusters = {r["cluster_id"] for r in output if r.get("cluster_id")}
    bad = sum(1 for r in rows if r.problem)
    print(
        labels.text(
            "dedupe.written",
            records=labels.counted("tool.records", len(rows) - bad),
            organisations=labels.counted("tool.organisations", len(clusters)),
            path=args.output,
            bad=labels.counted("tool.bad_rows", bad),
        )
    )
    return 0


def compare_command(args: argparse.Namespace) -> int:
    try:
        pairs = read_pairs(Path(args.input))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        print(args.labels.text("tool.cannot_read", path=args.input, error=exc), file=sys.stderr)
        return 2
    labels: Labels = args.labels
    compared = compare(pairs, args.model)
    write_compared(compared, Path(args.output))
    counts = Counter(pair.decision or "not compared" for pair in compared)
    summary = ", ".join(
        f"{labels.number(counts[d])} {labels.code('compare_decision', d)}"
        for d in (MATCH, REVIEW, NO_MATCH, "not compared")
        if counts[d]
    )
    pairs_compared = labels.counted("review.pairs", len(compared))
    print(labels.text("compare.written", pairs=pairs_compared, model=args.model, summary=summary, path=args.output))
    return 0


ENRICH_COLUMNS = ("record_id", "orgnr", "register_name", "legal_form", "status", "score", "method", "explanation")


def _cached_snapshot(bulk_file: Path, labels: Labels) -> Path:
    """A snapshot built once per bulk file (by path, size and modification time) and reused after that."""
    stat = bulk_file.stat()
    key = hashlib.sha256(f"{bulk_file.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    path = settings.register_snapshot_path().parent / "cli" / key
    if not path.exists():
        print(labels.text("enrich.indexing", file=bulk_file.name), file=sys.stderr)
        started = time.monotonic()

        def progress(note: str) -> None:
            print(f"  {labels.phrase('build_progress', note)}", file=sys.stderr)

        report = build_snapshot(bulk_file, path, progress=progress)
        indexed = labels.text(
            "enrich.indexed",
            organisations=labels.counted("tool.organisations", report.entries),
            sole_traders=labels.counted("tool.sole_traders", report.parse.personnummer_rows_skipped),
            malformed=labels.counted("tool.malformed", report.parse.malformed),
            seconds=f"{time.monotonic() - started:.1f}",
        )
        print(indexed, file=sys.stderr)
    else:
        print(labels.text("enrich.reusing", file=bulk_file.name, path=path), file=sys.stderr)
    return path


def enrich_command(args: argparse.Namespace) -> int:
    labels: Labels = args.labels
    try:
        rows = read_input(Path(args.input))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        print(labels.text("tool.cannot_read", path=args.input, error=exc), file=sys.stderr)
        return 2
    try:
        snapshot_path = _cached_snapshot(Path(args.register), labels)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        print(labels.text("tool.cannot_read", path=args.register, error=exc), file=sys.stderr)
        return 2
    counts: dict[str, int] = {}
    queries = [
        EnrichmentQuery(row.record_id, row.record.name, row.record.orgnr, row.record.municipality, row.record.address)
        for row in rows
        if row.record is not None
    ]
    with RegisterSnapshot(snapshot_path) as snapshot, atomic_text_file(Path(args.output)) as out:
        started = time.monotonic()
        matches = iter(match_all(queries, snapshot))
        seconds = f"{time.monotonic() - started:.1f}"
        print(
            labels.text("enrich.matched", records=labels.counted("tool.records", len(queries)), seconds=seconds),
            file=sys.stderr,
        )
        writer = csv.DictWriter(out, fieldnames=ENRICH_COLUMNS)
        writer.writeheader()
        _row_problems(rows, labels)
        for row in rows:
            if row.record is None:
                if row.record_id:
                    writer.writerow({"record_id": row.record_id, "method": "invalid input", "explanation": row.problem})
                continue
            found = next(matches)
            counts[found.method] = counts.get(found.method, 0) + 1
            entry = found.entry
            writer.writerow(
                {
                    "record_id": row.record_id,
                    "orgnr": entry.orgnr if entry else "",
                    "register_name": entry.name if entry else "",
                    "legal_form": entry.legal_form if entry else "",
                    "status": entry.status if entry else "",
                    "score": f"{found.score:.3f}",
                    "method": found.method,
                    "explanation": found.explanation,
                }
            )
    # Surest first: a number looked up, a name matched, then what is left to a person or not found.
    order = [METHOD_ORGNR, METHOD_NAME, METHOD_REVIEW, METHOD_NONE]
    methods = sorted(counts, key=lambda m: (order.index(m) if m in order else len(order), m))
    summary = ", ".join(f"{labels.number(counts[m])} {labels.code('register_match', m)}" for m in methods)
    print(labels.text("enrich.written", path=args.output, summary=summary or labels.text("enrich.nothing")))
    return 0


def export_command(args: argparse.Namespace) -> int:
    labels: Labels = args.labels
    try:
        since = parse_since(args.since) if args.since else None
    except ValueError:
        print(labels.text("export.bad_since", since=args.since), file=sys.stderr)
        return 2
    options = ExportOptions(include_inactive=args.include_inactive, since=since, table=args.table, lang=labels.lang)
    engine = open_registry(settings.registry_db_url())
    try:
        report = export_registry(engine, args.format, Path(args.output), options)
    except (ValueError, OSError) as exc:
        # An output of the wrong kind is said in the reader's language; the system's own errors as it says them.
        reason = exc.said(labels) if isinstance(exc, ExportError) else exc
        print(labels.text("export.cannot", output=args.output, reason=reason), file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    for redaction in report.redactions:
        print(labels.text("warning", message=redaction.said(labels)), file=sys.stderr)
    what = []
    if "organisations" in report.rows:
        which = labels.text("export.all" if args.include_inactive else "export.active")
        what.append(f"{labels.counted('organisations', report.rows['organisations'])} {which}")
    if "change_log" in report.rows:
        entries = labels.counted("change_log_entries", report.rows["change_log"])
        what.append(f"{entries} {labels.text('export.since', since=args.since)}" if since else entries)
    print(
        labels.text(
            "export.done",
            what=f" {labels.text('export.and')} ".join(what),
            format=report.format.value,
            paths=", ".join(str(path) for path in report.paths),
        )
    )
    return 0


def find_command(args: argparse.Namespace) -> int:
    query = FindQuery(
        areas=tuple(args.area or ()),
        text=args.text,
        kommun=args.kommun,
        lan=args.lan,
        legal_form=args.legal_form,
        active_only=not args.include_inactive,
        include_weak_signal=args.include_weak_signal,
    )
    with registry_session() as session:
        try:
            found = find_organisations(session, query)
        except FindError as exc:
            print(exc.said(args.labels), file=sys.stderr)
            return 2
        print(format_table(found, args.labels))
        if args.csv:
            for redaction in write_organisations_csv(session.get_bind(), found, Path(args.csv)):
                print(args.labels.text("warning", message=redaction.said(args.labels)), file=sys.stderr)
            print(args.labels.text("find.written", path=args.csv))
    return 0


def _add_run_command(commands: Commands) -> None:
    run = commands.add_parser(
        "run",
        help="run the nightly job in-process and print a summary",
        description="Ingest every source, resolve organisations and publish the registry to ASF_REGISTRY_DB_URL "
        f"(default {settings.DEFAULT_DB_URL}). Sources are replayed from the raw archive unless ASF_HTTP_MODE=live.",
    )
    run.add_argument("-v", "--verbose", action="store_true", help="show Dagster's step-by-step log")
    run.set_defaults(handler=run_command)


def _add_review_command(commands: Commands) -> None:
    review = commands.add_parser(
        "review",
        help="judge pairs of records the matcher was unsure about, or revise a decision",
        description="Shows each pair waiting for review with both records and the matcher's explanation, and "
        "records your decision; or exports the pairs to a spreadsheet and imports the decisions from it. "
        "People's decisions always win over the matcher and take effect at the next run. With --decided, the "
        "pairs people have decided instead (who, when, what): decide again to revise a decision, or withdraw it "
        "('withdraw' / 'ångra' in the file, [w] in the terminal) to put the matcher's judgement back in force. "
        "Every decision is kept in the judgements table.",
    )
    transfer = review.add_mutually_exclusive_group()
    transfer.add_argument("--export", dest="export_path", metavar="PAIRS.csv", help="write the pairs to a CSV file")
    transfer.add_argument("--import", dest="import_path", metavar="PAIRS.csv", help="record the decisions in a CSV")
    review.add_argument(
        "--decided", action="store_true", help="the pairs people have decided (to revise or withdraw a decision)"
    )
    review.add_argument("--reviewer", help="your name, kept with each decision (default: ASF_REVIEWER or login)")
    review.set_defaults(handler=review_command)


def _add_dedupe_command(commands: Commands) -> None:
    dedupe_parser = commands.add_parser(
        "dedupe",
        help="deduplicate a spreadsheet of organisations",
        description="INPUT: UTF-8 CSV with a header; record_id and name required; source, orgnr, municipality, "
        "website, email, phone, address optional; other columns ignored. OUTPUT: one row per record with "
        "record_id, cluster_id (the smallest record_id of its organisation), cluster_size, matched_with, score, "
        "explanation, problem.",
    )
    dedupe_parser.add_argument("input", metavar="INPUT.csv")
    dedupe_parser.add_argument("--output", required=True, metavar="OUTPUT.csv")
    dedupe_parser.set_defaults(handler=dedupe_command)


def _add_compare_command(commands: Commands) -> None:
    compare_parser = commands.add_parser(
        "compare",
        help="score pairs of names with the pipeline's matching model, and say why",
        description="PAIRS: CSV with a header; pair_id, name1, name2 required; kommun1, kommun2, orgnr1, orgnr2, "
        "website1, website2, address1, address2 optional. OUTPUT: pair_id, probability, decision (match, review "
        "or no_match, with the thresholds the nightly run uses) and explanation (each feature's evidence and "
        "weight). --model dedupe compares two source records, as resolution does; --model register compares "
        "an organisation (side 1) with a company register entry written as the register writes it (side 2).",
    )
    compare_parser.add_argument("input", metavar="PAIRS.csv")
    compare_parser.add_argument("--output", required=True, metavar="OUT.csv")
    compare_parser.add_argument("--model", choices=sorted(MODELS), default="dedupe")
    compare_parser.set_defaults(handler=compare_command)


def _add_enrich_command(commands: Commands) -> None:
    enrich = commands.add_parser(
        "enrich",
        help="match a spreadsheet of organisations to Bolagsverket's register",
        description="INPUT: UTF-8 CSV with record_id, name and optional orgnr, municipality, website, address. "
        "REGISTER: Bolagsverket's bulk file as downloaded (.zip) or unpacked (.txt). OUTPUT: one row per record with "
        "record_id, orgnr (blank without a confident match), register_name, legal_form, status, score, method "
        "(orgnr, name, review, none) and explanation.",
    )
    enrich.add_argument("input", metavar="INPUT.csv")
    enrich.add_argument("--register", required=True, metavar="BULKFILE")
    enrich.add_argument("--output", required=True, metavar="OUTPUT.csv")
    enrich.set_defaults(handler=enrich_command)


def _add_export_command(commands: Commands) -> None:
    export = commands.add_parser(
        "export",
        help="export the registry and its change log (CSV, JSON, Parquet, Excel)",
        description="Exports the registry_v2_organisations and registry_v1_change_log views (the stable contract) "
        "from ASF_REGISTRY_DB_URL; organisations in Swedish alphabetical order. csv and parquet: a PATH ending in "
        ".csv / .parquet is exactly that file, holding the --table chosen (default organisations); any other PATH "
        "is a directory that receives organisations.<ext> and change_log.<ext>. json: one file {schema_version, "
        "exported_at, filters, organisations, change_log}. xlsx: one workbook with the sheets organisations, "
        "change_log and about (column heads and the about sheet in --lang). Times are UTC. CSV is RFC 4180, UTF-8 "
        "with a BOM (for Excel); text that a spreadsheet would run as a formula (starting with = @ tab CR, or + - "
        "followed by more than a number or phone number) is prefixed with ' in csv and xlsx. A personnummer is "
        "never exported: such a cell is replaced by '[personnummer redacted]' with a warning. Files are replaced "
        "atomically.",
    )
    export.add_argument("--format", required=True, choices=[f.value for f in ExportFormat])
    export.add_argument(
        "--output", required=True, metavar="PATH", help="a file, or a directory for both tables (csv, parquet)"
    )
    export.add_argument("--table", choices=EXPORT_TABLES, help="csv and parquet: the one table to export")
    export.add_argument(
        "--include-inactive",
        action="store_true",
        help="every organisation ever published, not only the active ones (the 'active' column tells them apart)",
    )
    export.add_argument(
        "--since",
        metavar="YYYY-MM-DD",
        help="only change-log entries from that day (00:00 UTC) on; default: the whole change log",
    )
    export.set_defaults(handler=export_command)


def _add_find_command(commands: Commands) -> None:
    find = commands.add_parser(
        "find",
        help="market scan: which organisations can deliver what, where",
        description="Lists active organisations with evidence of being an ASF that match every filter given "
        "(several --area: any of them). Example, catering near Stockholm: asf-registry find --area catering "
        "--lan 01. Free text matches name, registered name, activity, business description and areas, ignoring "
        "case and accents.",
    )
    find.add_argument("--area", action="append", metavar="AREA", help="activity area, e.g. catering (repeatable)")
    find.add_argument("--text", metavar="TEXT", help="words that must all occur, e.g. 'tvätt'")
    find.add_argument("--kommun", metavar="KOMMUN", help="kommun name or code: Solna, 'Stockholms stad', 0184")
    find.add_argument("--lan", metavar="LÄN", help="län name or code: 'Stockholms län', 01")
    find.add_argument("--legal-form", metavar="FORM", help="AB, EK, I, S, HB... or aktiebolag, 'ekonomisk förening'")
    find.add_argument(
        "--include-inactive", action="store_true", help="also inactive organisations (no source lists them any more)"
    )
    find.add_argument(
        "--include-weak-signal",
        action="store_true",
        help="also organisations listed only by a general member list (not evidence of being an ASF)",
    )
    find.add_argument("--csv", metavar="PATH", help="also write the result (all registry columns) to a CSV file")
    find.set_defaults(handler=find_command)


LANG_HELP = "language of what it prints and writes: sv (default) or en; default ASF_LANG"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="asf-registry",
        description="The registry of Swedish work-integrating social enterprises (ASF).",
    )
    parser.add_argument("--version", action="version", version=f"asf-registry {installed_version()}")
    parser.add_argument("--lang", choices=settings.LANGUAGES, help=LANG_HELP)
    commands = parser.add_subparsers(dest="command", required=True)
    _add_run_command(commands)
    _add_review_command(commands)
    _add_dedupe_command(commands)
    _add_enrich_command(commands)
    _add_compare_command(commands)
    _add_export_command(commands)
    _add_find_command(commands)
    add_show_command(commands)
    add_quarantine_command(commands)
    add_doctor_command(commands)
    add_sources_command(commands)
    for name, command in commands.choices.items():
        if name != "run":  # run's -v also shows Dagster's log
            command.add_argument("-v", "--verbose", action="store_true", help="show the traceback when it fails")
        # After the command too (`asf-registry find --lang en ...`); SUPPRESS keeps a --lang given before it.
        command.add_argument("--lang", choices=settings.LANGUAGES, default=argparse.SUPPRESS, help=LANG_HELP)
    return parser


def installed_version() -> str:
    try:
        return version("asf-registry")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.labels = Labels(settings.language(args.lang))
    except ValueError as exc:  # ASF_LANG set to a language there are no labels in
        print(f"asf-registry {args.command}: {exc}", file=sys.stderr)
        return 2
    try:
        return int(args.handler(args))
    except BrokenPipeError:
        # The reader stopped early (`asf-registry find ... | head`): not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except RegistryUnavailable as exc:
        print(f"asf-registry {args.command}: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        # No traceback for the person at the terminal unless asked for: one line saying what happened.
        if args.verbose:
            traceback.print_exc()
        message = settings.redact_url(redact_personnummer(str(exc))) or type(exc).__name__
        hint = "" if args.verbose else " (run again with -v to see where)"
        print(f"asf-registry {args.command} failed: {message}{hint}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
