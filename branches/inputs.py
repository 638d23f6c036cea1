"""One place that reads what a person did not type into a form field: ids, versions, page numbers, the
query string's filters and the buttons a form was sent with.

Python's int() takes "١٢" and "１２" and str.isdigit() says yes to "²", which int() then refuses: both
turned a tampered hidden field or query string into a 500. Everything here takes ASCII digits only,
bounded to what the database holds, and answers None (or drops the value) for anything else, so the
caller can answer 404 or a Chinese message.

Views read `request.GET` and `request.POST` only through a form or the `query_*` / `posted_*` functions
below (tests/security/test_request_inputs.py fails otherwise): a value read past them reached the
database with a NUL byte (PostgreSQL refuses it: a 500) or without a length limit. Text from here is a
bounded single line without control characters; anything else reads as absent.
"""

import datetime
import re

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from .converters import LARGEST_ID
from .plain_text import control_characters

_DIGITS = re.compile(r"[0-9]{1,18}")
STALE_PAGE = "页面已过期，请刷新后再操作"


def _parse(value, smallest):
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if smallest <= number <= LARGEST_ID else None


def parse_id(value):
    """An id (a positive integer the database can hold) from raw text, or None."""
    return _parse(value, 1)


def parse_ids(values, *, limit):
    """The well-formed ids among `values`, in order, without repeats, at most `limit` of them."""
    ids = []
    for value in values:
        number = parse_id(value)
        if number is not None and number not in ids:
            ids.append(number)
    return ids[:limit]


def parse_count(value):
    """A non-negative integer (a version, a page number) from raw text, or None."""
    return _parse(value, 0)


class IdField(forms.IntegerField):
    """A hidden or query-string id: ASCII digits in the database's range, else a Chinese error."""

    default_error_messages = {"invalid": "编号无效，请刷新页面后重试"}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", LARGEST_ID)
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_id(str(value).strip())
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class VersionField(forms.IntegerField):
    """The version a page was built from (for compare-and-swap); a malformed one reads as a stale page."""

    default_error_messages = {"invalid": STALE_PAGE, "required": STALE_PAGE}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_count(str(value).strip())
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class VersionForm(forms.Form):
    """The hidden `version` of pages whose other fields are another form (or none)."""

    version = VersionField(required=False)


def posted_version(request):
    """(version, ok): the posted `version` (None when absent), ok False when it is malformed."""
    form = VersionForm(request.POST)
    if not form.is_valid():
        return None, False
    return form.cleaned_data["version"], True


# The longest query or button value read as text; a filter value, a year or a file name is far shorter.
QUERY_TEXT_MAX = 200
# The most values one repeated parameter (?batches=1&batches=2) gives.
QUERY_VALUES_MAX = 50


def _line(value, max_length):
    """`value` stripped, or "" when it is no string, is longer than `max_length` or holds a control character."""
    if not isinstance(value, str):
        return ""
    value = value.strip()
    if len(value) > max_length or control_characters(value):
        return ""
    return value


def query_text(request, name, *, max_length=QUERY_TEXT_MAX):
    """?name= as a bounded line of text ("" when absent or malformed), for a filter the caller checks."""
    return _line(request.GET.get(name), max_length)


def query_texts(request, name, *, limit=QUERY_VALUES_MAX, max_length=QUERY_TEXT_MAX):
    """The non-empty values of a repeated ?name=, each a bounded line, at most `limit` of them."""
    values = (_line(value, max_length) for value in request.GET.getlist(name)[:limit])
    return [value for value in values if value]


def query_choice(request, name, choices, default=None):
    """?name= if it is one of `choices` (a mapping's keys or a collection), else `default`."""
    value = query_text(request, name)
    return value if value in choices else default


def query_flag(request, name):
    """Whether ?name=1 was given (a filter's check box)."""
    return query_text(request, name) == "1"


def query_id(request, name):
    """?name= as an id (see parse_id), or None."""
    return parse_id(query_text(request, name))


def query_ids(request, name, *, limit):
    """The well-formed ids of a repeated ?name=, in order, without repeats, at most `limit`."""
    return parse_ids(request.GET.getlist(name)[:QUERY_VALUES_MAX], limit=limit)


