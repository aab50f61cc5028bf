"""``asf-registry doctor`` and ``asf-registry sources check`` on the command line."""

from __future__ import annotations

import argparse
from typing import Any

from registry.tools.doctor import GIB, DoctorOptions, Status, format_findings, run_checks
from registry.tools.labels import Labels


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


def add_doctor_command(commands: Any, labels: Labels) -> None:
    doctor = commands.add_parser(
        "doctor", help=labels.text("help.doctor"), description=labels.text("help.doctor.description")
    )
    doctor.add_argument("--online", action="store_true", help=labels.text("help.doctor.online"))
    defaults = DoctorOptions()
    doctor.add_argument(
        "--min-free-archive-gb",
        type=float,
        default=defaults.min_free_archive_bytes / GIB,
        help=labels.text("help.doctor.archive"),
    )
    doctor.add_argument(
        "--min-free-register-gb",
        type=float,
        default=defaults.min_free_register_bytes / GIB,
        help=labels.text("help.doctor.register"),
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


def add_sources_command(commands: Any, labels: Labels) -> None:
    sources = commands.add_parser("sources", help=labels.text("help.sources"))
    actions = sources.add_subparsers(dest="sources_command", required=True, title=labels.text("help.commands"))
    check = actions.add_parser(
        "check",
        help=labels.text("help.sources.check"),
        description=labels.text("help.sources.check.description"),
    )
    check.add_argument("names", nargs="*", metavar="NAME", help=labels.text("help.sources.names"))
    check.add_argument("--live", action="store_true", help=labels.text("help.sources.live"))
    check.set_defaults(handler=sources_check_command)
