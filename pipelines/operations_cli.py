"""``asf-registry doctor`` on the command line."""

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
