"""Settings read from the environment. Secrets (database passwords, API credentials) live only there."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB_URL = "sqlite:///data/registry.db"
DEFAULT_RECORDINGS_DIR = PROJECT_ROOT / "recordings"
DEFAULT_LIVE_ARCHIVE_DIR = Path("data/raw")
DEFAULT_CITY_LIST_DIR = PROJECT_ROOT / "examples" / "city_list"
DEFAULT_CONTACT = "asf-registry@example.org"


def registry_db_url() -> str:
    return os.environ.get("ASF_REGISTRY_DB_URL") or DEFAULT_DB_URL


def http_mode() -> str:
    mode = (os.environ.get("ASF_HTTP_MODE") or "replay").lower()
    if mode not in ("replay", "live"):
        raise ValueError(f"ASF_HTTP_MODE must be 'replay' or 'live', not {mode!r}")
    return mode


def raw_archive_dir(mode: str) -> Path:
    configured = os.environ.get("ASF_RAW_ARCHIVE_DIR")
    if configured:
        return Path(configured)
    return DEFAULT_RECORDINGS_DIR if mode == "replay" else DEFAULT_LIVE_ARCHIVE_DIR


def parse_moment(text: str) -> datetime:
    """An ISO date or date-time; a date means the end of that day, UTC when no zone is given."""
    moment = datetime.fromisoformat(text)
    if len(text) == 10:
        moment = moment.replace(hour=23, minute=59, second=59)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def replay_as_of() -> datetime | None:
    """ASF_REPLAY_AS_OF: replay the raw archive as it was at that moment (re-process history)."""
    configured = os.environ.get("ASF_REPLAY_AS_OF")
    return parse_moment(configured) if configured else None


def city_list_dir() -> Path:
    return Path(os.environ.get("ASF_CITY_LIST_DIR") or DEFAULT_CITY_LIST_DIR)


def contact_address() -> str:
    return os.environ.get("ASF_CONTACT") or DEFAULT_CONTACT


def redact_url(url: str) -> str:
    """A database URL fit for logs and the UI: the password is replaced."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


DEFAULT_REGISTER_BULK_FILE = PROJECT_ROOT / "recordings" / "register" / "bolagsverket_bulkfil_sample.txt"
DEFAULT_REGISTER_SNAPSHOT = Path("data/register/snapshot.sqlite")
BOLAGSVERKET_BULK_URL = "https://vardefulla-datamangder.bolagsverket.se/bolagsverket/bolagsverket_bulkfil.zip"


def register_bulk_file() -> Path:
    """ASF_REGISTER_BULK_FILE: the bulk file (zip or txt) to build the snapshot from when not downloading."""
    return Path(os.environ.get("ASF_REGISTER_BULK_FILE") or DEFAULT_REGISTER_BULK_FILE)


def register_snapshot_path() -> Path:
    return Path(os.environ.get("ASF_REGISTER_SNAPSHOT") or DEFAULT_REGISTER_SNAPSHOT)


DEFAULT_SCB_BULK_FILE = PROJECT_ROOT / "recordings" / "register" / "scb_bulkfil_sample.txt"


def scb_bulk_file() -> Path | None:
    """ASF_SCB_BULK_FILE: SCB's bulk file (SNI codes); 'none' to build without it."""
    configured = os.environ.get("ASF_SCB_BULK_FILE")
    if configured and configured.lower() == "none":
        return None
    return Path(configured) if configured else DEFAULT_SCB_BULK_FILE


DEFAULT_INACTIVE_AFTER_RUNS = 3
DEFAULT_MAX_RETIRING_SHARE = 0.2
DEFAULT_REPORT_DIR = Path("data/reports")


def inactive_after_runs() -> int:
    """ASF_INACTIVE_AFTER_RUNS: consecutive runs without any source listing an organisation before it is
    marked inactive (a source missing an entry for a night does not retire it)."""
    runs = int(os.environ.get("ASF_INACTIVE_AFTER_RUNS") or DEFAULT_INACTIVE_AFTER_RUNS)
    if runs < 1:
        raise ValueError(f"ASF_INACTIVE_AFTER_RUNS must be at least 1, not {runs}")
    return runs


def max_retiring_share() -> float:
    """ASF_MAX_RETIRING_SHARE: the share of active organisations one run may stop listing or make inactive
    before the publish gate refuses to publish it."""
    share = float(os.environ.get("ASF_MAX_RETIRING_SHARE") or DEFAULT_MAX_RETIRING_SHARE)
    if not 0 < share <= 1:
        raise ValueError(f"ASF_MAX_RETIRING_SHARE must be in (0, 1], not {share}")
    return share


def report_dir() -> Path:
    """ASF_REPORT_DIR: where the HTML report of each run is written."""
    return Path(os.environ.get("ASF_REPORT_DIR") or DEFAULT_REPORT_DIR)


def registry_lock_timeout() -> float:
    """ASF_REGISTRY_LOCK_TIMEOUT: seconds a run waits for another run's registry writes before it gives up."""
    configured = os.environ.get("ASF_REGISTRY_LOCK_TIMEOUT")
    return float(configured) if configured else 600.0


DEFAULT_RUN_DEADLINE_SECONDS = 3 * 3600.0


def run_deadline_seconds() -> float:
    """ASF_RUN_DEADLINE_SECONDS: the longest a nightly run may take before it is stopped (default 3 hours;
    the nightly job starts at 02:30 and the registry should be fresh by 06:00)."""
    configured = os.environ.get("ASF_RUN_DEADLINE_SECONDS")
    if not configured:
        return DEFAULT_RUN_DEADLINE_SECONDS
    try:
        seconds = float(configured)
    except ValueError:
        raise ValueError(f"ASF_RUN_DEADLINE_SECONDS must be a number of seconds, not {configured!r}") from None
    if not 0 < seconds < float("inf"):
        raise ValueError(f"ASF_RUN_DEADLINE_SECONDS must be more than 0 seconds, not {configured!r}")
    return seconds
