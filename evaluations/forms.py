"""Forms. Scores are typed as text and parsed by `scoring.parse_score`, the same function the
services and the Excel import use, so every path gives the same Chinese message."""

from django import forms
from django.core.validators import MinValueValidator

from branches.inputs import DateField, VersionField, date_formfield
from branches.models import Organization
from branches.plain_text import PlainTextForm, PlainTextModelForm
from cultivation.models import Batch

from . import rules, scoring
from .enums import RoundPhase
from .models import Round, Rubric


class ScoresForm(PlainTextForm):
    """A field pair (score, comment) per criterion; the score input carries its maximum and weight
    as data attributes for static/js/scoresheet.js, which shows the running total while typing."""

    version = VersionField(required=False)

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


ROUND_MESSAGES = {
    "name": {"required": "请填写名称"},
    "rubric": {"required": "请选择评分细则", "invalid_choice": "所选评分细则不存在，请重新选择"},
    "deadline": {"required": "请填写评分截止日期", "invalid": "评分截止日期格式不正确，请按“年-月-日”填写"},
    "reviewers_per_project": {"required": "请填写每个项目的评审专家数", "invalid": "每个项目的评审专家数应为整数",
                              "min_value": "每个项目至少需要 1 位评审专家"},
    "method": {"required": "请选择计分方式", "invalid_choice": "请选择计分方式"},
    "trim_min_count": {"required": "请填写去掉最高最低分的最少评分数", "invalid": "去掉最高最低分的最少评分数应为整数",
                       "min_value": "去掉最高最低分的最少评分数不能少于 3（少于 3 个评分无法同时去掉最高分和最低分）"},
    "excellent_min": {"required": "请填写优秀分数线"},
    "good_min": {"required": "请填写良好分数线"},
    "pass_min": {"required": "请填写合格分数线"},
}
NUMBER_MESSAGES = {"invalid": "请填写数字", "max_digits": "分数线应在 0 至 100 之间",
                   "max_decimal_places": "分数线最多保留两位小数", "max_whole_digits": "分数线应在 0 至 100 之间"}


