"""The register's name index: for every word in a registered name, the rows whose names hold it.

Three arrays on disk, read through memory maps (opening costs nothing, and every process shares the pages):
the words, sorted, as fixed-width bytes; for each word, where its rows start; the rows. How many names hold a
word is the length of its rows, so how rare a word is costs nothing to know. A batch of words (every query's
words, and every near spelling of the rare ones) is looked up in one vectorised binary search; the rows of
the words kept are read as slices. Names are folded as registry.reference.normalize.index_fold folds them
(lower case, diacritics removed, 'æ', 'ø' and 'ß' kept) and split at anything that is not a letter or a
digit; a word longer than WORD_BYTES is indexed and looked up by its first WORD_BYTES bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

WORD_BYTES = 48
_WORD_DTYPE = f"S{WORD_BYTES}"
WORDS_FILE, OFFSETS_FILE, ROWS_FILE = "name_words.npy", "name_offsets.npy", "name_rows.npy"
_NOT_A_WORD = r"[^\p{L}\p{N}]+"
_WORD = re.compile(r"[^\W_]+")


def split_words(folded: str) -> list[str]:
    """A folded query text's words as the index splits names (one-letter words left out)."""
    return [w for w in _WORD.findall(folded) if len(w) > 1]


def name_words(names: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """The words of each name as the index holds them (bytes, at most WORD_BYTES each; one-letter words left
    out), and for each word the position of its name in ``names``."""
    lowered = pc.utf8_lower(names)
    beyond = pc.invert(pc.fill_null(pc.string_is_ascii(lowered), True))
    if pc.any(beyond).as_py():
        lowered = pc.replace_with_mask(lowered, beyond, _without_diacritics(lowered.filter(beyond)))
    words = pc.split_pattern_regex(lowered, _NOT_A_WORD)
    flat = pc.list_flatten(words)
    # One-letter words are never looked up (a letter beyond ASCII, two bytes, is kept: it costs nothing).
    kept = pc.greater(pc.binary_length(flat), 1)
    parents = pc.list_parent_indices(words).filter(kept).to_numpy().astype(np.int32)
    return pc.binary_slice(flat.filter(kept).cast(pa.binary()), 0, WORD_BYTES), parents


def _without_diacritics(lowered: pa.Array) -> pa.Array:
    """Lower-cased names with letters beyond ASCII, diacritics removed as index_fold removes them. Swedish
    names' own letters are replaced directly; only names with others left are decomposed (the costly step)."""
    for letter, plain in (("å", "a"), ("ä", "a"), ("ö", "o"), ("é", "e")):
        lowered = pc.replace_substring(lowered, letter, plain)
    beyond = pc.invert(pc.fill_null(pc.string_is_ascii(lowered), True))
    if not pc.any(beyond).as_py():
        return lowered
    decomposed = pc.utf8_normalize(lowered.filter(beyond), "NFD")
    return pc.replace_with_mask(lowered, beyond, pc.replace_substring_regex(decomposed, r"\p{Mn}", ""))


def words_of(*texts: pa.Array) -> list[tuple[pa.Array, np.ndarray]]:
    """name_words of text columns of the same rows, in PARTS ranges of the words' first byte (so that the
    ranges can be sorted one by one: sorted, one after the other, they are the sorted whole)."""
    words = [name_words(text) for text in texts]
    values = pa.concat_arrays([w for w, _ in words]) if words else pa.array([], pa.binary())
    parents = np.concatenate([p for _, p in words]) if words else np.zeros(0, np.int32)
    return _by_first_byte(values, parents)


class IndexBuilder:
    """Words of rows added in row order; ``write`` sorts them into the index's arrays."""

    def __init__(self) -> None:
        self._words: list[list[pa.Array]] = [[] for _ in range(PARTS)]
        self._rows: list[list[np.ndarray]] = [[] for _ in range(PARTS)]
        self._next_row = 0

    def add(self, *texts: pa.Array) -> None:
        """The words of the next ``len(texts[0])`` rows: each text column's words belong to its row."""
        self.add_words(len(texts[0]), words_of(*texts))

    def add_words(self, count: int, words: list[tuple[pa.Array, np.ndarray]]) -> None:
        """The next ``count`` rows' words, as words_of split them (on any thread)."""
        for part, (values, parents) in enumerate(words):
            self._words[part].append(values)
            self._rows[part].append(parents + np.int32(self._next_row))
        self._next_row += count

    def write(self, folder: Path) -> int:
        """The index's three files in ``folder``; returns how many distinct words it holds.

        The words are split by their first byte into ranges sorted on two threads (Arrow's and numpy's
        sorts run without the GIL).
        """
        parts = [
            (pa.chunked_array(words, pa.binary()).combine_chunks(), np.concatenate(rows or [np.zeros(0, np.int32)]))
            for words, rows in zip(self._words, self._rows, strict=True)
        ]
        self._words, self._rows = [[] for _ in range(PARTS)], [[] for _ in range(PARTS)]
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="name-index") as pool:
            sorted_parts = list(pool.map(lambda part: _postings(*part), parts))
        del parts
        vocabulary = pa.concat_arrays([v for v, _, _ in sorted_parts])
        counts = np.concatenate([c for _, c, _ in sorted_parts])
        offsets = np.zeros(len(counts) + 1, np.int64)
        np.cumsum(counts, out=offsets[1:])
        np.save(folder / WORDS_FILE, _fixed_width(vocabulary))
        np.save(folder / OFFSETS_FILE, offsets)
        np.save(folder / ROWS_FILE, np.concatenate([r for _, _, r in sorted_parts]).astype(np.int32))
        return len(counts)


