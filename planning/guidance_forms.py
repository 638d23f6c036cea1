"""Forms of 跟踪指导, 困难和问题 and 表彰奖励. They only validate input; planning.guidance decides and writes."""

from django import forms

from branches.inputs import VersionField, date_formfield
from branches.plain_text import PlainTextForm, PlainTextModelForm

from .models_guidance import Commendation, Difficulty, Guidance

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GuidanceForm(PlainTextModelForm):
    class Meta:
        model = Guidance
        fields = ["kind", "held_on", "guides", "notes"]
        formfield_callback = date_formfield
        widgets = {"held_on": DATE, "notes": forms.Textarea(attrs={"rows": 4})}


class DifficultyForm(PlainTextModelForm):
    class Meta:
        model = Difficulty
        fields = ["title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


class ReplyForm(PlainTextForm):
    text = forms.CharField(label="内容", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = VersionField()


class CommendationForm(PlainTextModelForm):
    class Meta:
        model = Commendation
        fields = ["project", "subject", "person_name", "person_role", "title", "level", "conferred_by", "awarded_on",
                  "citation"]
        formfield_callback = date_formfield
        widgets = {"awarded_on": DATE, "citation": forms.Textarea(attrs={"rows": 3})}
        labels = {"person_name": "姓名（表彰个人时填写）"}

    def __init__(self, *args, projects, **kwargs):
        """`projects`: the accepted projects the user may commend (planning.selectors.commendable_projects)."""
        super().__init__(*args, **kwargs)
        field = self.fields["project"]
        field.queryset = projects
        field.label_from_instance = lambda project: f"{project.organization.name}（{project.batch.name}）"
        field.error_messages["invalid_choice"] = "请从已通过验收的培育项目中选择成果来源"


def error_text(form):
    return "；".join(f"{form.fields[name].label if name in form.fields else ''}：{message}".lstrip("：")
                    for name, messages in form.errors.items() for message in messages)
