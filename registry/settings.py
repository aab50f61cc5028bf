"""Settings read from the environment. Secrets (database passwords, API credentials) live only there.

Every reader takes the environment to read, by default the process environment: `asf-registry doctor` checks
a given one through the same rules the run uses."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB_URL = "sqlite:///data/registry.db"
DEFAULT_RECORDINGS_DIR = PROJECT_ROOT / "recordings"
DEFAULT_LIVE_ARCHIVE_DIR = Path("data/raw")
DEFAULT_CITY_LIST_DIR = PROJECT_ROOT / "examples" / "city_list"
DEFAULT_CONTACT = "asf-registry@example.org"


Env = Mapping[str, str]


def written(name: str, env: Env | None = None) -> str:
    """A setting as written in ``env`` (default: the process environment); empty when unset."""
    return (os.environ if env is None else env).get(name, "")


def _get(name: str, env: Env | None) -> str | None:
    """A setting's value, or None: unset and empty are the same."""
    return written(name, env) or None


def registry_db_url(env: Env | None = None) -> str:
    return _get("ASF_REGISTRY_DB_URL", env) or DEFAULT_DB_URL


def http_mode(env: Env | None = None) -> str:
    mode = (_get("ASF_HTTP_MODE", env) or "replay").lower()
    if mode not in ("replay", "live"):
        raise ValueError(f"ASF_HTTP_MODE must be 'replay' or 'live', not {mode!r}")
    return mode


def raw_archive_dir(mode: str, env: Env | None = None) -> Path:
    configured = _get("ASF_RAW_ARCHIVE_DIR", env)
    if configured:
        return Path(configured)
    return DEFAULT_RECORDINGS_DIR if mode == "replay" else DEFAULT_LIVE_ARCHIVE_DIR


def parse_moment(text: str) -> datetime:
    """An ISO date or date-time; a date means the end of that day, UTC when no zone is given."""
    moment = datetime.fromisoformat(text)
    if len(text) == 10:
        moment = moment.replace(hour=23, minute=59, second=59)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def replay_as_of(env: Env | None = None) -> datetime | None:
    """ASF_REPLAY_AS_OF: replay the raw archive as it was at that moment (re-process history)."""
    configured = _get("ASF_REPLAY_AS_OF", env)
    return parse_moment(configured) if configured else None


DEFAULT_SOURCES_FILE = PROJECT_ROOT / "sources.toml"


def sources_file(env: Env | None = None) -> Path:
    """The sources file: ASF_SOURCES_FILE, else sources.toml at the project's root."""
    return Path(_get("ASF_SOURCES_FILE", env) or DEFAULT_SOURCES_FILE)


def city_list_dir(env: Env | None = None) -> Path:
    return Path(_get("ASF_CITY_LIST_DIR", env) or DEFAULT_CITY_LIST_DIR)


def contact_address(env: Env | None = None) -> str:
    return _get("ASF_CONTACT", env) or DEFAULT_CONTACT


