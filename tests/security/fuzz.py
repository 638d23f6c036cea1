"""Hostile input for any form: hypothesis strategies, and a runner that sends them to a view.

    from tests.security.fuzz import form_payloads, fuzz_view

    def test_the_report_form_survives_hostile_input(client_for, tree):
        client = client_for(tree.secretary)
        fuzz_view(client, reverse("cultivation:report_create", args=[...]),
                  payloads=form_payloads(ReportForm), succeeded=lambda response: response.status_code == 302)

Each example mixes what `hypothesis.extra.django.from_form` makes (values the form accepts) with
values meant to break things: very long text, NUL bytes, emoji, mixed scripts and direction marks,
injection strings, out-of-range numbers and impossible dates, random bytes as files, and hostile values
in the hidden fields pages carry (`version`, `next`) whether or not the form declares them.
test_fuzz_requests.py sends hostile ids into URLs, query strings and hidden fields of every URL. The runner asserts
that the view never answers 5xx and that an unsuccessful request changed no row of any table.
"""

import datetime
import decimal

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.extra.django import from_form, register_field_strategy

from branches.inputs import EARLIEST_DATE, DateField, latest_date

from .db import changed_tables, row_counts

MAX_EXAMPLES = 25

long_text = st.one_of(
    st.text(min_size=200, max_size=2000),
    st.integers(min_value=1_000, max_value=20_000).map(lambda n: "党" * n),
)
nul_text = st.tuples(st.text(max_size=20), st.text(max_size=20)).map(lambda parts: "\x00".join(parts))
emoji_text = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), min_size=1, max_size=30),
    st.sampled_from(["👨‍👩‍👧‍👦", "🇨🇳", "🏳️‍🌈", "❤️‍🔥", "👍🏽"]),
)
mixed_script_text = st.lists(
    st.sampled_from([
        "样板党支部", "Партия", "حزب", "पार्टी", "党員", "ｆｕｌｌｗｉｄｔｈ", "e\u0301", "\u202e", "\u200b", "\u2028",
        "\ufeff", "\U00020000", "Ω", "ß", "İ", "\ud7ff",
    ]),
    min_size=1, max_size=12,
).map("".join)
injection_text = st.sampled_from([
    "' OR 1=1 --", "\"; DROP TABLE branches_organization; --", "<script>alert(1)</script>", "{{ 7|add:7 }}",
    "{% debug %}", "%s%s%s%n", "../../../../etc/passwd", "${jndi:ldap://x/a}", "\r\nSet-Cookie: a=b",
    "%00", "%", "_", "\\", "[]", "{}", "null", "undefined", "NaN",
])
hostile_text = st.one_of(st.text(), long_text, nul_text, emoji_text, mixed_script_text, injection_text)
hostile_number = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from([
        "9223372036854775808", "-9223372036854775809", "18446744073709551616", "2147483648", "1e309", "-0",
        "0x1F", "1_000", "١٢٣", "１２３", "9" * 400, "", " 7 ",
    ]),
)
hostile_date = st.one_of(
    st.sampled_from([
        "0000-00-00", "0001-01-01", "2024-02-30", "2023-02-29", "9999-12-31", "10000-01-01", "-0001-01-01",
        "2024-13-01", "2024/01/01", "2024年1月1日", "二〇二四年一月一日", "１９９９-０１-０１", "1970-01-01T00:00:00Z",
    ]),
    st.dates().map(datetime.date.isoformat),
)
# The valid dates of the bounded date field every form uses (branches.inputs.DateField).
register_field_strategy(DateField, st.dates(EARLIEST_DATE, latest_date()))
hostile_boolean = st.sampled_from(["on", "off", "true", "false", "0", "1", "", "None", "\x00"])
# Ids no object can have, that a careless int() or str.isdigit() still takes: too many digits for the
# database, superscripts (isdigit() says yes, int() says no), other scripts' digits (int() says yes).
HOSTILE_IDS = [
    "99999999999999999999", "9223372036854775808", "1" + "0" * 30, "²", "1²", "١٢", "１２", "0", "-1", "1e3",
    "1.0", " 1", "0x1", "\x00",
]
hostile_id = st.one_of(st.sampled_from(HOSTILE_IDS), st.integers(min_value=-(10**30), max_value=10**30).map(str))
# What a tampered page puts into a hidden field: a version, a page to go back to, an id.
hostile_hidden = st.one_of(
    hostile_id,
    hostile_text,
    st.sampled_from([
        "", "abc", "None", "NaN", "https://evil.example/", "//evil.example/", "javascript:alert(1)", "/\\evil.example",
        "/cultivation/projects/99999999999999999999/", "\r\nLocation: https://evil.example/",
    ]),
)
# Hidden fields most pages carry; posted to every form, whether or not its class declares them,
# since a view may read them from request.POST by hand.
HIDDEN_FIELDS = ("version", "next")


