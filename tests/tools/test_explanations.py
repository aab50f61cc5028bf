"""A match's explanation, stored in the English that registry/identity/scoring.py and
registry/register/enrichment.py write, reads in Swedish when shown: every phrase they write has its Swedish in
the label table (registry/tools/labels.py, PHRASES), so a new phrase in scoring fails here."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from registry.identity import scoring
from registry.identity.judgements import Judgement
from registry.identity.scoring import DEDUPE, FEATURES, REGISTER, Side, name_forms, score
from registry.reference.addresses import street
from registry.register.enrichment import EnrichmentQuery, EnrichSettings, match
from registry.register.register_snapshot import RegisterSnapshot
from registry.tools.labels import EXPLANATION_FEATURES, PHRASES, Labels

SV, EN = Labels("sv"), Labels("en")


def _side(name: str, **values: object) -> Side:
    return Side(name=name_forms(name), **values)  # type: ignore[arg-type]


FULL = {"legal_form": "ab", "domain": "a.se", "mail_domain": "a.se", "phone": "08-1", "street": street("Storgatan 5")}
OTHER = {"legal_form": "ek", "domain": "b.se", "mail_domain": "b.se", "phone": "08-2", "street": street("Lillgatan 7")}

# Pairs that between them make every feature say each thing it can say.
PAIRS: list[tuple[Side, Side]] = [
    (_side("Vinden Kooperativ", kommun="0180"), _side("Vinden Kooperativ", kommun="0180")),
    (_side("Aurora", kommun="0180"), _side("Aurora", kommun="1480")),
    (_side("Le Mat Göteborg", kommun="1480", kommun_from_name=True), _side("Le Mat Göteborg", kommun="0180")),
    (_side("Stadsjobb Västerbotten", kommun="2482"), _side("Stadsjobb Västerbotten", kommun="2480")),
    (_side("Basta"), _side("Basta arbetskooperativ Nykvarn")),
    (_side("Mimosa"), _side("Snickeri Mimosa ek. för.")),
    (_side("Kafé Navet"), _side("Cykelverkstan Navet")),
    (_side("Persson Bygg"), _side("Persson & Söner Bygg")),
    (_side("Norra Städ"), _side("Södra Städ")),
    (_side("Steget 2"), _side("Steget 3")),
    (_side("Steget"), _side("Steget 2")),
    (_side("Aurora Sverige"), _side("Aurora Norge")),
    (_side("Aurora", orgnr="556000-0001"), _side("Aurora", orgnr="556000-0001")),
    (_side("Aurora", orgnr="556000-0001"), _side("Aurora", orgnr="556000-0002")),
    (_side("Aurora", orgnr="556000-0001", orgnr_digits="5560000001"), _side("Aurora", orgnr_digits="5560000002")),
    (_side("Aurora", **FULL), _side("Aurora", **FULL)),
    (_side("Aurora", **FULL), _side("Aurora", **OTHER)),
]


def _explanations() -> list[str]:
    found = [score(a, b, weights).explanation for a, b in PAIRS for weights in (DEDUPE, REGISTER)]
    # As publishing stores the links of a record (registry/publish/publish.py): one a line, after the other
    # record's key, and a person's link from review.
    found.append(f"city_list/7: {found[0]}\nskoopi/https://x.example/a: b: {found[1]}\ncity_list/9: review")
    return found


def test_every_feature_of_the_model_has_a_label() -> None:
    assert {"name", *(feature.name for feature in FEATURES)} <= set(EXPLANATION_FEATURES)


def test_every_explanation_scoring_writes_reads_in_swedish_and_stays_as_written_in_english() -> None:
    explanations = _explanations()
    for text in explanations:
        said, missed = SV.explained(text)
        assert missed == [], f"no Swedish for {missed} in {text!r}"
        assert said != text and "->" not in said and "similarity" not in said
        assert EN.explanation(text) == text
    # The pairs do make every feature and every outcome speak (else this test would prove little).
    every = "\n".join(explanations)
    for feature in EXPLANATION_FEATURES:
        assert f"{feature} " in every, f"no pair makes {feature!r} speak"
    for phrase in PHRASES["explanation.outcome"]:
        assert phrase.pattern.search(every), f"no pair says {phrase.said.en!r}"
    assert SV.explanation("name similarity 100 (+9.0); kommun equal (+3.0) -> p=0.996") == (
        "namn: likhet 100 (+9.0); kommun: lika (+3.0) → sannolikhet 0.996"
    )
    assert SV.explanation("organisationsnummer differ (556000-0001 / 556000-0002) (-inf) -> impossible") == (
        "organisationsnummer: olika (556000-0001 / 556000-0002) (-inf) → omöjligt"
    )
    assert SV.explanation(f"city_list/7: {explanations[0]}").startswith("city_list/7: namn: likhet 100")


def _constants(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_every_phrase_in_scoring_s_source_has_its_swedish() -> None:
    """Also what no pair above says yet: the words of every outcome written in scoring.py, and every feature
    named there, are in the phrase table."""
    english = [phrase.said.en for phrase in PHRASES["explanation.outcome"]]
    for node in ast.walk(ast.parse(inspect.getsource(scoring))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id in ("Evidence", "_agreement") and node.args and isinstance(node.args[0], ast.Constant):
            assert node.args[0].value in EXPLANATION_FEATURES, node.args[0].value
        if node.func.id == "Evidence" and len(node.args) >= 2:
            for written in _constants(node.args[1]):
                for words in (w.strip(" ()/") for w in written.split(", ")):
                    assert not words or any(words in said for said in english), f"no Swedish for {words!r}"


def test_the_register_match_s_explanations_read_in_swedish(snapshot: RegisterSnapshot, tmp_path: Path) -> None:
    surdegen = EnrichmentQuery("1", "Exempelbageriet Surdegen", None, "Solna")
    found = [
        match(EnrichmentQuery("2", "Helt annat namn", "769600-1234"), snapshot),
        match(surdegen, snapshot, judgements={"556633-3331": Judgement.POSITIVE}),
        match(EnrichmentQuery("3", "Zyxwvu Qwerty"), snapshot),
        match(surdegen, snapshot),
        # A margin no candidate can lead by: the choice is a person's, and the runner-up is named.
        match(surdegen, snapshot, EnrichSettings(margin=50.0)),
        match(EnrichmentQuery("4", "Exempel Städkooperativ Väst AB"), snapshot),
    ]
    explanations = [m.explanation for m in found]
    every = "\n".join(explanations)
    for said in ("organisationsnummer found", "by a person", "shares a word", "preferred to", "runner-up"):
        assert said in every
    for text in explanations:
        assert SV.explained(text)[1] == [], text
        assert EN.explanation(text) == text
    preferred = SV.explanation(next(e for e in explanations if "preferred to" in e))
    assert "registrering med status aktiv föredragen framför 556633-3331 med status avregistrerad" in preferred
    assert "näst bästa kandidaten" in SV.explanation(explanations[4])


def test_what_no_phrase_reads_is_shown_as_written() -> None:
    text = "name similarity 90 (+7.0); a feature of 2031 (+1.0) -> p=0.9"
    said, missed = SV.explained(text)
    assert said == "namn: likhet 90 (+7.0); a feature of 2031 (+1.0) → sannolikhet 0.9"
    assert missed == ["a feature of 2031 (+1.0)"]
    assert SV.explanation("") == "" and SV.explanation(None) == ""
