"""Pareto bars: order, shares, the vital few, and folding the tail into "Other"."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openpso.analytics.stats.pareto import pareto


def test_bars_are_sorted_descending_with_ties_broken_by_label():
    bars = pareto({"b": 5, "a": 5, "c": 10, "d": 0})
    assert [b.label for b in bars] == ["c", "a", "b", "d"]


def test_shares_and_vital_few_worked_by_hand():
    """Total 100: shares .50, .30, .15, .05; cumulative .50, .80, .95, 1.0. The vital few run up to and
    including the first bar reaching 80%."""
    bars = pareto({"falls": 50, "medication": 30, "device": 15, "other": 5})
    assert [b.share for b in bars] == pytest.approx([0.5, 0.3, 0.15, 0.05])
    assert [b.cumulative for b in bars] == pytest.approx([0.5, 0.8, 0.95, 1.0])
    assert [b.vital_few for b in bars] == [True, True, False, False]


def test_top_folds_the_rest_into_other_with_its_count():
    bars = pareto({"a": 40, "b": 30, "c": 20, "d": 6, "e": 4}, top=2)
    assert [(b.label, b.count) for b in bars] == [("a", 40), ("b", 30), ("Other (3)", 30)]
    assert bars[-1].cumulative == 1.0


def test_an_empty_or_all_zero_pareto_has_no_vital_few():
    assert pareto({}) == ()
    assert [b.vital_few for b in pareto({"a": 0, "b": 0})] == [False, False]


def test_it_rejects_bad_input():
    with pytest.raises(ValueError, match="must not be negative"):
        pareto({"a": -1})
    with pytest.raises(ValueError, match="top must be at least 1"):
        pareto({"a": 1}, top=0)
    with pytest.raises(ValueError, match="vital_share"):
        pareto({"a": 1}, vital_share=0)


@given(st.dictionaries(st.text(min_size=1, max_size=5), st.integers(0, 10_000), min_size=1), st.floats(0.05, 1.0))
def test_cumulative_is_monotone_ends_at_one_and_vital_few_is_a_prefix(counts, vital_share):
    bars = pareto(counts, vital_share=vital_share)
    cumulative = [b.cumulative for b in bars]
    assert cumulative == sorted(cumulative)
    assert [b.count for b in bars] == sorted((b.count for b in bars), reverse=True)
    if sum(counts.values()):
        assert cumulative[-1] == 1.0
        vital = [b.vital_few for b in bars]
        k = vital.count(True)
        assert vital == [True] * k + [False] * (len(bars) - k)
        assert bars[k - 1].cumulative >= vital_share
        assert k == 1 or bars[k - 2].cumulative < vital_share


@given(st.dictionaries(st.text(min_size=1, max_size=5), st.integers(0, 1000), min_size=1), st.integers(1, 10))
def test_top_keeps_the_total(counts, top):
    bars = pareto(counts, top=top)
    assert sum(b.count for b in bars) == sum(counts.values())
    assert len(bars) == min(len(counts), top + 1)