def query_count(request, name):
    """?name= as a non-negative integer (a page number), or None."""
    return parse_count(query_text(request, name))


def query_without(request, *names):
    """This page's query string without `names` (the page number), for links that change only those."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def posted_text(request, name, *, max_length=QUERY_TEXT_MAX):
    """A posted hidden value or button as a bounded line of text ("" when absent or malformed)."""
    return _line(request.POST.get(name), max_length)


def posted_choice(request, name, choices, default=None):
    """A posted value (the button pressed, a hidden choice) if it is one of `choices`, else `default`."""
    value = posted_text(request, name)
    return value if value in choices else default


def pressed(request, name):
    """Whether the form was sent with the button (or check box) called `name`."""
    return name in request.POST


def posted_next(request):
    """The page to go back to from a posted hidden `next` (see next_path), or None."""
    return next_path(request, request.POST.get("next"))


def next_path(request, value):
    """The page to go back to from a hidden `next`, if it is a path on this site; else None.

    redirect() reads anything without a slash as a URL name, so next=abc answered a 500
    (NoReverseMatch); only a local absolute path is taken.
    """
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    if any(ord(character) < 32 or ord(character) == 127 for character in value):
        return None
    if not url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        return None
    return value


def pin_next(request, default):
    """Make `next` in the query (and in the form, when one was posted) the one checked value: the page of
    this site it names (next_path), else `default`. For django-cas-ng, which reads "next" from request.GET
    in several places (the service URL, the page after login or logout) and falls back to the Referer when
    it is missing: one checked value, always present, is the only input it gets."""
    target = next_path(request, request.GET.get("next") or request.POST.get("next")) or default
    request.GET = request.GET.copy()
    request.GET["next"] = target
    if "next" in request.POST:
        request.POST = request.POST.copy()
        request.POST["next"] = target
    return target


SAML_MAX_CHARS = 64 * 1024  # a CAS logoutRequest is a few hundred characters


def posted_logout_request(request):
    """The SAML logoutRequest a CAS server posts for single sign-out (cut to SAML_MAX_CHARS: what is cut
    no longer parses, so it ends nothing), or None when none was posted."""
    value = request.POST.get("logoutRequest")
    return value[:SAML_MAX_CHARS] if isinstance(value, str) else None


# Dates a person enters: programme dates (batch phases, reports, spending, milestones, notices,
# acceptance visits, evidence). The school's 样板党支部 work began well after 2000, and nothing is
# planned more than a few years ahead (a batch runs about three), so 2000-01-01 .. today + 10 years
# holds every real date with room, and refuses the typos (0001-01-01, 20244-01-01) and the 9999-12-31
# whose day arithmetic (公示 working days, report periods) overflowed into a 500.
EARLIEST_DATE = datetime.date(2000, 1, 1)
YEARS_AHEAD = 10


def latest_date(today=None):
    today = today or timezone.localdate()
    return today.replace(year=today.year + YEARS_AHEAD, day=28 if (today.month, today.day) == (2, 29) else today.day)


def validate_plausible_date(value):
    latest = latest_date()
    if value is not None and not EARLIEST_DATE <= value <= latest:
        raise forms.ValidationError(
            f"日期超出范围：请填写 {EARLIEST_DATE:%Y年%m月%d日} 至 {latest:%Y年%m月%d日} 之间的日期",
            code="date_out_of_range")


class DateField(forms.DateField):
    """Every date field of every form: a plausible date (see EARLIEST_DATE), with the picker bounded too."""

    default_validators = [validate_plausible_date]

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.DateInput) and not isinstance(widget, forms.HiddenInput):
            attrs.update(min=EARLIEST_DATE.isoformat(), max=latest_date().isoformat())
        return attrs


def date_formfield(model_field, **kwargs):
    """A ModelForm's `Meta.formfield_callback`: the model's date fields become the bounded DateField."""
    if isinstance(model_field, models.DateField) and not isinstance(model_field, models.DateTimeField):
        kwargs.setdefault("form_class", DateField)
    return model_field.formfield(**kwargs)