@st.composite
def hostile_files(draw, names=None):
    """Random bytes, some wearing the magic bytes of what the form expects, under hostile names."""
    content = draw(st.one_of(
        st.binary(max_size=4096),
        st.binary(max_size=2048).map(lambda data: b"PK\x03\x04" + data),
        st.binary(max_size=2048).map(lambda data: b"\x89PNG\r\n\x1a\n" + data),
        st.binary(max_size=2048).map(lambda data: b"%PDF-1.7\n" + data),
        st.just(b""),
    ))
    name = draw(names or st.one_of(
        st.sampled_from(["名册.xlsx", "a.xlsx", "../../etc/passwd.xlsx", "照片.jpg", "x", ".xlsx", "名册\u202exslx.exe"]),
        st.text(min_size=1, max_size=80).filter(lambda text: "\x00" not in text and "/" not in text),
    ))
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def hostile_value(field):
    """A strategy of raw POST/GET values for one form field, mostly ones it should refuse."""
    if isinstance(field, forms.BooleanField):
        return st.one_of(hostile_boolean, hostile_text)
    if isinstance(field, (forms.DateField, forms.DateTimeField)):
        return st.one_of(hostile_date, hostile_text)
    if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField, forms.ModelChoiceField)):
        return st.one_of(hostile_number, hostile_text)
    if isinstance(field, forms.ChoiceField):
        valid = [str(value) for value, _ in field.choices if value not in ("", None)]
        return st.one_of(st.sampled_from(valid), hostile_text) if valid else hostile_text
    return hostile_text


def _encode(value):
    """A form's Python value as a browser would send it; None means the browser sends nothing."""
    if value is None or value is False:
        return None
    if value is True:
        return "on"
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    if hasattr(value, "value") and isinstance(getattr(value, "instance", None), models.Model):
        return str(value.value)  # ModelChoiceIteratorValue
    if isinstance(value, (list, tuple)):
        return [_encode(item) for item in value]
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    return str(value)


def _sent(form):
    data = {name: _encode(value) for name, value in form.data.items()}
    return {name: value for name, value in data.items() if value is not None}, dict(form.files)


def form_payloads(form_class, *, form_kwargs=None, files=None, **field_strategies):
    """Strategy of (data, files) for `form_class`: valid, hostile, or valid with hostile fields mixed in.

    `files` gives a strategy per file field (default: hostile_files()); `field_strategies` go to
    from_form for fields it cannot infer.
    """
    unbound = form_class(**(form_kwargs or {}))
    file_fields = {name for name, field in unbound.fields.items() if isinstance(field, forms.FileField)}
    file_strategies = {name: (files or {}).get(name, hostile_files()) for name in file_fields}
    valid = from_form(form_class, form_kwargs=form_kwargs, **file_strategies, **field_strategies).map(_sent)
    hostile = st.fixed_dictionaries({}, optional={
        **{name: hostile_hidden for name in HIDDEN_FIELDS},
        **{name: hostile_value(field) for name, field in unbound.fields.items() if name not in file_fields},
    })
    uploads = st.fixed_dictionaries(file_strategies) if file_strategies else st.just({})
    return st.one_of(
        valid,
        st.tuples(hostile, uploads),
        st.tuples(valid, hostile).map(lambda pair: ({**pair[0][0], **pair[1]}, pair[0][1])),
    )


def fuzz_view(client, url, *, payloads, method="post", succeeded=None, may_write=(), max_examples=MAX_EXAMPLES,
              **hypothesis_options):
    """Send every payload to `url`; never a 5xx, and nothing written unless `succeeded(response)`.

    `succeeded` defaults to "never" (a GET that must not write); `may_write` names tables a refusal
    may still write, e.g. the audit log of a failed sign-in; `hypothesis_options` go to
    hypothesis.settings (e.g. phases=...).
    """
    succeeded = succeeded or (lambda response: False)

    @hypothesis_settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
        **hypothesis_options,
    )
    @given(payload=payloads)
    def send(payload):
        data, files = payload
        for upload in files.values():
            upload.seek(0)
        before = row_counts()
        response = getattr(client, method)(url, {**data, **files})
        assert response.status_code < 500, f"{response.status_code} for {data!r} {files!r}"
        if not succeeded(response):
            changed = {table: counts for table, counts in changed_tables(before, row_counts()).items()
                       if table not in may_write}
            assert not changed, f"an unsuccessful request ({response.status_code}) wrote to {changed}"

    send()
