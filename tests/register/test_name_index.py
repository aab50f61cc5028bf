"""The register's name index: names split and folded column-wide exactly as a query's words are, and every
batch of queries answered by one look-up that finds what one query at a time would."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.reference.normalize import index_fold
from registry.register import enrichment
from registry.register.enrichment import METHOD_NAME, EnrichmentQuery, match_all
from registry.register.name_index import WORD_BYTES, IndexBuilder, NameIndex, name_words, split_words
from registry.register.register_snapshot import RegisterSnapshot, build_snapshot
from registry.settings import DEFAULT_REGISTER_BULK_FILE
from tests.register_files import HEADER, quoted_row

# As registers and lists write names: Swedish letters, Nordic and other European ones, punctuation, numbers.
NAMES = [
    "Gröna Händer ek. för.",
    "Bjørn Snickeri AB",
    "Café Ærø & Søn",
    "Straße Großhandel GmbH",
    "Ångström Städ & Co KB",
    "Müller-Lüdenscheidt Bygg",
    "Łódź Bageri",
    "Naïve Œuvre Design",
    "Žižek Städ HB",
    "Çağ Byggnads AB",
    "São Paulo Kaffe",
    "A.B.C. Städ (svb)",
    "Ölands 2:a Hand Förening",
    "KAFÉ KRINGLAN",
    "Coompanion Göteborgsregionen ek. för.",
    "Le Petit Café d'Été",
    "Kooperativet_Vägen_Ut",
]


@pytest.mark.parametrize("name", NAMES)
def test_a_names_words_in_the_index_are_the_words_a_query_for_it_asks(name: str) -> None:
    words, rows = name_words(pa.array([name]))
    assert [w.decode() for w in words.to_pylist()] == split_words(index_fold(name))
    assert set(rows.tolist()) <= {0}


# Letters, digits and what separates words, ASCII and beyond (a dash, a no-break space, a zero-width space).
_NAME_LETTERS = "abcxyzABCXYZ019 .,-_&()/:;'\"!?\t\nåäöÅÄÖéÉüÜæÆøØßçñ–—’«»€\u00a0\u200b"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=_NAME_LETTERS, max_size=40), min_size=1, max_size=8))
def test_any_names_are_split_into_the_words_a_query_for_them_asks(names: list[str]) -> None:
    words, rows = name_words(pa.array(names))
    found: list[list[bytes]] = [[] for _ in names]
    for word, row in zip(words.to_pylist(), rows.tolist(), strict=True):
        found[row].append(word)
    # One-letter words are left out; a letter beyond ASCII is two bytes and kept, as the index documents.
    asked = [
        [w.encode()[:WORD_BYTES] for w in re.findall(r"[^\W_]+", index_fold(name)) if len(w.encode()) > 1]
        for name in names
    ]
    assert found == asked


def test_every_word_of_a_large_register_finds_exactly_the_rows_that_hold_it(tmp_path: Path) -> None:
    # Words of every start, most names ending in 'AB' as in the register: the index sorts them in ranges of
    # their first bytes, and a range that holds most words ('ab') must not put others out of order.
    rnd = random.Random(7)
    starts = ["ab", "ak", "bo", "by", "ca", "ek", "gr", "st", "sö", "ør", "12", "zz", "æb"]
    vocabulary = [rnd.choice(starts) + "".join(rnd.choices("abcdefgklmnorst", k=rnd.randint(0, 4))) for _ in range(400)]
    names = [" ".join(rnd.choices(vocabulary, k=rnd.randint(1, 4))) + " AB" for _ in range(3000)]
    others = [rnd.choice(names) if rnd.random() < 0.1 else None for _ in names]
    builder = IndexBuilder()
    for begin in range(0, len(names), 700):
        builder.add(pa.array(names[begin : begin + 700]), pa.array(others[begin : begin + 700]))
    builder.write(tmp_path)
    expected: dict[str, set[int]] = {}
    for row, texts in enumerate(zip(names, others, strict=True)):
        for text in filter(None, texts):
            for word in split_words(index_fold(text)):
                expected.setdefault(word, set()).add(row)
    index = NameIndex(tmp_path)
    assert len(index) == len(expected)
    stored = np.load(tmp_path / "name_words.npy")
    assert (stored[:-1] < stored[1:]).all()
    found = index.look_up(sorted(expected))
    for word, place, count in zip(sorted(expected), found.places, found.counts, strict=True):
        assert index.rows([place]).tolist() == sorted(expected[word]), word
        assert count == len(expected[word]), word


def test_a_batch_look_up_answers_as_each_word_alone(tmp_path: Path) -> None:
    builder = IndexBuilder()
    builder.add(pa.array(NAMES), pa.array([None] * (len(NAMES) - 1) + ["Vägen Ut|Kafé Vägen"]))
    assert builder.write(tmp_path) > 30
    index = NameIndex(tmp_path)
    words = ["stad", "kafe", "vagen", "bjørn", "saknas", "byggnads"]
    together = index.look_up(words)
    for i, word in enumerate(words):
        alone = index.look_up([word])
        assert (alone.places[0], alone.counts[0]) == (together.places[i], together.counts[i])
    counts = dict(zip(words, together.counts.tolist(), strict=True))
    assert counts == {"stad": 3, "kafe": 2, "vagen": 1, "bjørn": 1, "saknas": 0, "byggnads": 1}
    assert index.rows([together.places[0]]).tolist() == [4, 8, 11]
    assert index.rows([together.places[2]]).tolist() == [len(NAMES) - 1]  # from the row's other names


def test_secondary_names_are_found_and_batches_match_one_at_a_time(tmp_path: Path) -> None:
    rows = [
        quoted_row(f"55600{i:04d}0$ORGNR-IDORG", "", "SE-LAND", names, "AB-ORGFO", "", "", "", "2020-01-01", "null",
                   "Gatan 1$$SOLNA$17140$SE-LAND")
        for i, names in enumerate([
            "Norrort Fastighetsservice AB$FORETAGSNAMN-ORGNAM$2020-01-01|Gröna Jobb$SARS_FORNAMN-ORGNAM$2021-01-01",
            "Solberga Omsorg AB$FORETAGSNAMN-ORGNAM$2020-01-01|Solberga Care$FORNAMN_FRSPRAK-ORGNAM$2020-01-01",
            "Kvarnen Catering AB$FORETAGSNAMN-ORGNAM$2020-01-01",
        ])
    ]  # fmt: skip
    bulk = tmp_path / "bulk.txt"
    bulk.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    build_snapshot(bulk, tmp_path / "snapshot")
    queries = ["Gröna Jobb", "Solberga Care", "Kvarnen Cateirng", "Okänd Förening"]
    with RegisterSnapshot(tmp_path / "snapshot") as snapshot:
        together = snapshot.candidates_for(queries)
        assert together == [snapshot.candidates(q) for q in queries]
    found = [[e.name for e in entries] for entries in together]
    assert found == [["Norrort Fastighetsservice AB"], ["Solberga Omsorg AB"], ["Kvarnen Catering AB"], []]
    assert together[0][0].other_names == ("Gröna Jobb",)
    # Matched as an ASF list writes the trading name: the registration is found through its secondary name.
    with RegisterSnapshot(tmp_path / "snapshot") as snapshot:
        found_by = match_all([EnrichmentQuery("asf-1", "Gröna Jobb", municipality="Solna")], snapshot)
    assert found_by[0].method == METHOD_NAME and found_by[0].entry is not None
    assert found_by[0].entry.name == "Norrort Fastighetsservice AB"


def test_a_long_input_is_matched_in_batches_with_the_same_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_snapshot(DEFAULT_REGISTER_BULK_FILE, tmp_path / "snapshot")
    queries = [
        EnrichmentQuery(str(i), name) for i, name in enumerate(["Exempelbagerriet Surdegen", "Gröna Händer"] * 3)
    ]
    with RegisterSnapshot(tmp_path / "snapshot") as snapshot:
        whole = match_all(queries, snapshot)
        monkeypatch.setattr(enrichment, "QUERIES_AT_ONCE", 4)
        assert match_all(queries, snapshot) == whole and [m.key for m in whole] == [q.key for q in queries]
