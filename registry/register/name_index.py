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
    beyond = _beyond_ascii(lowered)
    if pc.any(beyond).as_py():
        lowered = pc.replace_with_mask(lowered, beyond, _without_diacritics(lowered.filter(beyond)))
        beyond = _beyond_ascii(lowered)
    # Splitting each name by a regular expression costs twice all the rest: ASCII punctuation becomes a space
    # byte by byte instead, and only names still holding other letters ('æ', 'ø', a dash beyond ASCII) are
    # searched for what else is not a letter or a digit.
    spaced = _ascii_punctuation_as_spaces(lowered)
    if pc.any(beyond).as_py():
        others = pc.replace_substring_regex(spaced.filter(beyond), _NOT_A_WORD, " ")
        spaced = pc.replace_with_mask(spaced, beyond, others)
    words = pc.ascii_split_whitespace(spaced)
    flat = pc.list_flatten(words)
    # One-letter words are never looked up (a letter beyond ASCII, two bytes, is kept: it costs nothing).
    kept = pc.greater(pc.binary_length(flat), 1)
    parents = pc.list_parent_indices(words).filter(kept).to_numpy().astype(np.int32)
    return pc.binary_slice(flat.filter(kept).cast(pa.binary()), 0, WORD_BYTES), parents


def _beyond_ascii(texts: pa.Array) -> pa.Array:
    return pc.invert(pc.fill_null(pc.string_is_ascii(texts), True))


# Every ASCII byte that is not a lower-case letter or a digit as a space; bytes beyond ASCII as they are (a
# UTF-8 character's bytes are all beyond ASCII, so no character is cut).
_SPACED = np.arange(256, dtype=np.uint8)
_SPACED[[b for b in range(128) if not (chr(b).isdigit() or "a" <= chr(b) <= "z")]] = ord(" ")


def _ascii_punctuation_as_spaces(texts: pa.Array) -> pa.Array:
    """``texts`` with _SPACED applied to every byte: the same lengths and offsets, so one pass over the data."""
    validity, offsets, data = texts.buffers()
    if data is None or not data.size:
        return texts
    mapped = pa.py_buffer(_SPACED[np.frombuffer(data, np.uint8)])
    return pa.Array.from_buffers(texts.type, len(texts), [validity, offsets, mapped], offset=texts.offset)


def _without_diacritics(lowered: pa.Array) -> pa.Array:
    """Lower-cased names with letters beyond ASCII, diacritics removed as index_fold removes them. Swedish
    names' own letters are replaced directly; only names with others left are decomposed (the costly step)."""
    for letter, plain in (("å", "a"), ("ä", "a"), ("ö", "o"), ("é", "e")):
        lowered = pc.replace_substring(lowered, letter, plain)
    beyond = _beyond_ascii(lowered)
    if not pc.any(beyond).as_py():
        return lowered
    decomposed = pc.utf8_normalize(lowered.filter(beyond), "NFD")
    return pc.replace_with_mask(lowered, beyond, pc.replace_substring_regex(decomposed, r"\p{Mn}", ""))


