"""The same world with more rows: every branch that has a project is copied, with everything under it.

`grow(copies)` copies each such branch `copies` times and then, model by model, every row that points
at a copied row (projects, their reports, evidence, activities and spending, score sheets and their
scores, notice items and objections, role assignments, …), each copy pointing at the matching copies,
and the event-log rows about copied rows. A page that runs the same queries before and after does
not grow with the data; one that runs more has a query per row. Many-to-many links are not copied.
"""

from collections import defaultdict

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models

from branches.enums import BRANCH_KINDS
from branches.models import Event, Organization
from branches.services import refresh_tree

OUR_APPS = {"branches", "notifications", "cultivation", "evaluations", "planning", "dissemination", "dashboards"}


def grow(copies=2):
    copied = defaultdict(dict)  # model → {old pk: [new pk per copy]}
    branches = list(Organization.objects.filter(kind__in=BRANCH_KINDS, projects__isnull=False).distinct())
    rows = []
    for copy in range(copies):
        for branch in branches:
            clone = _copy(branch)
            clone.code = f"{branch.code}-x{copy + 1}"[:32]
            clone.name = f"{branch.name}（{copy + 1}）"[:100]
            rows.append((branch.pk, clone))
    Organization.objects.bulk_create([clone for _, clone in rows])
    for old, clone in rows:
        copied[Organization].setdefault(old, []).append(clone.pk)
    refresh_tree()
    for model in _order(set(copied)):
        _copy_rows(model, copied, copies)
    _copy_events(copied, copies)
    return {model._meta.label: sum(len(v) for v in olds.values()) for model, olds in copied.items()}


def _copy(row):
    return _copy_values(row)


def _foreign_keys(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey) and f.related_model is not model]


def _order(seeds):
    """The models to copy: those pointing at a copied model, each after every copied model it points at."""
    ours = [m for m in apps.get_models() if m._meta.app_label in OUR_APPS and m is not Event and not m._meta.proxy
            and m not in seeds]
    chosen, changed = set(seeds), True
    while changed:
        changed = False
        for model in ours:
            if model not in chosen and any(f.related_model in chosen for f in _foreign_keys(model)):
                chosen.add(model)
                changed = True
    order, done = [], set(seeds)
    pending = [m for m in ours if m in chosen]
    while pending:
        for model in pending:
            needs = {f.related_model for f in _foreign_keys(model)} & chosen
            if needs <= done | {model}:
                order.append(model)
                done.add(model)
                pending.remove(model)
                break
        else:
            raise RuntimeError(f"circular references among {pending}")
    return order


def _copy_rows(model, copied, copies):
    keys = [f for f in _foreign_keys(model) if f.related_model in copied]
    condition = models.Q(pk__in=[])
    for field in keys:
        condition |= models.Q(**{f"{field.attname}__in": list(copied[field.related_model])})
    originals = list(model.objects.filter(condition).order_by("pk"))
    if not originals:
        return
    clones, sources = [], []
    for copy in range(copies):
        for row in originals:
            clone = _copy_values(row)
            for field in keys:
                old = getattr(row, field.attname)
                targets = copied[field.related_model].get(old)
                if targets:
                    setattr(clone, field.attname, targets[copy])
            clones.append(clone)
            sources.append(row.pk)
    model.objects.bulk_create(clones, batch_size=1000)
    for old, clone in zip(sources, clones):
        copied[model].setdefault(old, []).append(clone.pk)


def _copy_values(row):
    clone = type(row)()
    for field in row._meta.concrete_fields:
        if not field.primary_key:
            setattr(clone, field.attname, getattr(row, field.attname))
    return clone


def _copy_events(copied, copies):
    events = []
    for model, olds in copied.items():
        content_type = ContentType.objects.get_for_model(model)
        for event in Event.objects.filter(content_type=content_type, object_id__in=[str(pk) for pk in olds]):
            for copy in range(copies):
                clone = _copy_values(event)
                clone.object_id = str(olds[int(event.object_id)][copy])
                events.append(clone)
    Event.objects.bulk_create(events, batch_size=1000)
    copied[Event] = {}
