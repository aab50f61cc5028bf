from __future__ import annotations

from registry.reference.normalize import clean_display, email_domain, fold, index_fold, normalise_phone, web_domain


def test_fold_keeps_letters_but_drops_diacritics() -> None:
    assert fold("Åre Östra Människan") == "are ostra manniskan"


def test_index_fold_is_what_the_register_index_holds() -> None:
    # SQLite's unicode61 tokenizer strips diacritics but keeps letters of their own, which fold writes plainly.
    assert index_fold("Åre Östra Café") == fold("Åre Östra Café") == "are ostra cafe"
    assert (index_fold("Bjørn Æble Straße"), fold("Bjørn Æble Straße")) == ("bjørn æble straße", "bjorn able strasse")


def test_domains_and_phones() -> None:
    assert web_domain("https://www.Vagenut.coop/om-oss") == web_domain("vagenut.coop") == "vagenut.coop"
    assert web_domain("not a url") is None
    assert email_domain("info@Basta.se") == "basta.se"
    assert normalise_phone("+46 8-123 45 67") == normalise_phone("08-123 45 67") == "081234567"
    assert normalise_phone("0046 8 123 45 67") == "081234567"
    assert normalise_phone("123") is None


def test_text_that_was_utf8_read_as_latin1_is_repaired_for_display() -> None:
    assert clean_display("KafÃ© GlÃ¤ntan  ekonomisk fÃ¶rening") == "Kafé Gläntan ekonomisk förening"
    assert clean_display("Ã…terbruket SkÃ¶vde") == "Återbruket Skövde"
    # Swedish text as it should be is left alone.
    for written in ("Åre Östersund Ärla", "Café «Ö»", "Vägen ut! – kooperativen"):
        assert clean_display(written) == written
