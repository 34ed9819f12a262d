"""Unit tests of the filter query language (substring terms and fuzzy within a word)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecrtui.ui.text_filter import compile_query, filter_indices


def matches(query: str, text: str) -> bool:
    matcher = compile_query(query)
    assert matcher is not None
    return matcher(text.lower())


@pytest.mark.parametrize("query", ["", "   ", "~", "~  "])
def test_blank_queries_filter_nothing(query: str) -> None:
    assert compile_query(query) is None


def test_substring_is_case_insensitive_and_terms_are_anded() -> None:
    assert matches("LATEST", "v1 latest sha256:abc")
    assert matches("lat v1", "v1 latest")
    assert not matches("lat v2", "v1 latest")


def test_fuzzy_matches_a_subsequence_inside_one_word_only() -> None:
    assert matches("~v19", "prod v1.9.3")
    assert matches("~pdv", "prod-v2")
    assert not matches("~v19", "v0 dev sha256:1239"), "letters scattered over words do not match"
    assert not matches("~ba", "ab")


def test_fuzzy_escapes_regex_characters() -> None:
    assert matches("~a]^-", "a]^-")
    assert matches("~.*", "x.y*z")
    assert not matches("~.*", "xyz")


def test_filter_indices_keeps_order_and_subset() -> None:
    texts = ["alpha", "beta", "alphabet", "gamma"]
    matcher = compile_query("alp")
    assert matcher is not None
    assert filter_indices(texts, matcher, range(4)) == [0, 2]
    assert filter_indices(texts, matcher, [2, 1]) == [2]


words = st.text(alphabet="abcxyz.-", min_size=1, max_size=12)


@given(word=words, data=st.data())
def test_any_subsequence_of_a_word_matches_fuzzily(word: str, data: st.DataObject) -> None:
    picks = data.draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    subsequence = "".join(char for char, keep in zip(word, picks, strict=True) if keep)
    if subsequence:
        assert matches(f"~{subsequence}", f"other {word} words")


@given(word=words, query=words)
def test_fuzzy_agrees_with_a_plain_subsequence_check(word: str, query: str) -> None:
    remaining = iter(word)
    expected = all(char in remaining for char in query)
    assert matches(f"~{query}", word) == expected


@given(word=words, query=st.text(alphabet="abcxyz.- ", min_size=1, max_size=6))
def test_the_one_word_test_agrees_with_the_general_one_on_a_word(word: str, query: str) -> None:
    """Digests are matched with ``word_predicates`` (one pass, no search): same answers on whitespace-free text."""
    for text in (query, f"~{query}"):
        matcher = compile_query(text)
        if matcher is None:
            continue
        general = [bool(predicate(word)) for predicate in matcher.predicates]
        assert [bool(predicate(word)) for predicate in matcher.word_predicates] == general
