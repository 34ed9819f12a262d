"""Unit tests of the table's pure helpers (column layout, cell fitting, sorted merge)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from ecrtui.ui.table_layout import fit, layout_columns, merge_sorted
from ecrtui.ui.table_model import Column


@given(
    widths=st.lists(
        st.tuples(st.one_of(st.none(), st.integers(1, 20)), st.integers(1, 10), st.integers(0, 3)),
        min_size=1,
        max_size=6,
    ),
    width=st.integers(1, 200),
)
def test_layout_never_exceeds_the_width_unless_one_column_is_all_there_is(
    widths: list[tuple[int | None, int, int]], width: int
) -> None:
    columns = [Column(f"c{n}", "", width=w, min_width=m, flex=f) for n, (w, m, f) in enumerate(widths)]
    layout = layout_columns(columns, width)
    assert layout
    used = sum(w for _, w in layout) + len(layout) - 1
    assert used <= width
    assert [index for index, _ in layout] == sorted(index for index, _ in layout), "column order is kept"


def test_fit_counts_wide_characters_as_two_cells() -> None:
    assert fit("日本語", 4) == "日 …", "a wide character that would straddle the edge becomes a space"
    assert cell_len(fit("日本語", 4)) == 4
    assert fit("日本", 5) == "日本 "


@given(keys=st.lists(st.integers(0, 5), max_size=40))
def test_merging_nothing_changes_nothing(keys: list[int]) -> None:
    order = sorted(range(len(keys)), key=keys.__getitem__)
    assert merge_sorted(order, [], keys.__getitem__) == (order, len(order))