PARTS = 16


def _by_first_byte(words: pa.Array, rows: np.ndarray) -> list[tuple[pa.Array, np.ndarray]]:
    """The words in PARTS ranges of their first byte, each range with its rows: sorted one by one, the
    ranges one after the other are the sorted whole, and a range's hash table fits in the processor's cache."""
    offsets = np.frombuffer(words.buffers()[1], np.int32)[words.offset : words.offset + len(words) + 1]
    data = np.frombuffer(words.buffers()[2], np.uint8) if len(words) else np.zeros(1, np.uint8)
    bucket = (data[offsets[:-1]].astype(np.int32) * PARTS) // 256  # every word has at least two bytes
    order = np.argsort(bucket, kind="stable")
    ordered, ordered_rows = words.take(pa.array(order)), rows[order]
    bounds = np.searchsorted(bucket[order], np.arange(PARTS + 1))
    return [
        (ordered.slice(bounds[i], bounds[i + 1] - bounds[i]), ordered_rows[bounds[i] : bounds[i + 1]])
        for i in range(PARTS)
    ]


def _postings(words: pa.Array, rows: np.ndarray) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """The distinct words sorted, how many rows hold each, and those rows word by word (each row once)."""
    encoded = pc.dictionary_encode(words)
    vocabulary = encoded.dictionary
    order = pc.sort_indices(vocabulary).to_numpy()
    rank = np.empty(len(order), np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    ids = rank[encoded.indices.to_numpy()]
    # Stable: the rows of a word stay in row order, so a word twice in one name is next to itself.
    by_word = np.argsort(ids, kind="stable")
    ids, rows = ids[by_word], rows[by_word]
    first = np.ones(len(ids), bool)
    first[1:] = (ids[1:] != ids[:-1]) | (rows[1:] != rows[:-1])
    ids, rows = ids[first], rows[first]
    return vocabulary.take(pa.array(order)), np.bincount(ids, minlength=len(order)), rows


def _fixed_width(words: pa.Array) -> np.ndarray:
    """Binary values as a numpy array of fixed-width bytes (each value at most WORD_BYTES long), copied
    length by length (a few dozen lengths occur)."""
    words = words.cast(pa.binary())
    offsets = np.frombuffer(words.buffers()[1], np.int32)[words.offset : words.offset + len(words) + 1]
    data = np.frombuffer(words.buffers()[2], np.uint8) if len(words) else np.zeros(0, np.uint8)
    lengths = np.diff(offsets)
    out = np.zeros((len(words), WORD_BYTES), np.uint8)
    for length in np.unique(lengths):
        at = np.nonzero(lengths == length)[0]
        out[at, :length] = data[offsets[at][:, None] + np.arange(length)]
    return out.view(_WORD_DTYPE).reshape(len(words))


@dataclass(frozen=True)
class Found:
    """Words looked up: for each, its place in the index (-1: not there) and how many names hold it."""

    places: np.ndarray
    counts: np.ndarray


class NameIndex:
    def __init__(self, folder: Path) -> None:
        self._words = np.load(folder / WORDS_FILE, mmap_mode="r")
        self._offsets = np.load(folder / OFFSETS_FILE, mmap_mode="r")
        self._rows = np.load(folder / ROWS_FILE, mmap_mode="r")

    def __len__(self) -> int:
        return len(self._words)

    def look_up(self, words: Sequence[str]) -> Found:
        """Every word's place and count, in one binary search over the sorted words."""
        if not words or not len(self._words):
            return Found(np.full(len(words), -1), np.zeros(len(words), np.int64))
        wanted = np.array([w.encode()[:WORD_BYTES] for w in words], dtype=_WORD_DTYPE)
        places = np.searchsorted(self._words, wanted)
        inside = places < len(self._words)
        places[~inside] = 0
        present = inside & (self._words[places] == wanted)
        counts = np.where(present, self._offsets[places + 1] - self._offsets[places], 0)
        return Found(np.where(present, places, -1), counts)

    def rows(self, places: Iterable[int]) -> np.ndarray:
        """The rows holding any of the words at ``places``, each once, in row order."""
        slices = [self._rows[self._offsets[p] : self._offsets[p + 1]] for p in places if p >= 0]
        if not slices:
            return np.zeros(0, np.int32)
        return np.unique(np.concatenate(slices))