def redact_url(url: str) -> str:
    """A database URL fit for logs and the UI: the password is replaced."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


DEFAULT_REGISTER_BULK_FILE = PROJECT_ROOT / "recordings" / "register" / "bolagsverket_bulkfil_sample.txt"
DEFAULT_REGISTER_SNAPSHOT = Path("data/register/snapshot")
BOLAGSVERKET_BULK_URL = "https://vardefulla-datamangder.bolagsverket.se/bolagsverket/bolagsverket_bulkfil.zip"


def configured_register_bulk_file(env: Env | None = None) -> Path | None:
    """ASF_REGISTER_BULK_FILE: the bulk file (zip or txt) an operator named; None when unset (in live mode the
    weekly refresh then downloads Bolagsverket's file)."""
    configured = _get("ASF_REGISTER_BULK_FILE", env)
    return Path(configured) if configured else None


def register_bulk_file(env: Env | None = None) -> Path:
    """The bulk file to build the snapshot from when not downloading: the named one, else the bundled sample."""
    return configured_register_bulk_file(env) or DEFAULT_REGISTER_BULK_FILE


def register_snapshot_path(env: Env | None = None) -> Path:
    return Path(_get("ASF_REGISTER_SNAPSHOT", env) or DEFAULT_REGISTER_SNAPSHOT)


# Bolagsverket's API "Värdefulla datamängder": production by default; another gateway (its test environment,
# a proxy) by setting these.
BOLAGSVERKET_TOKEN_URL = "https://portal.api.bolagsverket.se/oauth2/token"
BOLAGSVERKET_API_URL = "https://gw.api.bolagsverket.se/vardefulla-datamangder/v1"


def bolagsverket_token_url(env: Env | None = None) -> str:
    return _get("ASF_BOLAGSVERKET_TOKEN_URL", env) or BOLAGSVERKET_TOKEN_URL


def bolagsverket_api_url(env: Env | None = None) -> str:
    return _get("ASF_BOLAGSVERKET_API_URL", env) or BOLAGSVERKET_API_URL


def api_cache_path(env: Env | None = None) -> Path:
    """The API's cached answers, beside the register snapshot."""
    return register_snapshot_path(env).with_name("api_cache.sqlite")


DEFAULT_SCB_BULK_FILE = PROJECT_ROOT / "recordings" / "register" / "scb_bulkfil_sample.txt"


def scb_bulk_file_setting(env: Env | None = None) -> str | None:
    """ASF_SCB_BULK_FILE as written: a path, 'none' (build without SNI codes), or None when unset."""
    return _get("ASF_SCB_BULK_FILE", env)


def scb_bulk_file(env: Env | None = None) -> Path | None:
    """SCB's bulk file (SNI codes): the named one, None for 'none', else the bundled sample."""
    return scb_bulk_file_path(scb_bulk_file_setting(env))


def scb_bulk_file_path(written: str | None) -> Path | None:
    """SCB's bulk file as an operator wrote it (a path, 'none', or nothing: the bundled sample)."""
    if written and written.lower() == "none":
        return None
    return Path(written) if written else DEFAULT_SCB_BULK_FILE


@dataclass(frozen=True)
class NumberSetting:
    """A numeric setting read from the environment, with its type and range declared once: the run, the
    resources and ``asf-registry doctor`` all read and validate it through here."""

    name: str
    default: float
    meaning: str
    minimum: float | None = None
    maximum: float | None = None
    # The minimum itself is not allowed (a share must be more than 0).
    exclusive_minimum: bool = False
    whole: bool = False

    def read(self, env: Mapping[str, str] | None = None) -> float:
        """The value from ``env`` (default: the process environment), or the default when unset; ValueError,
        saying what is allowed, when it is not a number in range."""
        return self.parse(written(self.name, env))

    def parse(self, written: str) -> float:
        """A value as written (an environment variable, a resource's config); empty: the default."""
        written = written.strip()
        if not written:
            return self.default
        try:
            value = float(written)
            if not math.isfinite(value) or (self.whole and not value.is_integer()):
                raise ValueError
        except ValueError:
            raise ValueError(f"{self.name} must be {self.allowed()}, not {written!r}") from None
        below = self.minimum is not None and (value <= self.minimum if self.exclusive_minimum else value < self.minimum)
        if below or (self.maximum is not None and value > self.maximum):
            raise ValueError(f"{self.name} must be {self.allowed()}, not {written!r}")
        return int(value) if self.whole else value

    def allowed(self) -> str:
        kind = "a whole number" if self.whole else "a number"
        bounds = []
        if self.minimum is not None:
            bounds.append(f"{'more than' if self.exclusive_minimum else 'at least'} {self.minimum:g}")
        if self.maximum is not None:
            bounds.append(f"at most {self.maximum:g}")
        return f"{kind} {' and '.join(bounds)}".strip()


INACTIVE_AFTER_RUNS = NumberSetting(
    "ASF_INACTIVE_AFTER_RUNS",
    3,
    "consecutive runs without any source listing an organisation before it is marked inactive (a source "
    "missing an entry for a night does not retire it)",
    minimum=1,
    whole=True,
)
MAX_RETIRING_SHARE = NumberSetting(
    "ASF_MAX_RETIRING_SHARE",
    0.2,
    "the share of active organisations one run may stop listing or make inactive before the publish gate "
    "refuses to publish it",
    minimum=0,
    exclusive_minimum=True,
    maximum=1,
)
REGISTRY_LOCK_TIMEOUT = NumberSetting(
    "ASF_REGISTRY_LOCK_TIMEOUT",
    600,
    "seconds a run waits for another run's registry writes before it gives up",
    minimum=0,
)
REGISTER_MIN_SHARE = NumberSetting(
    "ASF_REGISTER_MIN_SHARE",
    0.9,
    "a new register snapshot replaces the current one only when it holds at least this share of the current "
    "one's organisations (a truncated or wrong bulk file is refused)",
    minimum=0,
    maximum=1,
)
MAX_FIELD_LOSS_SHARE = NumberSetting(
    "ASF_MAX_FIELD_LOSS_SHARE",
    0.1,
    "the share of the organisations with an orgnr, a legal form or a register status that one run may clear it "
    "on before the publish gate refuses to publish",
    minimum=0,
    maximum=1,
)
RUN_DEADLINE_SECONDS = NumberSetting(
    "ASF_RUN_DEADLINE_SECONDS",
    3 * 3600,
    "the longest a nightly run may take before it is stopped (the nightly job starts at 02:30 and the registry "
    "should be fresh by 06:00)",
    minimum=0,
    exclusive_minimum=True,
)
# Every numeric setting, for the run's pre-flight check and for doctor.
NUMBER_SETTINGS = (
    INACTIVE_AFTER_RUNS,
    MAX_RETIRING_SHARE,
    REGISTRY_LOCK_TIMEOUT,
    REGISTER_MIN_SHARE,
    MAX_FIELD_LOSS_SHARE,
    RUN_DEADLINE_SECONDS,
)
DEFAULT_INACTIVE_AFTER_RUNS = int(INACTIVE_AFTER_RUNS.default)
DEFAULT_REGISTER_MIN_SHARE = REGISTER_MIN_SHARE.default
DEFAULT_MAX_FIELD_LOSS_SHARE = MAX_FIELD_LOSS_SHARE.default


def register_min_share(env: Env | None = None) -> float:
    return REGISTER_MIN_SHARE.read(env)


def max_field_loss_share(env: Env | None = None) -> float:
    return MAX_FIELD_LOSS_SHARE.read(env)


DEFAULT_REPORT_DIR = Path("data/reports")


def inactive_after_runs(env: Env | None = None) -> int:
    return int(INACTIVE_AFTER_RUNS.read(env))


def max_retiring_share(env: Env | None = None) -> float:
    return MAX_RETIRING_SHARE.read(env)


def registry_lock_timeout(env: Env | None = None) -> float:
    return REGISTRY_LOCK_TIMEOUT.read(env)


DEFAULT_RUN_DEADLINE_SECONDS = RUN_DEADLINE_SECONDS.default


def run_deadline_seconds(env: Env | None = None) -> float:
    return RUN_DEADLINE_SECONDS.read(env)


def number_setting_problems(env: Mapping[str, str] | None = None) -> list[str]:
    """What is wrong with the numeric settings, one sentence each (none when all are fine)."""
    problems = []
    for setting in NUMBER_SETTINGS:
        try:
            setting.read(env)
        except ValueError as exc:
            problems.append(str(exc))
    return problems


def report_dir(env: Env | None = None) -> Path:
    """ASF_REPORT_DIR: where the HTML report of each run is written."""
    return Path(_get("ASF_REPORT_DIR", env) or DEFAULT_REPORT_DIR)


LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"


def language(chosen: str | None = None, env: Env | None = None) -> str:
    """The language of what officials read (report, summaries, find, show, exports): ``--lang``, else ASF_LANG,
    else Swedish. Raises ValueError, naming the languages there are, for any other value."""
    written_as = chosen or _get("ASF_LANG", env) or DEFAULT_LANGUAGE
    value = written_as.strip().lower()
    if value not in LANGUAGES:
        raise ValueError(f"ASF_LANG / --lang must be one of {', '.join(LANGUAGES)}, not {written_as!r}")
    return value
