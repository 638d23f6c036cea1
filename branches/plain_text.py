"""Text people type holds no control characters where they have no meaning.

An escape or bell character pasted into a comment broke the Excel exports and means nothing on any
page. Every form of the apps derives from `PlainTextForm` or `PlainTextModelForm` (a test checks it),
so every text field is checked in one place: a single-line field refuses every C0 control character
(and DEL); a multi-line field (a textarea) keeps line breaks and tabs and refuses the rest. A NUL byte,
which Django's own validator catches first with a message that reads as if the field were empty
("不允许是用空字符串"), gets the same message as the other control characters.
"""

import re

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f]")
MULTI_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MESSAGE = "不能包含控制字符（如退格、响铃、转义等不可见字符），请删除后重试"
NO_NUL = ProhibitNullCharactersValidator(message=MESSAGE)


def control_characters(text, *, multiline=False):
    """The control characters in `text` that its kind of field does not allow."""
    return (MULTI_LINE if multiline else SINGLE_LINE).findall(text)


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _texts(item)


class PlainTextMixin:
    """Checks every text value once its field has cleaned it, before the form's own `clean`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # each form's own copies: the class's fields stay as they are
            field.validators = [NO_NUL if isinstance(validator, ProhibitNullCharactersValidator) else validator
                                for validator in field.validators]

    def _clean_fields(self):
        super()._clean_fields()
        for name, field in self.fields.items():
            if name not in self.cleaned_data or isinstance(field, forms.FileField):
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            if any(control_characters(text, multiline=multiline) for text in _texts(self.cleaned_data[name])):
                self.add_error(name, MESSAGE)


class PlainTextForm(PlainTextMixin, forms.Form):
    pass


class PlainTextModelForm(PlainTextMixin, forms.ModelForm):
    pass


class FilterForm(PlainTextForm):
    """A list's filters, which templates render field by field ({{ form.unit }}) in a row: each widget gets
    Bootstrap's class (a native select unstyled on a phone is tall, grey and unlike the rest), and a field
    shown without its label is still named to a screen reader."""

    WIDGET_CLASSES = ((forms.CheckboxInput, "form-check-input"), (forms.Select, "form-select"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            attrs = field.widget.attrs
            kind = next((css for widget, css in self.WIDGET_CLASSES if isinstance(field.widget, widget)),
                        "form-control")
            attrs.setdefault("class", kind)
            attrs.setdefault("aria-label", field.label)
