"""Template text that Django would print instead of hide."""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_no_template_comment_spans_lines():
    # {# … #} is a comment only on one line; across lines Django prints it on the page.
    spanning = []
    for path in TEMPLATES.rglob("*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            rest = line
            while "{#" in rest:
                rest = rest.split("{#", 1)[1]
                if "#}" not in rest:
                    spanning.append(f"{path.relative_to(TEMPLATES)}:{number}")
                    break
                rest = rest.split("#}", 1)[1]
    assert not spanning, "use {% comment %} for comments over several lines: " + ", ".join(spanning)
