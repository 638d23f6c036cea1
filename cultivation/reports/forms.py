"""Forms for progress reports, evidence, funding and milestones. They only validate input; the
services in `cultivation.reports.services` and `cultivation.reports.evidence` decide and write."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator

from branches.inputs import DateField, IdField, VersionField, date_formfield
from branches.plain_text import FilterForm, PlainTextForm, PlainTextModelForm

from branches import access
from branches.enums import BranchCategory

from ..forms import active_filters
from ..models import Batch
from .models import Exemplar, Outcome, ProgressReport, Publication
from .publication import UPLOAD_HELP

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportForm(PlainTextModelForm):
    version = VersionField()

    class Meta:
        model = ProgressReport
        fields = ["narrative", *ProgressReport.NUMBER_FIELDS]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, activities=(), progress=None, draft=False, **kwargs):
        """`activities`: the project's featured activities; `progress`: {activity id: ActivityProgress}.

        `draft`: the report is saved on the way to something else (an upload), so it may be unfinished.
        """
        super().__init__(*args, **kwargs)
        self.fields["narrative"].required = not draft
        self.fields["narrative"].error_messages["required"] = "请填写本期工作进展"
        for name in ProgressReport.NUMBER_FIELDS:
            # A field built from the model has its validators already: setting max_value alone checks nothing.
            self.fields[name].widget.attrs.update(min=0, max=999)
            self.fields[name].validators.append(MaxValueValidator(999))
        # Added after the meeting counts: a form posted without it (an older page still open) reads 0.
        self.fields["new_members_count"].required = False
        self.fields["version"].initial = self.instance.version
        self.activities = list(activities)
        progress = progress or {}
        for activity in self.activities:
            row = progress.get(activity.pk)
            prefix = f"activity_{activity.pk}"
            self.fields[f"{prefix}_times_held"] = forms.IntegerField(
                label="开展次数", min_value=0, max_value=999, initial=row.times_held if row else 0)
            self.fields[f"{prefix}_participants"] = forms.IntegerField(
                label="参与人次", min_value=0, max_value=100000, initial=row.participants if row else 0)
            self.fields[f"{prefix}_progress"] = forms.CharField(
                label="进展情况", required=False, max_length=3000, initial=row.progress if row else "",
                widget=forms.Textarea(attrs={"rows": 3}))

    def activity_fields(self):
        """[(activity, [bound fields])] for the template."""
        return [(a, [self[f"activity_{a.pk}_{n}"] for n in ("times_held", "participants", "progress")])
                for a in self.activities]

    def clean_new_members_count(self):
        return self.cleaned_data.get("new_members_count") or 0

    def counts(self):
        return {name: self.cleaned_data[name] for name in ProgressReport.NUMBER_FIELDS}

    def activity_values(self):
        return {a.pk: {n: self.cleaned_data[f"activity_{a.pk}_{n}"] for n in ("times_held", "participants", "progress")}
                for a in self.activities}


class MoveForm(PlainTextForm):
    comment = forms.CharField(label="意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    version = VersionField(required=False)


class StartForm(PlainTextForm):
    period_due = DateField(label="截止日期")


class ReportChoiceMixin:
    """An optional hidden `report` field: the id of an editable report of the same project."""

    def clean_report(self):
        value = self.cleaned_data.get("report")
        if value in (None, ""):
            return None
        report = self.reports.filter(pk=value).first()
        if report is None:
            raise forms.ValidationError("所选报告不存在或已提交")
        return report


class AttachmentForm(ReportChoiceMixin, PlainTextForm):
    file = forms.FileField(label="佐证材料", help_text="图片（PNG、JPEG、GIF、WebP）、PDF 或 Office 文档，单个不超过 20 MB。"
                           + UPLOAD_HELP,
                           error_messages={"required": "请选择要上传的文件", "empty": "文件是空的，请重新选择文件。"})
    caption = forms.CharField(label="说明", required=False, max_length=200, help_text="图片公开后，说明随图片一同公开")
    report = IdField(required=False)

    def __init__(self, *args, reports, **kwargs):
        super().__init__(*args, **kwargs)
        self.reports = reports


class EvidenceModelForm(ReportChoiceMixin, PlainTextModelForm):
    report = IdField(required=False)

    def __init__(self, *args, reports, **kwargs):
        super().__init__(*args, **kwargs)
        self.reports = reports

    def fields_for_service(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class PublicationForm(EvidenceModelForm):
    link = forms.URLField(label="链接", required=False, max_length=500, assume_scheme="https",
                          error_messages={"invalid": "请填写完整的网址，如 https://news.example.edu.cn/…"})

    class Meta:
        formfield_callback = date_formfield
        model = Publication
        fields = ["channel", "title", "link", "published_on"]
        widgets = {"published_on": DATE}


class OutcomeForm(EvidenceModelForm):
    class Meta:
        formfield_callback = date_formfield
        model = Outcome
        fields = ["kind", "title", "description", "achieved_on"]
        widgets = {"achieved_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}


class ExemplarForm(EvidenceModelForm):
    class Meta:
        model = Exemplar
        fields = ["kind", "person", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


EVIDENCE_FORMS = {"publication": PublicationForm, "outcome": OutcomeForm, "exemplar": ExemplarForm}


class AllocationForm(PlainTextForm):
    amount = forms.DecimalField(label="学校支持经费（元）", min_value=0, max_digits=10, decimal_places=2)


class SpendingForm(PlainTextForm):
    amount = forms.DecimalField(label="金额（元）", min_value=Decimal("0.01"), max_digits=10, decimal_places=2)
    spent_on = DateField(label="支出日期", widget=DATE)
    purpose = forms.CharField(label="用途", max_length=200)


class MilestoneForm(PlainTextForm):
    date = DateField(label="节点日期", widget=DATE)
    title = forms.CharField(label="节点名称", max_length=100)


def error_text(form):
    """A form's errors as one Chinese sentence, for a flashed message."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields and name != "__all__" else ""
        parts += [f"{label}：{e}" if label else str(e) for e in errors]
    return "；".join(parts)


class FundingFilterForm(FilterForm):
    batch = forms.ModelChoiceField(label="批次", queryset=Batch.objects.none(), required=False, empty_label="全部批次")
    unit = forms.ModelChoiceField(label="二级党组织", queryset=None, required=False, empty_label="全部二级党组织")
    category = forms.ChoiceField(label="支部分类", required=False,
                                 choices=[("", "全部分类")] + BranchCategory.choices + [("none", "未填写分类")])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = Batch.objects.visible_to(user)
        self.fields["unit"].queryset = access.visible_organizations(user).secondary().in_listing_order()

    def active_filters(self):
        """(label, value in words) of each filter in use, for the line above the list."""
        return active_filters(self)
