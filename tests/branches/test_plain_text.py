"""Control characters are refused where they mean nothing: every form of the apps checks its text
fields in one place (branches.plain_text), with a Chinese message and nothing written."""

import importlib

import pytest
from django import forms

from branches.plain_text import MESSAGE, PlainTextForm, PlainTextMixin
from tests.test_architecture import APPS, ROOT, app_modules

# Every forms module of the apps, found rather than listed (planning's and dissemination's were missing).
FORM_MODULES = sorted({".".join(path.relative_to(ROOT).with_suffix("").parts) for app in APPS
                       for path in app_modules(app) if path.stem.endswith("forms")} | {"evaluations.admin"})


class NoteForm(PlainTextForm):
    title = forms.CharField(required=False)
    body = forms.CharField(required=False, widget=forms.Textarea)
    tags = forms.MultipleChoiceField(required=False, choices=[("甲", "甲"), ("\x07", "铃")])


@pytest.mark.parametrize("field, value, accepted", [
    ("title", "支部\x1b[31m", False), ("title", "响\x07铃", False), ("title", "两\n行", False),
    ("title", "制\t表", False), ("title", "删\x7f除", False), ("title", "党支部（第一）", True),
    ("body", "第一行\r\n第二行\t缩进", True), ("body", "转义\x1b", False), ("body", "退格\x08", False),
    ("tags", ["\x07"], False), ("tags", ["甲"], True),
    # A NUL byte gets the same message, not Django's own (translated as if the field were empty).
    ("title", "空\x00字", False), ("body", "空\x00字", False),
])
def test_single_line_fields_refuse_controls_and_multi_line_fields_keep_line_breaks(field, value, accepted):
    form = NoteForm({field: value})
    assert form.is_valid() == accepted
    if not accepted:
        assert form.errors[field] == [MESSAGE]


def test_every_form_of_the_apps_checks_its_text():
    """Tomorrow's form too: each form class defined in the apps' form modules derives from the mixin."""
    missing = []
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == name
                    and not issubclass(value, PlainTextMixin)):
                missing.append(f"{name}.{value.__name__}")
    assert missing == []