def words_of(*texts: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """name_words of text columns of the same rows: every word, and for each the position of its row."""
    words = [name_words(text) for text in texts]
    values = pa.concat_arrays([w for w, _ in words]) if words else pa.array([], pa.binary())
    parents = np.concatenate([p for _, p in words]) if words else np.zeros(0, np.int32)
    return values, parents


class IndexBuilder:
    """Words of rows added in row order; ``write`` sorts them into the index's arrays."""

    def __init__(self) -> None:
        self._blocks: list[tuple[pa.Array, np.ndarray]] = []
        self._next_row = 0

    def add(self, *texts: pa.Array) -> None:
        """The words of the next ``len(texts[0])`` rows: each text column's words belong to its row."""
        self.add_words(len(texts[0]), words_of(*texts))

    def add_words(self, count: int, words: tuple[pa.Array, np.ndarray]) -> None:
        """The next ``count`` rows' words, as words_of found them (on any thread)."""
        values, parents = words
        self._blocks.append((values, parents + np.int32(self._next_row)))
        self._next_row += count

    def write(self, folder: Path) -> int:
        """The index's three files in ``folder``; returns how many distinct words it holds.

        The words are split into PARTS ranges of their first two bytes that hold about as many words each,
        and the ranges are sorted one by one on two threads (Arrow's and numpy's kernels run without the
        GIL): sorted, one after the other, they are the sorted whole. A range's hash table and sort fit in
        the processor's cache, which makes sorting the 8 million words of the full register six times faster
        than sorting them at once (measured; and the first byte alone cannot split them: a quarter of them
        are 'ab').
        """
        blocks, self._blocks = self._blocks, []
        leading = [_leading_bytes(words) for words, _ in blocks]
        part_of = _balanced_parts(leading)
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="name-index") as pool:
            split = list(pool.map(lambda block, starts: _split(*block, part_of[starts]), blocks, leading))
            del blocks, leading
            parts = [
                (
                    pa.chunked_array([s[part][0] for s in split], pa.binary()).combine_chunks(),
                    np.concatenate([s[part][1] for s in split] or [np.zeros(0, np.int32)]),
                )
                for part in range(PARTS)
            ]
            del split
            sorted_parts = list(pool.map(lambda part: _postings(*part), parts))
        del parts
        counts = np.concatenate([c for _, c, _ in sorted_parts])
        offsets = np.zeros(len(counts) + 1, np.int64)
        np.cumsum(counts, out=offsets[1:])
        np.save(folder / WORDS_FILE, np.concatenate([v for v, _, _ in sorted_parts]))
        np.save(folder / OFFSETS_FILE, offsets)
        np.save(folder / ROWS_FILE, np.concatenate([r for _, _, r in sorted_parts]))
        return len(counts)


PARTS = 16


def _leading_bytes(words: pa.Array) -> np.ndarray:
    """Each word's first two bytes as one number (every word has at least two)."""
    if not len(words):
        return np.zeros(0, np.int32)
    offsets = np.frombuffer(words.buffers()[1], np.int32)[words.offset : words.offset + len(words)]
    data = np.frombuffer(words.buffers()[2], np.uint8)
    return (data[offsets].astype(np.int32) << 8) | data[offsets + 1]


def _balanced_parts(leading: list[np.ndarray]) -> np.ndarray:
    """For each two-byte start, its part: parts are ranges of starts in order, each holding about a PARTS-th
    of the words (a start held by more words than that, 'ab', is about a part of its own)."""
    counts = sum((np.bincount(keys, minlength=1 << 16) for keys in leading), np.zeros(1 << 16, np.int64))
    before = np.cumsum(counts) - counts
    total = max(int(counts.sum()), 1)
    return np.minimum(before * PARTS // total, PARTS - 1).astype(np.uint8)


def _split(words: pa.Array, rows: np.ndarray, parts: np.ndarray) -> list[tuple[pa.Array, np.ndarray]]:
    """A block's words and their rows in PARTS ranges, ``parts`` giving each word's."""
    order = np.argsort(parts, kind="stable").astype(np.int32)  # Arrow takes by 32-bit indices 5x faster
    ordered, ordered_rows = words.take(pa.array(order)), rows[order]
    bounds = np.searchsorted(parts[order], np.arange(PARTS + 1))
    return [
        (ordered.slice(bounds[i], bounds[i + 1] - bounds[i]), ordered_rows[bounds[i] : bounds[i + 1]])
        for i in range(PARTS)
    ]


def _postings(words: pa.Array, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct words sorted (fixed width), how many rows hold each, and those rows word by word (each
    row once, in row order)."""
    encoded = pc.dictionary_encode(words)
    vocabulary = encoded.dictionary
    order = pc.sort_indices(vocabulary).to_numpy()
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order), dtype=np.int64)
    # One number per (word, row), the word's rank above the row: one sort orders them by word, then by row,
    # and a row that holds a word twice (in its name and in its other names) is next to itself.
    keys = (rank[encoded.indices.to_numpy()] << 32) | rows.astype(np.int64)
    keys.sort()
    first = np.ones(len(keys), bool)
    first[1:] = keys[1:] != keys[:-1]
    keys = keys[first]
    counts = np.bincount((keys >> 32).astype(np.int64), minlength=len(order))
    return _fixed_width(vocabulary.take(pa.array(order))), counts, (keys & 0xFFFFFFFF).astype(np.int32)


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
