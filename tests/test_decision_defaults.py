"""A decision never comes preselected: its field starts at 请选择 and must be chosen (issue 24, item 9).

The pages are checked through the test client; the class test scans every form of the project for a
field that records a decision and finds none with a value chosen in advance."""

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from branches.forms import DecisionField
from cultivation import notices
from cultivation.models import Objection
from planning.models import Appraisal
from tests.cultivation.test_notices import publish, shortlisted

pytestmark = pytest.mark.django_db

# Labels of a field that records someone's decision or judgement rather than describing an object.
DECISION_LABEL = re.compile("结果|结论|等次|评定|决定")


def _selected(page, name):
    """The options of the <select name=…> on the page, as (value, selected)."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [(value, bool(selected)) for value, selected in
            re.findall(r'<option value="([^"]*)"( selected)?', select)]


def test_an_objection_outcome_starts_unchosen_and_must_be_chosen(tree, client_for):
    notice = publish(tree, shortlisted(tree))
    objection = notices.objection_lodge(notice=notice, item=notice.items.get(), name="李四", contact="138",
                                        content="请核实")
    client = client_for(tree.staff)
    page = client.get(reverse("cultivation:notice_detail", args=[notice.pk])).content.decode()
    options = _selected(page, "outcome")
    assert options[0][0] == "" and not any(selected for value, selected in options if value)
    response = client.post(reverse("cultivation:objection_answer", args=[objection.pk]),
                           {"response": "经核实不属实"}, follow=True)
    assert "请选择处理结果" in response.content.decode()
    assert not Objection.objects.get(pk=objection.pk).is_answered


def test_an_appraisal_result_starts_unchosen_and_must_be_chosen(tree, client_for):
    client = client_for(tree.unit_staff)
    page = client.get(reverse("planning:appraisal_detail", args=[tree.branch_a1.pk])).content.decode()
    options = _selected(page, "result")
    assert options[0][0] == "" and not any(selected for value, selected in options if value)
    response = client.post(reverse("planning:appraisal_save", args=[tree.branch_a1.pk]),
                           {"year": 2026, "note": "落实较好"}, follow=True)
    assert "请选择评议结果" in response.content.decode() and not Appraisal.objects.exists()


def _project_forms():
    root = Path(settings.BASE_DIR)
    for app in apps.get_app_configs():
        if Path(app.path).is_relative_to(root) and not app.name.startswith("tests"):
            for module in pkgutil.walk_packages([app.path], f"{app.name}."):
                if module.name.endswith("forms"):  # forms.py, appraisal_forms.py, …
                    importlib.import_module(module.name)

    def below(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)

    apps_of_ours = {app.name.split(".")[0] for app in apps.get_app_configs()
                    if Path(app.path).is_relative_to(root)}
    return {cls for cls in below(forms.BaseForm) if cls.__module__.split(".")[0] in apps_of_ours}


def test_no_decision_field_of_any_form_comes_preselected():
    found, wrong = [], []
    for form in _project_forms():
        for name, field in getattr(form, "base_fields", {}).items():
            if not isinstance(field, forms.ChoiceField) or not DECISION_LABEL.search(str(field.label or "")):
                continue
            where = f"{form.__module__}.{form.__name__}.{name}（{field.label}）"
            found.append(where)
            choices = list(field.choices)
            if not isinstance(field, DecisionField) or field.initial not in (None, "") or choices[0][0] != "":
                wrong.append(where)
    assert found, "the scan found no decision field: it no longer reads the forms"
    assert not wrong, f"decision fields with a preselected value (use branches.forms.DecisionField): {wrong}"
