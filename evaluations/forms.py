"""Forms. Scores are typed as text and parsed by `scoring.parse_score`, the same function the
services and the Excel import use, so every path gives the same Chinese message."""

import datetime

from django import forms

from branches.models import Organization
from cultivation.models import Batch

from . import scoring
from .enums import RoundPhase
from .models import Round, Rubric


class ScoresForm(forms.Form):
    """A field pair (score, comment) per criterion; the score input carries its maximum and weight
    as data attributes for static/js/scoresheet.js, which shows the running total while typing."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, criteria, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.CharField(
                label=criterion.name, required=False, disabled=disabled,
                widget=forms.TextInput(attrs={
                    "inputmode": "decimal", "class": "form-control score-input", "autocomplete": "off",
                    "data-score": "", "data-max": scoring.fmt(criterion.max_score),
                    "data-weight": scoring.fmt(criterion.weight),
                    "aria-label": f"{criterion.name}得分（0–{scoring.fmt(criterion.max_score)}）",
                    "placeholder": f"0–{scoring.fmt(criterion.max_score)}"}))
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=f"{criterion.name}评语", required=False, max_length=500, disabled=disabled,
                widget=forms.TextInput(attrs={"class": "form-control", "aria-label": f"{criterion.name}评语"}))

    def rows(self):
        for criterion in self.criteria:
            yield criterion, self[f"score_{criterion.pk}"], self[f"comment_{criterion.pk}"]

    def clean(self):
        cleaned = super().clean()
        for criterion in self.criteria:
            name = f"score_{criterion.pk}"
            if name in self.errors:
                continue
            try:
                scoring.parse_score(cleaned.get(name), criterion.max_score)
            except ValueError as error:
                self.add_error(name, str(error))
        return cleaned

    def values(self):
        """{criterion id: (raw score, comment)} for the services, which parse again (they trust no form)."""
        return {c.pk: (self.cleaned_data.get(f"score_{c.pk}"), self.cleaned_data.get(f"comment_{c.pk}", ""))
                for c in self.criteria}

    @staticmethod
    def initial_for(scores, comment_field="comment"):
        initial = {}
        for score in scores:
            initial[f"score_{score.criterion_id}"] = scoring.fmt(score.value)
            initial[f"comment_{score.criterion_id}"] = getattr(score, comment_field)
        return initial


class SheetForm(ScoresForm):
    comment = forms.CharField(label="总体评语", required=False, max_length=3000,
                              widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))


class SelfEvaluationForm(ScoresForm):
    narrative = forms.CharField(label="自评报告", required=False, max_length=20000,
                                widget=forms.Textarea(attrs={"rows": 10, "class": "form-control"}),
                                help_text="对照“七个有力”和特色要求，写明主要做法与成效、存在的不足和下一步打算")


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["batch", "phase", "name", "rubric", "deadline", "reviewers_per_project", "method", "trim_min_count",
                  "excellent_min", "good_min", "pass_min"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = Batch.objects.order_by("-year", "-selection_start")
        self.fields["rubric"].queryset = Rubric.objects.order_by("code", "-version")
        self.fields["phase"].choices = RoundPhase.choices


class AssignForm(forms.Form):
    project = forms.TypedChoiceField(label="项目", coerce=int)
    reviewer = forms.TypedChoiceField(label="评审专家", coerce=int)

    def __init__(self, *args, projects, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [(p.pk, p.organization.name) for p in projects]
        self.fields["reviewer"].choices = [
            (u.pk, f"{u.get_full_name() or u.username}（{getattr(u, 'unit_names', '')}）") for u in reviewers]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=500, widget=forms.TextInput(attrs={"class": "form-control"}))


class PublishForm(forms.Form):
    title = forms.CharField(label="公示标题", max_length=150)
    body = forms.CharField(label="公示说明", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    starts_on = forms.DateField(label="公示开始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_starts_on(self):
        day = self.cleaned_data["starts_on"]
        if self.today and day < self.today:
            raise forms.ValidationError("公示开始日期不能早于今天")
        return day


class ImportForm(forms.Form):
    file = forms.FileField(label="评分矩阵（.xlsx）")
    dry_run = forms.BooleanField(label="仅校验（不写入数据）", required=False, initial=True)


class ConflictForm(forms.Form):
    organization = forms.ModelChoiceField(label="回避的党组织", queryset=Organization.objects.none(),
                                          help_text="选择二级党组织时，其下所有党支部一并回避")
    reason = forms.CharField(label="回避原因", max_length=300, help_text="如：本人为该支部党员、近亲属在该支部等")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(is_active=True).order_by("path")


def default_notice_start(today):
    return today + datetime.timedelta(days=1)
