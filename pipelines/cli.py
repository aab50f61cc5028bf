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
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
                words = decision_words(labels, withdraw=False, skip=False)
                print(
                    labels.text(
                        "review.exported_decided", pairs=counted, path=args.export_path, words=words, withdraw=withdraw
                    )
                )
            else:
                words = decision_words(labels, withdraw=False)
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
        print(
            labels.text("tool.cannot_read", path=args.input, error=labels.phrase("spreadsheet", str(exc))),
            file=sys.stderr,
        )
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
    labels: Labels = args.labels
    try:
        pairs = read_pairs(Path(args.input))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        print(
            labels.text("tool.cannot_read", path=args.input, error=labels.phrase("spreadsheet", str(exc))),
            file=sys.stderr,
        )
        return 2
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
        print(
            labels.text("tool.cannot_read", path=args.input, error=labels.phrase("spreadsheet", str(exc))),
            file=sys.stderr,
        )
        return 2
    try:
        snapshot_path = _cached_snapshot(Path(args.register), labels)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        print(
            labels.text("tool.cannot_read", path=args.register, error=labels.phrase("spreadsheet", str(exc))),
            file=sys.stderr,
        )
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


def _add_run_command(commands: Commands, labels: Labels) -> None:
    run = commands.add_parser(
        "run",
        help=labels.text("help.run"),
        description=labels.text("help.run.description", db_url=settings.DEFAULT_DB_URL),
    )
    run.add_argument("-v", "--verbose", action="store_true", help=labels.text("help.run.verbose"))
    run.set_defaults(handler=run_command)


def _add_review_command(commands: Commands, labels: Labels) -> None:
    review = commands.add_parser(
        "review", help=labels.text("help.review"), description=labels.text("help.review.description")
    )
    transfer = review.add_mutually_exclusive_group()
    transfer.add_argument("--export", dest="export_path", metavar="PAIRS.csv", help=labels.text("help.review.export"))
    transfer.add_argument("--import", dest="import_path", metavar="PAIRS.csv", help=labels.text("help.review.import"))
    review.add_argument("--decided", action="store_true", help=labels.text("help.review.decided"))
    review.add_argument("--reviewer", help=labels.text("help.review.reviewer"))
    review.set_defaults(handler=review_command)


def _add_dedupe_command(commands: Commands, labels: Labels) -> None:
    dedupe_parser = commands.add_parser(
        "dedupe", help=labels.text("help.dedupe"), description=labels.text("help.dedupe.description")
    )
    dedupe_parser.add_argument("input", metavar="INPUT.csv")
    dedupe_parser.add_argument("--output", required=True, metavar="OUTPUT.csv")
    dedupe_parser.set_defaults(handler=dedupe_command)


def _add_compare_command(commands: Commands, labels: Labels) -> None:
    compare_parser = commands.add_parser(
        "compare", help=labels.text("help.compare"), description=labels.text("help.compare.description")
    )
    compare_parser.add_argument("input", metavar="PAIRS.csv")
    compare_parser.add_argument("--output", required=True, metavar="OUT.csv")
    compare_parser.add_argument("--model", choices=sorted(MODELS), default="dedupe")
    compare_parser.set_defaults(handler=compare_command)


def _add_enrich_command(commands: Commands, labels: Labels) -> None:
    enrich = commands.add_parser(
        "enrich", help=labels.text("help.enrich"), description=labels.text("help.enrich.description")
    )
    enrich.add_argument("input", metavar="INPUT.csv")
    enrich.add_argument("--register", required=True, metavar="BULKFILE")
    enrich.add_argument("--output", required=True, metavar="OUTPUT.csv")
    enrich.set_defaults(handler=enrich_command)


def _add_export_command(commands: Commands, labels: Labels) -> None:
    export = commands.add_parser(
        "export", help=labels.text("help.export"), description=labels.text("help.export.description")
    )
    export.add_argument("--format", required=True, choices=[f.value for f in ExportFormat])
    export.add_argument("--output", required=True, metavar="PATH", help=labels.text("help.export.output"))
    export.add_argument("--table", choices=EXPORT_TABLES, help=labels.text("help.export.table"))
    export.add_argument("--include-inactive", action="store_true", help=labels.text("help.export.include_inactive"))
    export.add_argument("--since", metavar="YYYY-MM-DD", help=labels.text("help.export.since"))
    export.set_defaults(handler=export_command)


