"""Normalisation of names and contact fields, for comparison only: displayed values keep their spelling."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from urllib.parse import urlsplit

# Legal-form words and abbreviations that say nothing about which organisation is meant.
_LEGAL_FORMS = [
    r"ekonomisk förening",
    r"ekonomiska föreningen",
    r"ek\.? ?för(?:ening)?\.?",
    r"ideell förening",
    r"ideella föreningen",
    r"aktiebolag(?:et)?",
    r"ab",
    r"\(?svb\)?",
    r"stiftelsen",
    r"stiftelse",
    r"kooperativ(?:et|en)?",
    r"arbetskooperativ(?:et)?",
    r"hb",
    r"handelsbolag(?:et)?",
]
_LEGAL_FORM_RE = re.compile(r"(?<!\w)(?:" + "|".join(_LEGAL_FORMS) + r")(?!\w)", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w]+")


# The legal form a name declares, when it declares one: a different legal form means another legal person.
_DECLARED_FORMS = (
    ("ek", re.compile(r"(?<!\w)(?:ekonomisk(?:a)? förening(?:en)?|ek\.? ?för(?:ening)?\.?)(?!\w)", re.IGNORECASE)),
    ("ab", re.compile(r"(?<!\w)(?:ab|aktiebolag(?:et)?|\(svb\))(?!\w)", re.IGNORECASE)),
    ("if", re.compile(r"(?<!\w)ideell(?:a)? förening(?:en)?(?!\w)", re.IGNORECASE)),
    ("st", re.compile(r"(?<!\w)stiftelse(?:n)?(?!\w)", re.IGNORECASE)),
    ("hb", re.compile(r"(?<!\w)(?:hb|handelsbolag(?:et)?)(?!\w)", re.IGNORECASE)),
)


def declared_legal_form(name: str) -> str | None:
    """'Basta ek. för.' -> 'ek'; 'Yalla AB (svb)' -> 'ab'; a name that declares none -> None."""
    for code, pattern in _DECLARED_FORMS:
        if pattern.search(name):
            return code
    return None


# The letters Swedish names use, folded by table: the general path below is ten times slower, and folding
# runs on every one of the register's three million names.
_FOLD_TABLE = str.maketrans("åäöéèüáàæøëïîçñ", "aaoeeuaaaoeiicn")


def fold(text: str) -> str:
    """Lower-case and strip diacritics: 'Vägen Ut!' -> 'vagen ut!'."""
    folded = text.casefold().translate(_FOLD_TABLE)
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def index_fold(text: str) -> str:
    """Lower-case and strip diacritics as SQLite FTS5's unicode61 tokenizer (remove_diacritics 2) does: like
    fold, except that 'æ', 'ø' and 'ß', which are letters of their own rather than letters with a diacritic,
    stay as they are ('Bjørn' -> 'bjørn')."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    return "".join(ch for ch in unicodedata.normalize("NFD", lowered) if not unicodedata.combining(ch))


def normalise_name(name: str, folding: Callable[[str], str] = fold) -> str:
    """The comparison key of an organisation name: legal forms, punctuation, case and diacritics removed."""
    text = name.replace("&", " och ")
    text = _LEGAL_FORM_RE.sub(" ", text)
    text = folding(text)
    text = _NON_WORD.sub(" ", text)
    return " ".join(text.split())


def clean_display(text: str | None) -> str | None:
    """Collapse whitespace of a value as written; empty becomes None."""
    if text is None:
        return None
    collapsed = " ".join(str(text).split())
    return collapsed or None


def web_domain(url: str | None) -> str | None:
    """'https://www.Vagenut.coop/om' -> 'vagenut.coop'."""
    if not url:
        return None
    candidate = url.strip()
    if "://" not in candidate:
        candidate = "http://" + candidate
    host = (urlsplit(candidate).hostname or "").lower()
    host = host.removeprefix("www.")
    return host if "." in host else None


def email_domain(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    return email.strip().rsplit("@", 1)[1].lower() or None


def normalise_phone(phone: str | None) -> str | None:
    """Swedish numbers to one national form: '+46 8-123 45 67' and '08-123 45 67' -> '081234567'."""
    if not phone:
        return None
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("0046"):
        digits = "0" + digits[4:]
    elif digits.startswith("46") and phone.strip().startswith("+"):
        digits = "0" + digits[2:]
    return digits if len(digits) >= 6 else None
