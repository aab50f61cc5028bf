"""``asf-registry show`` and ``asf-registry quarantine`` on the command line: reading one organisation, and
what the last run held back."""

from __future__ import annotations

import argparse
from typing import Any

from sqlmodel import Session

from registry import settings
from registry.store.registry_access import open_registry
from registry.tools import quarantine, show


def registry_session() -> Session:
    """A session on the existing registry: the analysts' commands read it (and review adds decisions to it);
    they never create one, and need no Dagster."""
    return Session(open_registry(settings.registry_db_url()))


def show_command(args: argparse.Namespace) -> int:
    asked = " ".join(args.organisation)
    with registry_session() as session:
        found = show.find_one(session, asked)
        if found.organisation is None:
            print(show.render_candidates(found, asked, args.labels))
            return 1
        print(show.render(session, found, args.labels))
    return 0


def add_show_command(commands: Any) -> None:
    parser = commands.add_parser(
        "show",
        help="everything the registry knows about one organisation",
        description="One organisation, by registry ID (a retired ID leads to the organisation that stands for it "
        "now), organisationsnummer or name: its values with who says each and since when, the sources that list "
        "it and what each wrote, the company register match with its method and score, its change history and "
        "the IDs merged into it. A name that fits several organisations lists them. Exit code 1 when it does not "
        "name one organisation.",
    )
    parser.add_argument("organisation", nargs="+", metavar="ID|ORGNR|NAME")
    parser.set_defaults(handler=show_command)


def quarantine_command(args: argparse.Namespace) -> int:
    with registry_session() as session:
        held = quarantine.held_back(session, run_id=args.run, every_run=args.all)
    print(quarantine.render(held, args.labels))
    return 0


def add_quarantine_command(commands: Any) -> None:
    parser = commands.add_parser(
        "quarantine",
        help="the source records the last run held back, and why",
        description="The records a run could not use (a missing name, a duplicate key, a sole trader's "
        "personnummer...), with their source, key, name, where they were read and why. Personal numbers are "
        "never shown. Default: the last published run.",
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--run", metavar="RUN_ID", help="the quarantine of this run")
    which.add_argument("--all", action="store_true", help="every run's quarantine, oldest first")
    parser.set_defaults(handler=quarantine_command)
