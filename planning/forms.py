"""Forms of the task book pages. They only validate input; planning.services decides and writes."""

from django import forms

from branches.inputs import IdField, VersionField, date_formfield
from branches.plain_text import PlainTextForm, PlainTextModelForm

from .enums import TaskStatus
from .models import Task, TaskBook

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoadmapForm(PlainTextModelForm):
    version = VersionField()

    class Meta:
        model = TaskBook
        fields = ["roadmap"]
        widgets = {"roadmap": forms.Textarea(attrs={"rows": 6})}


class TaskForm(PlainTextModelForm):
    version = VersionField()

    class Meta:
        model = Task
        fields = ["title", "owner_name", "owner_role", "due", "outcome_type", "deliverable", "expected"]
        formfield_callback = date_formfield
        widgets = {"due": DATE}

    def fields_for_service(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class StartForm(PlainTextForm):
    reason = forms.CharField(label="修订原因", required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class MoveForm(PlainTextForm):
    comment = forms.CharField(label="意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    version = VersionField(required=False)


class RemoveForm(PlainTextForm):
    version = VersionField(required=False)


class TaskProgressForm(PlainTextForm):
    task = IdField(label="任务")
    status = forms.ChoiceField(label="新进展", choices=[(TaskStatus.ONGOING, TaskStatus.ONGOING.label),
                                                     (TaskStatus.DONE, TaskStatus.DONE.label)])
    note = forms.CharField(label="进展说明", required=False, max_length=500)


def error_text(form):
    """A form's errors as one Chinese sentence, for a flashed message."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields and name != "__all__" else ""
        parts += [f"{label}：{e}" if label else str(e) for e in errors]
    return "；".join(parts)
