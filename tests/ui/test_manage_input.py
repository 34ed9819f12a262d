"""What the management dialogs read from a person (no app): tags, names, filters, resource tags, and where the
Images cursor goes when rows leave."""

from __future__ import annotations

import pytest

from ecrtui.ecr.errors import InvalidInput
from ecrtui.ui.manage_input import (
    needs_filters,
    parse_filters,
    parse_resource_tags,
    repository_name_problem,
    resource_tags_text,
    row_after_removal,
    tag_problem,
)


def test_tag_and_name_problems_are_the_data_layers_words() -> None:
    assert tag_problem("v1.4.3") is None
    assert tag_problem("v1 beta") == "tag 'v1 beta' contains a space"
    assert tag_problem(".hidden") == "tag '.hidden' must start with a letter, digit or underscore"
    assert repository_name_problem("team/api") is None
    assert repository_name_problem("Team/api") is not None
    assert "uppercase" in (repository_name_problem("Team/api") or "")


def test_filters_are_split_on_commas_and_spaces_and_checked() -> None:
    assert parse_filters("latest, dev-*  release-*,latest") == ("latest", "dev-*", "release-*")
    assert parse_filters("  ") == ()
    with pytest.raises(InvalidInput, match="contains '/'"):
        parse_filters("a/b")
    with pytest.raises(InvalidInput, match="at most 5"):
        parse_filters("a b c d e f")
    assert needs_filters("IMMUTABLE_WITH_EXCLUSION")
    assert not needs_filters("IMMUTABLE")


def test_resource_tags_round_trip_and_refusals() -> None:
    tags = parse_resource_tags("team=web, env = dev\nowner=\n\n")
    assert tags == {"team": "web", "env": "dev", "owner": ""}
    assert resource_tags_text(tags) == "env=dev\nowner=\nteam=web"
    assert parse_resource_tags(resource_tags_text(tags)) == tags
    assert parse_resource_tags("a=1, a=2") == {"a": "2"}, "the last value wins"
    with pytest.raises(InvalidInput, match="has no '='"):
        parse_resource_tags("team")
    with pytest.raises(InvalidInput, match="has no key"):
        parse_resource_tags("=web")
    with pytest.raises(InvalidInput, match="reserved prefix"):
        parse_resource_tags("aws:x=1")


@pytest.mark.parametrize(
    ("cursor", "leaving", "expected"),
    [
        (1, {"b"}, "c"),  # the next row that stays
        (1, {"b", "c", "d"}, "e"),
        (3, {"d", "e"}, "c"),  # nothing stays below: the closest above
        (0, {"a", "b", "c", "d", "e"}, None),
        (2, {"a"}, "c"),  # the cursor's own row stays
        (9, {"e"}, "d"),  # a cursor past the end is clamped first
    ],
)
def test_the_cursor_rests_next_to_the_rows_that_leave(
    cursor: int, leaving: set[str], expected: str | None
) -> None:
    assert row_after_removal(list("abcde"), cursor, leaving) == expected
    assert row_after_removal([], 0, set()) is None
