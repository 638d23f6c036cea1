"""Forms of the cultivation pages. They check input; writes happen in services and workflow."""

from django import forms

from branches import access
from branches.enums import OWNER_KINDS, BranchCategory, BranchType
from branches.forms import DecisionField
from branches.inputs import DateField, IdField, VersionField, date_formfield
from branches.models import Organization
from branches.plain_text import FilterForm, PlainTextForm, PlainTextModelForm

from . import challenge as challenges
from . import levels, selectors, services, workflow
from .enums import Grade, Level, Phase, ProjectState
from .models import AcceptanceRecord, Batch, FinalDeliverable, Notice, Project
from .models.notices import NoticeKind, ObjectionOutcome
from .models.reviews import ReviewStage

DATE = {"type": "date"}


def date_input():
    return forms.DateInput(attrs=DATE, format="%Y-%m-%d")


class VersionForm(PlainTextForm):
    """Carries the project version the page was built from, so a stale form is refused."""

    version = VersionField()


class BatchForm(PlainTextModelForm):
    class Meta:
        formfield_callback = date_formfield
        model = Batch
        fields = ["name", "owner", "kind", "year", "description", "quota_total", "quota_faculty", "quota_student",
                  "cultivation_months", "notice_working_days", "one_project_per_branch", "nomination_deadline",
                  "selection_start", "selection_end", "recognition_start", "recognition_end",
                  "cultivation_start", "cultivation_end", "midterm_start", "midterm_end",
                  "harvest_start", "harvest_end", "report_every_months", "report_due_day"]
        widgets = {name: date_input() for name in [
            "nomination_deadline", "selection_start", "selection_end", "recognition_start", "recognition_end",
            "cultivation_start", "cultivation_end", "midterm_start", "midterm_end", "harvest_start", "harvest_end"]}
        widgets["description"] = forms.Textarea(attrs={"rows": 3})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A batch is run by an organization the user runs as 组织部 staff: their school's 党委, or
        # for a province's staff the 教育工委; the level (校级/省级/国家级) follows from it.
        owners = Organization.objects.filter(kind__in=OWNER_KINDS).order_by("path")
        if not user.is_superuser:
            owners = owners.filter(access.staff_scope_q(user))
        self.fields["owner"].queryset = owners
        self.fields["owner"].help_text = "批次级别随主办单位确定：学校党委为校级，上级党组织为省级，教育部为国家级"
        self.only_owner = owners.first() if len(owners[:2]) == 1 else None
        if self.only_owner is not None:
            # One school's staff run one owner: the field is filled for them, a choice only for those above.
            self.fields["owner"].initial = self.only_owner
            self.fields["owner"].required = False

    def clean_owner(self):
        return self.cleaned_data.get("owner") or self.only_owner


class BatchEditForm(BatchForm):
    """The settings of an existing batch: a change of dates that affects projects is shown first and then
    confirmed with a reason (cultivation.batch_dates)."""

    change_reason = forms.CharField(label="修改原因", max_length=500, required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}), help_text="记入事件日志，并随批次的修改记录显示")
    # The digest of the effects the page showed; rendered by the template on the confirmation step only.
    confirmed = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)


