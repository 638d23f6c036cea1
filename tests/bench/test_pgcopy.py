import datetime
from decimal import Decimal

from bench.pgcopy import _text


def test_values_are_written_in_copy_text_format():
    assert _text(None) == r"\N"
    assert _text(None, as_json=True) == r"\N"
    assert _text(True) == "t" and _text(False) == "f"
    assert _text(7) == "7" and _text(Decimal("3.50")) == "3.50"
    assert _text(datetime.date(2026, 3, 1)) == "2026-03-01"
    # JSON escapes the tab as backslash-t; COPY then escapes that backslash.
    assert _text({"标题": "a\tb"}, as_json=True) == r'{"标题": "a\\tb"}'


def test_separators_in_text_are_escaped():
    assert _text("第一行\n第二行\t制表\\斜杠\r") == r"第一行\n第二行\t制表\\斜杠\r"
