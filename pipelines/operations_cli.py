"""``asf-registry doctor`` and ``asf-registry sources check`` on the command line."""

from __future__ import annotations

import argparse
from typing import Any

from registry.tools.doctor import GIB, DoctorOptions, Status, format_findings, run_checks


def web_sources() -> dict[str, str]:
    """Each web source's name and the address its connector starts from (historical sources excluded: they
    are read from the web archive)."""
    from assets.sources import CONNECTORS

    return {c.SPEC.name: c.SPEC.url for c in CONNECTORS if c.SPEC.url and not c.SPEC.historical}


def doctor_command(args: argparse.Namespace) -> int:
    options = DoctorOptions(
        online=True if args.online else None,
        min_free_archive_bytes=int(args.min_free_archive_gb * GIB),
        min_free_register_bytes=int(args.min_free_register_gb * GIB),
    )
    findings = run_checks(web_sources(), options=options)
    print("asf-registry doctor")
    print(format_findings(findings))
    return 1 if any(f.status is Status.FAIL for f in findings) else 0


def add_doctor_command(commands: Any) -> None:
    doctor = commands.add_parser(
        "doctor",
        help="check the configuration, database, sources and disks, and say what to fix",
        description="Checks the configuration (environment variables and the files they name), that the registry "
        "database is reachable and its schema version, the sources (in the raw archive, or on the web with --online "
        "or in live mode), free disk space for the raw archive and the company register, the alert settings and the "
        "Dagster instance. Reads only. Exit code 1 when a check fails.",
    )
    doctor.add_argument("--online", action="store_true", help="check that each source's site answers")
    defaults = DoctorOptions()
    doctor.add_argument(
        "--min-free-archive-gb",
        type=float,
        default=defaults.min_free_archive_bytes / GIB,
        help="free space the raw archive needs in live mode (default %(default)s GiB)",
    )
    doctor.add_argument(
        "--min-free-register-gb",
        type=float,
        default=defaults.min_free_register_bytes / GIB,
        help="free space the company register needs (default %(default)s GiB)",
    )
    doctor.set_defaults(handler=doctor_command)


def sources_check_command(args: argparse.Namespace) -> int:
    from assets.resources import SourceSettings, WebClient
    from assets.source_check import check_sources, format_reports
    from assets.sources import configured_sources

    # The sources file as it is now: an operator corrects it and checks again, without restarting anything.
    web = WebClient(mode="live") if args.live else WebClient()
    reports = check_sources(configured_sources(), args.names, web, SourceSettings())
    print(format_reports(reports))
    return 0 if all(r.passed for r in reports) else 1


def add_sources_command(commands: Any) -> None:
    sources = commands.add_parser("sources", help="the sources in the sources file: check what each yields")
    actions = sources.add_subparsers(dest="sources_command", required=True)
    check = actions.add_parser(
        "check",
        help="fetch (--live) or replay each source and show what it yields",
        description="For each source of the sources file (sources.toml, or ASF_SOURCES_FILE), or those named: the "
        "URLs fetched with their HTTP status (each redirect hop and the final URL), the list shape found on each "
        "page, the entry count against expected_entries, the first entries with their fields and the page text "
        "each came from, what was not taken for an entry and why, and the warnings. Replays the raw archive "
        "unless --live (which fetches politely: robots.txt and the per-host spacing on every host, redirects "
        "included, and archives what it fetches). Publishes nothing. Exit code 1 when a source fails or is "
        "outside its expected range.",
    )
    check.add_argument("names", nargs="*", metavar="NAME", help="only these sources")
    check.add_argument("--live", action="store_true", help="fetch from the web instead of the raw archive")
    check.set_defaults(handler=sources_check_command)
