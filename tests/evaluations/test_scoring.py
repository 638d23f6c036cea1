"""The combining rules, property-tested against a plain re-computation."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evaluations import scoring

scores = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


def plain_mean(values):
    return (sum(values) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@given(st.lists(scores, min_size=1, max_size=12))
def test_mean_is_the_plain_average(values):
    assert scoring.combine(values, method=scoring.MEAN, trim_min=3) == plain_mean(values)


@given(st.lists(scores, min_size=1, max_size=12), st.integers(min_value=3, max_value=9))
def test_trimmed_mean_drops_one_highest_and_one_lowest_only_from_enough_scores(values, trim_min):
    combined = scoring.combine(values, method=scoring.TRIMMED, trim_min=trim_min)
    if len(values) >= trim_min:
        rest = list(values)
        rest.remove(max(rest))
        rest.remove(min(rest))
        assert combined == plain_mean(rest)
    else:
        assert combined == plain_mean(values)


@given(st.lists(scores, min_size=1, max_size=12), st.sampled_from([scoring.MEAN, scoring.TRIMMED]))
def test_the_combined_score_lies_between_the_lowest_and_the_highest(values, method):
    combined = scoring.combine(values, method=method, trim_min=3)
    assert min(values) - Decimal("0.005") <= combined <= max(values) + Decimal("0.005")


@given(st.lists(scores, min_size=3, max_size=12))
def test_one_extreme_score_cannot_move_a_trimmed_mean_beyond_the_others(values):
    with_outlier = values + [Decimal(100)]
    combined = scoring.combine(with_outlier, method=scoring.TRIMMED, trim_min=3)
    assert combined <= max(values) + Decimal("0.005")


def test_no_scores_combine_to_none():
    assert scoring.combine([], method=scoring.TRIMMED, trim_min=3) is None


def test_a_trim_threshold_below_three_still_keeps_a_score():
    assert scoring.combine([Decimal(1), Decimal(9)], method=scoring.TRIMMED, trim_min=0) == Decimal("5.00")


@given(scores, scores, scores, scores)
def test_grades_follow_the_thresholds_and_never_drop_as_the_score_rises(a, b, excellent, good):
    thresholds = scoring.Thresholds(Decimal(90), Decimal(80), Decimal(60))
    low, high = sorted([a, b])
    order = [scoring.FAIL, scoring.PASS, scoring.GOOD, scoring.EXCELLENT]
    assert order.index(scoring.grade(low, thresholds)) <= order.index(scoring.grade(high, thresholds))
    expected = (scoring.EXCELLENT if a >= 90 else scoring.GOOD if a >= 80 else scoring.PASS if a >= 60
                else scoring.FAIL)
    assert scoring.grade(a, thresholds) == expected


def test_thresholds_must_descend():
    assert scoring.Thresholds(Decimal(80), Decimal(90), Decimal(60)).problems()
    assert not scoring.Thresholds(Decimal(90), Decimal(80), Decimal(60)).problems()


@given(st.dictionaries(st.integers(), st.one_of(st.none(), scores), max_size=15))
def test_rank_is_one_plus_the_number_of_better_scores(table):
    ranks = scoring.rank(table)
    for key, score in table.items():
        if score is None:
            assert ranks[key] is None
        else:
            assert ranks[key] == 1 + sum(1 for other in table.values() if other is not None and other > score)


@given(st.lists(st.tuples(scores, st.decimals(min_value=Decimal("0.5"), max_value=3, places=2)), min_size=1))
def test_weighted_total_and_percent(pairs):
    total = scoring.weighted_total(pairs)
    assert total == sum(v * w for v, w in pairs)
    full = scoring.full_marks((Decimal(100), w) for _, w in pairs)
    assert Decimal(0) <= scoring.percent(total, full) <= Decimal(100)


@given(st.lists(scores, min_size=2))
def test_spread_is_highest_minus_lowest(values):
    assert scoring.spread(values) == (max(values) - min(values)).quantize(Decimal("0.01"))


@pytest.mark.parametrize("raw, message", [
    ("abc", "不是数字"), ("11", "分数应在 0 至 10 之间"), ("-1", "分数应在 0 至 10 之间"),
    ("8.555", "最多保留两位小数"), ("NaN", "不是数字"), ("Infinity", "不是数字"), (True, "请填写数字"),
])
def test_bad_scores_are_refused_in_chinese(raw, message):
    with pytest.raises(ValueError, match=message):
        scoring.parse_score(raw, Decimal(10))


@pytest.mark.parametrize("raw, value", [("8.5", Decimal("8.50")), (7, Decimal("7.00")), ("９", None), ("", None),
                                        ("８.５", None), ("8，5", Decimal("8.50")), (9.25, Decimal("9.25"))])
def test_good_scores_parse(raw, value):
    if raw in ("９", "８.５"):  # full-width digits are digits to Decimal too
        assert scoring.parse_score(raw, Decimal(10)) is not None
    else:
        assert scoring.parse_score(raw, Decimal(10)) == value