class RoundSettingsForm(PlainTextModelForm):
    """A round's settings (staff page). Every check is repeated by the services, which trust no form;
    the form's own messages only say it sooner and next to the field."""

    class Meta:
        formfield_callback = date_formfield
        model = Round
        fields = ["name", "rubric", "deadline", "reviewers_per_project", "method", "trim_min_count", "excellent_min",
                  "good_min", "pass_min"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        error_messages = ROUND_MESSAGES

    def __init__(self, *args, today=None, rubric_locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["rubric"].queryset = Rubric.objects.order_by("code", "-version")
        # Which batches each rubric judges, so staff see before saving why a 标杆院系 round takes only some.
        self.fields["rubric"].label_from_instance = lambda rubric: f"{rubric}（{rubric.get_batch_kind_display()}）"
        for name in ("excellent_min", "good_min", "pass_min"):
            self.fields[name].error_messages.update(NUMBER_MESSAGES)
            self.fields[name].widget.attrs.update(min=0, max=100, step="0.01")
        self.fields["reviewers_per_project"].widget.attrs.update(min=1)
        self.fields["trim_min_count"].widget.attrs.update(min=3)
        for name, limit in (("reviewers_per_project", 1), ("trim_min_count", 3)):
            self.fields[name].validators.append(MinValueValidator(limit, ROUND_MESSAGES[name]["min_value"]))
        if rubric_locked:
            self.fields["rubric"].disabled = True
            self.fields["rubric"].help_text = "已有专家评分或支部自评，不能更换评分细则"

    def clean_deadline(self):
        day = self.cleaned_data["deadline"]
        unchanged = self.instance.pk is not None and day == self.instance.deadline
        if self.today and day < self.today and not unchanged:
            raise forms.ValidationError(f"评分截止日期不能早于今天（{self.today:%Y年%m月%d日}）")
        return day

    def clean(self):
        cleaned = super().clean()
        values = [cleaned.get(name) for name in ("excellent_min", "good_min", "pass_min")]
        if all(value is not None for value in values):
            for problem in scoring.Thresholds(*values).problems():
                self.add_error("excellent_min", problem)
        batch = cleaned.get("batch") or (self.instance.batch if self.instance.batch_id else None)
        rubric = cleaned.get("rubric")
        chosen = rubric is not None and rubric.pk != self.instance.rubric_id  # as the service checks it
        refusal = batch and chosen and rules.rubric_refusal(rubric, batch)
        if refusal:
            self.add_error("rubric", refusal)
        return cleaned

    def _post_clean(self):
        # The model's own clean would report the thresholds a second time; the services run it anyway.
        pass

    def settings(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class RoundForm(RoundSettingsForm):
    """A new round: the settings plus the batch and the phase, fixed once the round exists."""

    class Meta(RoundSettingsForm.Meta):
        fields = ["batch", "phase"] + RoundSettingsForm.Meta.fields
        error_messages = {**ROUND_MESSAGES, "batch": {"required": "请选择批次", "invalid_choice": "所选批次不存在"},
                          "phase": {"required": "请选择评估类型", "invalid_choice": "请选择评估类型"}}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the batches the user runs; the service checks again.
        self.fields["batch"].queryset = (Batch.objects.managed_by(user).select_related("owner")
                                         .order_by("-year", "-selection_start"))
        self.fields["phase"].choices = RoundPhase.choices

    def settings(self):
        return {name: self.cleaned_data[name] for name in RoundSettingsForm.Meta.fields}


class AssignForm(PlainTextForm):
    project = forms.TypedChoiceField(label="项目", coerce=int, widget=forms.Select(attrs={"data-searchable": "true"}))
    reviewer = forms.TypedChoiceField(label="评审专家", coerce=int, widget=forms.Select(attrs={"data-searchable": "true"}))

    def __init__(self, *args, projects, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [(p.pk, p.organization.name) for p in projects]
        self.fields["reviewer"].choices = [
            (u.pk, f"{u.get_full_name() or u.username}（{getattr(u, 'unit_names', '')}）") for u in reviewers]


class ReasonForm(PlainTextForm):
    reason = forms.CharField(label="原因", max_length=500, widget=forms.TextInput(attrs={"class": "form-control"}))


class RoundCloseForm(PlainTextForm):
    """The close button: the page's version only (no reason is shown, so none is read)."""

    version = VersionField(required=False)


class RoundReopenForm(RoundCloseForm):
    reason = forms.CharField(label="重新开放的原因", required=False, max_length=500,
                             error_messages={"max_length": "不能超过500字"})


class PublishForm(PlainTextForm):
    title = forms.CharField(label="公示标题", max_length=150)
    body = forms.CharField(label="公示说明", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    starts_on = DateField(label="公示开始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    version = VersionField()

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_starts_on(self):
        day = self.cleaned_data["starts_on"]
        if self.today and day < self.today:
            raise forms.ValidationError("公示开始日期不能早于今天")
        return day


class ImportForm(PlainTextForm):
    file = forms.FileField(label="评分矩阵（.xlsx）")
    dry_run = forms.BooleanField(label="仅校验（不写入数据）", required=False, initial=True)


class ConflictForm(PlainTextForm):
    organization = forms.ModelChoiceField(label="回避的党组织", queryset=Organization.objects.none(),
                                          help_text="选择二级党组织时，其下所有党支部一并回避；可输入名称筛选",
                                          widget=forms.Select(attrs={"data-searchable": "true"}))
    reason = forms.CharField(label="回避原因", max_length=300, help_text="如：本人为该支部党员、近亲属在该支部等")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.filter(is_active=True).select_related("parent").order_by("path"))
        # Typed text filters the ~280 names, which hides the tree; each branch names its parent.
        self.fields["organization"].label_from_instance = (
            lambda org: f"{org.name}（{org.parent.name}）" if org.parent_id and org.parent.parent_id else org.name)
