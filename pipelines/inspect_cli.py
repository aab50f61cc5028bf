"""``asf-registry show`` and ``asf-registry quarantine`` on the command line: reading one organisation, and
what the last run held back."""

from __future__ import annotations

import argparse
from typing import Any

from sqlmodel import Session

from registry import settings
from registry.store.registry_access import open_registry
from registry.tools import quarantine, show
from registry.tools.labels import Labels


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


def add_show_command(commands: Any, labels: Labels) -> None:
    parser = commands.add_parser(
        "show", help=labels.text("help.show"), description=labels.text("help.show.description")
    )
    parser.add_argument("organisation", nargs="+", metavar="ID|ORGNR|NAME")
    parser.set_defaults(handler=show_command)


def quarantine_command(args: argparse.Namespace) -> int:
    with registry_session() as session:
        held = quarantine.held_back(session, run_id=args.run, every_run=args.all)
    print(quarantine.render(held, args.labels))
    return 0


def add_quarantine_command(commands: Any, labels: Labels) -> None:
    parser = commands.add_parser(
        "quarantine", help=labels.text("help.quarantine"), description=labels.text("help.quarantine.description")
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--run", metavar="RUN_ID", help=labels.text("help.quarantine.run"))
    which.add_argument("--all", action="store_true", help=labels.text("help.quarantine.all"))
    parser.set_defaults(handler=quarantine_command)
