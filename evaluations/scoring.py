"""How scores combine. Pure functions of numbers (no database), so they can be property-tested.

Every result is a Decimal rounded half-up to two places, the way a panel's score sheet is read out.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)
MEAN, TRIMMED = "mean", "trimmed"
# Grades from the best; their values are cultivation.enums.Grade's.
EXCELLENT, GOOD, PASS, FAIL = "excellent", "good", "pass", "fail"


def quantize(value):
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def weighted_total(scores):
    """Σ value × weight over (value, weight) pairs, unrounded."""
    return sum((Decimal(value) * Decimal(weight) for value, weight in scores), Decimal(0))


def full_marks(criteria):
    """Σ maximum × weight over (maximum, weight) pairs."""
    return sum((Decimal(maximum) * Decimal(weight) for maximum, weight in criteria), Decimal(0))


def percent(total, full):
    """A total as a share of full marks on a 100-point scale (百分制), so branches of different kinds,
    whose 特色要求 differ, are graded on one scale."""
    if not full:
        return None
    return quantize(Decimal(total) * HUNDRED / Decimal(full))


def trims(count, *, method, trim_min):
    """Whether the highest and lowest are dropped from `count` scores."""
    return method == TRIMMED and count >= max(trim_min, 3)


def combine(values, *, method, trim_min):
    """The panel's score: the mean, or with `TRIMMED` and at least `trim_min` (never fewer than 3)
    scores, the mean after dropping one highest and one lowest. None when there is no score."""
    values = sorted(Decimal(v) for v in values)
    if not values:
        return None
    if trims(len(values), method=method, trim_min=trim_min):
        values = values[1:-1]
    return quantize(sum(values, Decimal(0)) / len(values))


def spread(values):
    """Highest minus lowest: how far the reviewers disagree. None below two scores."""
    values = [Decimal(v) for v in values]
    if len(values) < 2:
        return None
    return quantize(max(values) - min(values))


@dataclass(frozen=True)
class Thresholds:
    excellent: Decimal
    good: Decimal
    passing: Decimal

    def problems(self):
        problems = []
        if not (HUNDRED >= Decimal(self.excellent) > Decimal(self.good) > Decimal(self.passing) >= 0):
            problems.append("等次分数线应满足：100 ≥ 优秀 > 良好 > 合格 ≥ 0")
        return problems


def grade(score, thresholds):
    """The grade of a combined score on the 100-point scale; None when there is no score."""
    if score is None:
        return None
    score = Decimal(score)
    if score >= Decimal(thresholds.excellent):
        return EXCELLENT
    if score >= Decimal(thresholds.good):
        return GOOD
    if score >= Decimal(thresholds.passing):
        return PASS
    return FAIL


def rank(scores):
    """Competition ranking (1, 2, 2, 4) of a {key: score} mapping, best first; None scores get no rank."""
    ordered = sorted((score for score in scores.values() if score is not None), reverse=True)
    first = {}
    for position, score in enumerate(ordered, start=1):
        first.setdefault(score, position)
    return {key: (first[score] if score is not None else None) for key, score in scores.items()}


def parse_score(raw, maximum):
    """A score as typed (text or number) → Decimal in [0, maximum] with at most two decimals.

    Raises ValueError with a Chinese message; a blank returns None (the caller decides if it may be).
    """
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    if isinstance(raw, bool):
        raise ValueError("请填写数字")
    text = str(raw).strip().replace("，", ".").replace("．", ".")
    try:
        value = Decimal(text)
    except (ArithmeticError, ValueError):
        raise ValueError(f"“{raw}”不是数字，请填写 0 至 {fmt(maximum)} 之间的分数")
    if not value.is_finite():
        raise ValueError(f"“{raw}”不是数字，请填写 0 至 {fmt(maximum)} 之间的分数")
    if value < 0 or value > Decimal(maximum):
        # A number too large to show (or to quantize, e.g. "9" * 400 or 1e999999) is named as typed, shortened.
        typed = str(raw).strip()
        shown = fmt(value) if value.adjusted() < 12 else typed if len(typed) <= 12 else f"{typed[:12]}…"
        raise ValueError(f"分数应在 0 至 {fmt(maximum)} 之间，填写的是 {shown}")
    if value != value.quantize(TWO_PLACES):
        raise ValueError("分数最多保留两位小数")
    return value.quantize(TWO_PLACES)


def fmt(value):
    """A Decimal without trailing zeros: 10.00 → "10", 8.50 → "8.5"."""
    if value is None:
        return ""
    value = Decimal(value)
    text = format(value.quantize(TWO_PLACES) if value == value.quantize(TWO_PLACES) else value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
