"""Normalisation of names and contact fields, for comparison only: displayed values keep their spelling."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

import ftfy
from ftfy.badness import is_bad

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
    """Lower-case and strip diacritics as the register's name index does (registry/register/name_index.py):
    like fold, except that 'æ', 'ø' and 'ß', which are letters of their own rather than letters with a
    diacritic, stay as they are ('Bjørn' -> 'bjørn')."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    return "".join(ch for ch in unicodedata.normalize("NFD", lowered) if not unicodedata.combining(ch))


def clean_display(text: str | None) -> str | None:
    """Collapse whitespace of a value as written, and repair text that was UTF-8 read as Latin-1 ("KafÃ©
    GlÃ¤ntan" -> "Kafé Gläntan"); empty becomes None."""
    if text is None:
        return None
    collapsed = " ".join(str(text).split())
    if not collapsed.isascii() and is_bad(collapsed):
        collapsed = ftfy.fix_encoding(collapsed)
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