def _add_find_command(commands: Commands, labels: Labels) -> None:
    find = commands.add_parser("find", help=labels.text("help.find"), description=labels.text("help.find.description"))
    find.add_argument("--area", action="append", metavar="AREA", help=labels.text("help.find.area"))
    find.add_argument("--text", metavar="TEXT", help=labels.text("help.find.text"))
    find.add_argument("--kommun", metavar="KOMMUN", help=labels.text("help.find.kommun"))
    find.add_argument("--lan", metavar="LÄN", help=labels.text("help.find.lan"))
    find.add_argument("--legal-form", metavar="FORM", help=labels.text("help.find.legal_form"))
    find.add_argument("--include-inactive", action="store_true", help=labels.text("help.find.include_inactive"))
    find.add_argument("--include-weak-signal", action="store_true", help=labels.text("help.find.include_weak_signal"))
    find.add_argument("--csv", metavar="PATH", help=labels.text("help.find.csv"))
    find.set_defaults(handler=find_command)


def help_language(argv: Sequence[str], env: Mapping[str, str] | None = None) -> str:
    """The language --help is written in, known before the arguments are parsed: --lang, else ASF_LANG, else
    Swedish (a wrong value is reported once the arguments are parsed)."""
    for i, arg in enumerate(argv):
        lang = arg.removeprefix("--lang=") if arg.startswith("--lang=") else None
        if arg == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        if lang in settings.LANGUAGES:
            return lang
    try:
        return settings.language(env=os.environ if env is None else env)
    except ValueError:
        return settings.LANGUAGES[0]


def _in_language(parser: argparse.ArgumentParser, labels: Labels) -> None:
    """argparse's own words (usage, the section titles, -h and --version) in ``labels``' language."""
    prefix = labels.text("help.usage")

    class Formatter(argparse.HelpFormatter):
        def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix_: str | None = None) -> None:
            # An empty prefix is argparse's own (the subcommands' program name): kept as it is.
            super().add_usage(usage, actions, groups, prefix if prefix_ is None else prefix_)

    parser.formatter_class = Formatter
    parser._positionals.title = labels.text("help.positionals")
    parser._optionals.title = labels.text("help.options")
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            action.help = labels.text("help.help")
        elif isinstance(action, argparse._VersionAction):
            action.help = labels.text("help.version")
        elif isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                _in_language(command, labels)


def build_parser(lang: str = "sv") -> argparse.ArgumentParser:
    labels = Labels(lang)
    parser = argparse.ArgumentParser(prog="asf-registry", description=labels.text("help.program"))
    parser.add_argument("--version", action="version", version=f"asf-registry {installed_version()}")
    parser.add_argument("--lang", choices=settings.LANGUAGES, help=labels.text("help.lang"))
    commands = parser.add_subparsers(dest="command", required=True, title=labels.text("help.commands"))
    _add_run_command(commands, labels)
    _add_review_command(commands, labels)
    _add_dedupe_command(commands, labels)
    _add_enrich_command(commands, labels)
    _add_compare_command(commands, labels)
    _add_export_command(commands, labels)
    _add_find_command(commands, labels)
    add_show_command(commands, labels)
    add_quarantine_command(commands, labels)
    add_doctor_command(commands, labels)
    add_sources_command(commands, labels)
    for name, command in commands.choices.items():
        if name != "run":  # run's -v also shows Dagster's log
            command.add_argument("-v", "--verbose", action="store_true", help=labels.text("help.verbose"))
        # After the command too (`asf-registry find --lang en ...`); SUPPRESS keeps a --lang given before it.
        command.add_argument(
            "--lang", choices=settings.LANGUAGES, default=argparse.SUPPRESS, help=labels.text("help.lang")
        )
    _in_language(parser, labels)
    return parser


def installed_version() -> str:
    try:
        return version("asf-registry")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(help_language(arguments)).parse_args(arguments)
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
