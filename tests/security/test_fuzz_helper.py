"""The fuzz runner itself catches what it is for: a 500, and a write behind a refusal."""

import pytest
from django import forms
from django.http import HttpResponse
from django.urls import path
from hypothesis import Phase

from branches.models import Event

from .fuzz import form_payloads, fuzz_view

# Finding the failure is the point here; shrinking it (each try logs a 500) only costs time.
NO_SHRINK = {"phases": [Phase.explicit, Phase.reuse, Phase.generate]}

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


class NoteForm(forms.Form):
    note = forms.CharField(max_length=20)
    count = forms.IntegerField(min_value=0, max_value=10)


def fragile(request):
    # Breaks on the first text a careless view might not expect.
    if any(not value.isascii() or len(value) > 20 for value in request.POST.values()):
        raise ValueError("unexpected input")
    return HttpResponse(status=400)


def leaky(request):
    Event.objects.create(action="probe.half_written")
    return HttpResponse(status=400)


urlpatterns = [path("fragile/", fragile), path("leaky/", leaky)]


def test_a_view_that_crashes_on_hostile_text_is_caught(client):
    with pytest.raises(Exception) as raised:
        fuzz_view(client, "/fragile/", payloads=form_payloads(NoteForm), **NO_SHRINK)
    assert "unexpected input" in str(raised.value) or "500" in str(raised.value)


def test_a_refused_request_that_writes_is_caught(client):
    with pytest.raises(AssertionError, match="wrote to"):
        fuzz_view(client, "/leaky/", payloads=form_payloads(NoteForm), **NO_SHRINK)


def test_a_write_is_allowed_where_the_caller_says_so(client):
    fuzz_view(client, "/leaky/", payloads=form_payloads(NoteForm), may_write={"branches_event"}, max_examples=3)