class UnitQuotaForm(PlainTextForm):
    unit = forms.ModelChoiceField(label="二级党组织", queryset=Organization.objects.none(),
                                  widget=forms.Select(attrs={"data-searchable": "true"}))
    quota = forms.IntegerField(label="推荐名额", min_value=0, max_value=999, required=False,
                               help_text="留空表示不限")

    def __init__(self, *args, batch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.quota_units(batch)
        if batch.level != Level.SCHOOL:
            self.fields["unit"].label = "推荐单位"


class RecommendUpForm(PlainTextForm):
    source = forms.ModelChoiceField(label="推荐的培育项目", queryset=Project.objects.none(),
                                    widget=forms.Select(attrs={"data-searchable": "true"}),
                                    help_text="本单位下一级批次中已确定为培育对象的项目；申报书与特色活动随之带入，培育记录可随时查阅")
    rank = forms.IntegerField(label="推荐排序", min_value=1, max_value=999)
    recommendation = forms.CharField(label="推荐意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, projects, batch, **kwargs):
        super().__init__(*args, **kwargs)
        self.batch = batch
        self.fields["source"].queryset = projects
        self.fields["source"].label_from_instance = lambda p: f"{p.organization.name}（{p.batch.name}，{p.get_state_display()}）"

    def clean(self):
        cleaned = super().clean()
        source = cleaned.get("source")
        if source is not None and cleaned.get("rank") is not None:
            refused = services.rank_refusal(batch=self.batch, unit=workflow.recommender_of(self.batch, source.organization),
                                            rank=cleaned["rank"])
            if refused is not None:
                self.add_error("rank", refused.text)
        return cleaned


class ApplicationForm(PlainTextModelForm):
    class Meta:
        model = Project
        fields = ["title", "concept", "practice", "experience", "plan"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in ["concept", "practice", "experience", "plan"]}
        help_texts = {
            "concept": "初步提炼的立意：本支部培育什么、为什么",
            "practice": "梳理已有的做法",
            "experience": "总结的经验",
            "plan": "今后18个月的培育思路",
        }


class StartForm(ApplicationForm):
    organization = forms.ModelChoiceField(label="申报单位", queryset=Organization.objects.none(),
                                          widget=forms.Select(attrs={"data-searchable": "true"}))

    class Meta(ApplicationForm.Meta):
        fields = ["organization"] + ApplicationForm.Meta.fields

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class ActivityForm(PlainTextForm):
    name = forms.CharField(label="特色活动名称", max_length=100)
    description = forms.CharField(label="活动内容", max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))
    planned_budget = forms.DecimalField(label="计划经费（元）", min_value=0, max_digits=10, decimal_places=2)


ActivityFormSet = forms.formset_factory(ActivityForm, extra=0, min_num=1, max_num=2, validate_min=True,
                                        validate_max=True, absolute_max=2)


def activity_formset(data=None, *, initial=None):
    # Posted forms are all "extra" forms (INITIAL_FORMS=0), so they are compared with nothing: with
    # the saved activities as initial, an unchanged activity would count as an empty form.
    formset = ActivityFormSet(data, initial=None if data is not None else initial, prefix="activities")
    # Always offer two slots; an untouched second one is ignored.
    if data is None and len(initial or []) < 2:
        formset.extra = 2 - max(len(initial or []), 1)
    return formset


def activities_of(formset):
    return [form.cleaned_data for form in formset.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]


class RecommendForm(VersionForm):
    rank = forms.IntegerField(label="推荐排序", min_value=1, max_value=999, required=False)
    recommendation = forms.CharField(label="推荐意见", max_length=2000, required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project

    def clean_rank(self):
        rank = self.cleaned_data.get("rank")
        if self.project is not None and rank is not None and rank != self.project.nomination_rank:
            refused = services.rank_refusal(batch=self.project.batch, unit=self.project.unit, rank=rank,
                                            exclude=self.project)
            if refused is not None:
                raise forms.ValidationError(refused.text)
        return rank


class NominationRowForm(RecommendForm):
    """One row of the nominations page, which posts to the page itself so a refused row comes back as typed."""
    project = IdField(label="申报")


class ScreeningNoteForm(VersionForm):
    note = forms.CharField(label="筛选意见", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MoveForm(VersionForm):
    reason = forms.CharField(label="原因", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    grade = DecisionField(label="评定等次", choices=Grade.choices, required=False)


class ExtendForm(PlainTextForm):
    phase = forms.ChoiceField(label="阶段", choices=Phase.choices)
    until = DateField(label="延长至", widget=date_input())
    reason = forms.CharField(label="原因", max_length=500)


class MidtermReportForm(VersionForm):
    summary = forms.CharField(label="阶段性工作总结", max_length=20000, required=False,
                              widget=forms.Textarea(attrs={"rows": 8}))
    outcome_report = forms.CharField(label="成果报告", max_length=20000, required=False,
                                     widget=forms.Textarea(attrs={"rows": 8}))


class FinalReportForm(VersionForm):
    summary = forms.CharField(label="工作总结报告", max_length=20000, required=False,
                              widget=forms.Textarea(attrs={"rows": 8}))


class DeliverableForm(PlainTextModelForm):
    link = forms.URLField(label="链接", max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = FinalDeliverable
        fields = ["kind", "title", "description", "link"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class AttachmentForm(PlainTextForm):
    stage = forms.ChoiceField(label="阶段", choices=ReviewStage.choices, widget=forms.HiddenInput)
    file = forms.FileField(label="附件（图片、PDF 或 Office 文档）")


class FeedbackForm(PlainTextForm):
    content = forms.CharField(label="整改意见", max_length=3000, widget=forms.Textarea(attrs={"rows": 2}))


class FeedbackResponseForm(PlainTextForm):
    response = forms.CharField(label="整改情况", max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class FeedbackVerifyForm(PlainTextForm):
    verified = DecisionField(label="核查结论", choices=[("yes", "整改到位"), ("no", "未整改到位")],
                             coerce=lambda value: value == "yes")
    note = forms.CharField(label="核查说明", max_length=1000, required=False)


class AcceptanceForm(PlainTextModelForm):
    version = VersionField()

    class Meta:
        formfield_callback = date_formfield
        model = AcceptanceRecord
        fields = ["material_review_on", "material_review_notes", "presentation_on", "presentation_notes",
                  "site_visit_on", "site_visit_notes", "override_reason"]
        widgets = {"material_review_on": date_input(), "presentation_on": date_input(), "site_visit_on": date_input(),
                   "material_review_notes": forms.Textarea(attrs={"rows": 2}),
                   "presentation_notes": forms.Textarea(attrs={"rows": 2}),
                   "site_visit_notes": forms.Textarea(attrs={"rows": 2}),
                   "override_reason": forms.Textarea(attrs={"rows": 2})}


class ProjectsField(forms.ModelMultipleChoiceField):
    """Ids past what a 64-bit column holds are refused as unknown choices before they reach the database
    (SQLite raises OverflowError on them in an `__in` lookup)."""

    def _check_values(self, value):
        for pk in value if isinstance(value, (list, tuple)) else ():
            try:
                number = int(pk)
            except (TypeError, ValueError):
                continue
            if not -(2**63) <= number < 2**63:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                            params={"value": pk})
        return super()._check_values(value)


class NoticeForm(PlainTextForm):
    kind = forms.ChoiceField(label="公示类型", choices=NoticeKind.choices)
    title = forms.CharField(label="标题", max_length=150)
    body = forms.CharField(label="公示说明", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    starts_on = DateField(label="公示开始日期", widget=date_input())
    contact = forms.CharField(label="异议受理联系方式", max_length=200, required=False)
    projects = ProjectsField(label="公示对象", queryset=Project.objects.none(),
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = projects
        self.fields["projects"].label_from_instance = lambda p: f"{p.organization.name}（{p.unit.name}）{p.title}"


class ObjectionForm(PlainTextForm):
    item = forms.ModelChoiceField(label="针对的公示对象", queryset=None, required=False, empty_label="整份公示")
    name = forms.CharField(label="真实姓名", max_length=50,
                           error_messages={"required": "请填写真实姓名：异议须实名提出"})
    contact = forms.CharField(label="联系方式", max_length=100, help_text="手机或电子邮箱，便于核实和反馈",
                              error_messages={"required": "请填写联系方式，便于核实和反馈"})
    affiliation = forms.CharField(label="所在单位", max_length=100, required=False)
    content = forms.CharField(label="异议内容", max_length=3000, widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": "请填写异议内容"})
    challenge = forms.CharField(widget=forms.HiddenInput, required=False)
    answer = forms.CharField(label="验证题", max_length=10, required=False,
                             help_text="请填写答案（数字），用于防止自动程序批量提交",
                             widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))

    def __init__(self, *args, items, challenge, **kwargs):
        """`challenge` is the question to show (cultivation/challenge.py): the posted one while it is
        still good, so a person correcting another field keeps their question, else a fresh one."""
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda item: item.project.organization.name
        self.fields["answer"].label = challenge.question
        self.initial["challenge"] = challenge.token
        self.renewed = self.is_bound and self.data.get("challenge") != challenge.token
        if self.renewed:
            # The posted question was no good (forged, expired or missing): show the new one and ask
            # its answer afresh.
            self.data = self.data.copy()
            self.data["challenge"], self.data["answer"] = challenge.token, ""
        self.challenge_nonce = ""

    def clean(self):
        cleaned = super().clean()
        if self.renewed:
            self.add_error("answer", "验证题已失效（过期或已使用），请回答新的验证题后再提交")
            return cleaned
        try:
            self.challenge_nonce = challenges.check(self.data.get("challenge"), self.data.get("answer"))
        except challenges.ChallengeFailed as failed:
            if failed.renew:
                self.ask(challenges.issue())
            self.add_error("answer", failed.message)
        return cleaned

    def ask(self, challenge):
        """Shows a new question in place of the posted one, keeping everything else that was typed."""
        self.fields["answer"].label = challenge.question
        # Validation has already made the bound field, which took the old label then: it is what renders.
        self["answer"].label = challenge.question
        self.data = self.data.copy()
        self.data["challenge"], self.data["answer"] = challenge.token, ""

    def objection_fields(self):
        """What the service takes, with the answered question's nonce."""
        data = {key: self.cleaned_data[key] for key in ("item", "name", "contact", "affiliation", "content")}
        return {**data, "challenge": self.challenge_nonce}


class NoticeWithdrawForm(PlainTextForm):
    reason = forms.CharField(label="撤销理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "撤销公示须填写理由"})


class NoticeCorrectForm(PlainTextForm):
    title = forms.CharField(label="标题", max_length=150)
    body = forms.CharField(label="公示说明", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    contact = forms.CharField(label="异议受理联系方式", max_length=200, required=False)
    remove = forms.ModelMultipleChoiceField(
        label="移除有误的公示对象", queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="更正不能新增公示对象：新增对象须另行发布公示，以保证完整的公示期")
    reason = forms.CharField(label="更正理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "更正公示须填写理由"})

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove"].queryset = items
        self.fields["remove"].label_from_instance = lambda item: (
            f"{item.project.organization.name}" + (f"（{item.note}）" if item.note else ""))


class ObjectionAnswerForm(PlainTextForm):
    outcome = DecisionField(label="处理结果", choices=ObjectionOutcome.choices)
    response = forms.CharField(label="处理情况", max_length=3000, widget=forms.Textarea(attrs={"rows": 2}))


class ProjectFilterForm(FilterForm):
    q = forms.CharField(label="搜索", required=False, max_length=50,
                        widget=forms.TextInput(attrs={"placeholder": "支部名称或创建主题"}))
    batch = forms.ModelChoiceField(label="批次", queryset=Batch.objects.none(), required=False, empty_label="全部批次")
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态")] + ProjectState.choices + [
        ("nominated", "已推荐及以后（占用名额）"), ("cultivated", "已认定为培育对象")])
    category = forms.ChoiceField(label="支部分类", required=False,
                                 choices=[("", "全部分类")] + BranchCategory.choices + [("none", "未填写分类")])
    unit = forms.ModelChoiceField(label="二级党组织", queryset=Organization.objects.none(), required=False,
                                  empty_label="全部二级党组织")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = Batch.objects.visible_to(user)
        # Only the units the user's projects are recommended by: a dashboard's link names one of them.
        self.fields["unit"].queryset = Organization.objects.filter(
            pk__in=Project.objects.visible_to(user).values("unit_id")).in_listing_order()

    def active_filters(self):
        """(label, value in words) of each filter in use, for the line above the list."""
        return active_filters(self)


def active_filters(form):
    found = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            value = dict(field.choices).get(value, value)
        found.append((field.label, str(value)))
    return found


class ScreeningFilterForm(FilterForm):
    unit = forms.ModelChoiceField(label="二级党组织", queryset=Organization.objects.none(), required=False,
                                  empty_label="全部二级党组织")
    branch_type = forms.ChoiceField(label="支部类型", required=False, choices=[("", "全部支部类型")] + BranchType.choices)
    category = forms.ChoiceField(label="支部分类", required=False, choices=[("", "全部分类")] + BranchCategory.choices)
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "已推荐及以后")] + [
        (state, ProjectState(state).label) for state in
        (ProjectState.NOMINATED, ProjectState.SHORTLISTED, ProjectState.RECOGNIZED, ProjectState.REJECTED)])
    sort = forms.ChoiceField(label="排序", required=False, choices=[
        ("rank", "按单位与推荐排序"), ("submitted", "按提交时间"), ("name", "按支部名称"), ("state", "按状态")])

    def __init__(self, *args, batch, **kwargs):
        super().__init__(*args, **kwargs)
        # The recommenders: a school's 二级党组织, or the schools recommending into a province's batch.
        if batch.level == Level.SCHOOL:
            self.fields["unit"].queryset = Organization.objects.secondary().within([batch.owner.path]).in_listing_order()
        else:
            self.fields["unit"].queryset = selectors.quota_units(batch)
        self.fields["state"].choices = [(value, levels.state_label(value, batch.level) if value else label)
                                        for value, label in self.fields["state"].choices]
        recommender = levels.recommender(batch.level)
        self.fields["unit"].label, self.fields["unit"].empty_label = recommender, f"全部{recommender}"


class ObjectionFilterForm(FilterForm):
    """Filters of the objections across notices; the batches and notices offered are those the user runs."""

    batch = forms.ModelChoiceField(label="批次", queryset=Batch.objects.none(), required=False, empty_label="全部批次")
    notice = forms.ModelChoiceField(label="公示", queryset=None, required=False, empty_label="全部公示")
    state = forms.ChoiceField(label="处理情况", required=False,
                              choices=[("", "全部异议")] + list(selectors.OBJECTION_STATES.items()))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = Batch.objects.managed_by(user)
        self.fields["notice"].queryset = Notice.objects.managed_by(user).order_by("-starts_on", "-id")

    def active_filters(self):
        return active_filters(self)
