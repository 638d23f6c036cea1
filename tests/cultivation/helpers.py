"""Shared set-up for the cultivation tests: batches whose windows put today in a chosen phase."""

import datetime

from django.utils import timezone

from cultivation.models import Batch
from tests.factories import BatchFactory, batch_windows

# Where each phase begins in tests.factories.batch_windows, in days from the start.
PHASE_OFFSET = {"selection": 0, "recognition": 30, "cultivation": 60, "midterm": 360, "harvest": 390}


def start_for(phase, today=None):
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=PHASE_OFFSET[phase] + 1)


def batch_in(phase, **kwargs):
    """A batch whose windows put today one day into `phase`."""
    start = start_for(phase)
    kwargs.setdefault("nomination_deadline", start + datetime.timedelta(days=20))
    kwargs.setdefault("year", start.year)
    return BatchFactory(start=start, **kwargs)


def enter(batch, phase):
    """Shift the batch's windows so that today is in `phase`: time passing, for a test."""
    Batch.objects.filter(pk=batch.pk).update(**batch_windows(start_for(phase)))
    batch.refresh_from_db()
    return batch


def answered(data=None, a=3, b=4):
    """Form data for the public objection form with its 验证题 answered, as a person would: a fresh
    question (3 + 4 unless told) and its answer."""
    from cultivation import challenge

    question = challenge.issue(a, b)
    return {**(data or {}), "challenge": question.token, "answer": str(a + b)}
