"""Row filtering for the list panes: substring and fuzzy (subsequence) matching over precomputed search texts.

Pure Python, no Textual, so it is unit-tested directly and benchmarked on 100,000 rows. The table keeps one
lowercase search string per row; a query compiles once into a predicate that the table maps over those strings.

Query syntax (typed after ``/``):

- ``abc``: rows whose search text contains ``abc`` (case-insensitive);
- ``abc def``: rows containing both ``abc`` and ``def``, in any order;
- ``~abc``: fuzzy: rows with one word (tag, digest, name) containing ``a``, ``b`` and ``c`` in that order.
  Matching within a word keeps a fuzzy tag query from matching letters scattered across a 64-hex digest.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from itertools import compress, islice
from operator import methodcaller

FUZZY_PREFIX = "~"
"""A query starting with this character is matched as a subsequence."""

Predicate = Callable[[str], object]


class Matcher:
    """A compiled query: every predicate must hold for a row's lowercase search text.

    ``select`` runs the predicates with ``map``/``compress`` over the texts, so the loop over 100,000 rows
    runs in C rather than in the interpreter.
    """

    __slots__ = ("_predicates", "_terms", "_word_predicates")

    def __init__(
        self,
        predicates: Sequence[Predicate],
        terms: Sequence[str] = (),
        word_predicates: Sequence[Predicate] = (),
    ) -> None:
        self._predicates = tuple(predicates)
        self._terms = tuple(terms) or ("",) * len(self._predicates)
        self._word_predicates = tuple(word_predicates) or self._predicates

    @property
    def predicates(self) -> tuple[Predicate, ...]:
        """One test per term, each over a lowercase text; a row matches when every one holds for it."""
        return self._predicates

    @property
    def word_predicates(self) -> tuple[Predicate, ...]:
        """The same tests for a text known to be one word (no whitespace, e.g. a digest): a fuzzy term is then
        one left-to-right pass instead of a search from every position."""
        return self._word_predicates

    @property
    def terms(self) -> tuple[str, ...]:
        """Per predicate, the characters a text must contain to match it (``""`` if unknown): lets a caller skip
        texts that cannot match, such as digests for a term with a letter outside ``sha256:`` and hex."""
        return self._terms

    def __call__(self, text: str) -> bool:
        return all(predicate(text) for predicate in self._predicates)

    def select(self, texts: Sequence[str], indices: Iterable[int]) -> list[int]:
        """The subset of ``indices`` whose text matches, in the given order."""
        chosen: Iterable[int]
        if isinstance(indices, range) and indices.step == 1:
            first, *others = self._predicates
            chosen = compress(indices, map(first, islice(texts, indices.start, indices.stop)))
        else:
            others = list(self._predicates)
            chosen = indices
        for predicate in others:
            survivors = list(chosen)
            chosen = compress(survivors, map(predicate, map(texts.__getitem__, survivors)))
        return list(chosen)


def compile_query(query: str) -> Matcher | None:
    """A matcher over lowercase search texts, or ``None`` when the query filters nothing."""
    text = query.strip().lower()
    if text.startswith(FUZZY_PREFIX):
        return _fuzzy_matcher(text[len(FUZZY_PREFIX) :])
    terms = text.split()
    if not terms:
        return None
    unique = list(dict.fromkeys(terms))
    return Matcher([methodcaller("__contains__", term) for term in unique], unique)


def _fuzzy_matcher(text: str) -> Matcher | None:
    """A subsequence-within-a-word match as a regex that never backtracks.

    ``a[^b\\s]*+b[^c\\s]*+c`` takes each character at its first possible position inside the word, which is
    enough to decide whether a subsequence exists; possessive quantifiers keep each attempt linear.
    """
    chars = [char for char in text if not char.isspace()]
    if not chars:
        return None
    escaped = [re.escape(char) for char in chars]
    first, *rest = escaped
    pattern = first + "".join(f"[^{char}\\s]*+{char}" for char in rest)
    one_word = "".join(f"[^{char}]*+{char}" for char in escaped)
    return Matcher([re.compile(pattern).search], ["".join(chars)], [re.compile(one_word).match])


def filter_indices(search_texts: Sequence[str], matcher: Matcher, indices: Iterable[int]) -> list[int]:
    """The subset of ``indices`` whose search text matches, in the given order."""
    return matcher.select(search_texts, indices)
