"""Cutting items into boxes: as few boxes as the greedy cut, the largest group smallest.

The even cut bisects the largest group's length instead of trying every cut, so that a
long list costs time in proportion to its length; here it is checked against trying
every cut on small random cases.
"""

from __future__ import annotations

import functools
from functools import cache
from itertools import combinations, pairwise

from hypothesis import given
from hypothesis import strategies as st

from generator import textfit
from generator.textfit import pack


def every_cut(heights: list[int], room: int) -> list[range]:
    """The reference, by trying every cut into the fewest groups that fit: the largest
    group as small as can be, then the first group as full as that allows, and so on
    for the groups after it."""
    count = len(heights)
    fits = lambda group: sum(heights[i] for i in group) <= room  # noqa: E731
    for parts in range(1, count + 1):
        cuts = []
        for inner in combinations(range(1, count), parts - 1):
            bounds = [0, *inner, count]
            groups = [range(a, b) for a, b in pairwise(bounds)]
            if all(map(fits, groups)):
                key = [(max(map(len, groups[i:])), -len(groups[i])) for i in range(len(groups))]
                cuts.append((key, groups))
        if cuts:
            return min(cuts)[1]
    raise AssertionError("one item a group always fits here")


@given(
    st.lists(st.integers(min_value=1, max_value=10), min_size=1, max_size=11),
    st.integers(min_value=10, max_value=30),
)
def test_the_even_cut_is_the_best_of_every_cut(heights, room):
    asked: list[range] = []

    @cache
    def fits(group: range) -> bool:
        asked.append(group)
        return sum(heights[i] for i in group) <= room

    assert pack(len(heights), fits) == every_cut(heights, room)


def test_a_long_list_is_cut_in_steps_proportional_to_its_length(monkeypatch):
    """Every question the cut asks (answered from memory or not) is counted: trying
    every cut made 4,000 items of six a box cost about 4,000 x 667 steps."""
    steps = 0

    def counted(function):
        remembered = functools.cache(function)

        def ask(*args):
            nonlocal steps
            steps += 1
            return remembered(*args)

        return ask

    monkeypatch.setattr(textfit, "cache", counted)
    groups = pack(4000, lambda group: 3 * len(group) <= 20)
    assert len(groups) == 4000 // 6 + 1 and max(map(len, groups)) == 6
    assert steps < 20 * 4000, steps


def test_shortened_keeps_to_one_line_and_cuts_between_words():
    from generator.inline import Run
    from generator.theme import load_theme

    fonts = textfit.Fonts(load_theme("default"))
    title = [Run("Information Security "), Run("Awareness", bold=True), Run(" for New Employees")]
    assert textfit.shortened(title, 10, 400, fonts) == title
    cut = textfit.shortened(title, 10, 150, fonts)
    text = "".join(run.text for run in cut)
    assert len(textfit.wrap(cut, 10, 150, fonts)) == 1
    words = ["Information", "Security", "Awareness", "for"]
    kept = text.removesuffix("…")
    assert text.endswith("…") and " ".join(words).startswith(kept)
    one_more = " ".join(words[: len(kept.split()) + 1])
    assert len(textfit.wrap([Run(one_more + "…")], 10, 150, fonts)) > 1, "cut as late as fits"
