"""The admin shows states read-only and makes every change through the services, so the 回避 rule
and the frozen rubric hold here as everywhere."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from branches.admin import ReadOnlyAdmin
from branches.audit import log_event
from branches.plain_text import PlainTextModelForm
from transitions.refusals import MoveRefused

from . import rules, selectors, services
from .enums import RoundState
from .models import ConflictDeclaration, Criterion, Round, Rubric, RubricLocked, ScoreSheet, SelfEvaluation


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["order", "group", "name", "description", "max_score", "weight", "branch_kind"]

    def _editable(self, obj):
        return obj is None or not obj.is_used()

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._editable(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(obj)


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "version", "batch_kind", "criteria_count", "used", "created_at"]
    list_filter = ["batch_kind"]
    search_fields = ["name", "code"]
    inlines = [CriterionInline]
    actions = ["revise"]
    readonly_fields = ["created_by", "created_at"]

    @admin.display(description="指标数")
    def criteria_count(self, obj):
        return obj.criteria.count()

    @admin.display(description="已用于评分", boolean=True)
    def used(self, obj):
        return obj.is_used()

    def has_change_permission(self, request, obj=None):
        # A used rubric opens read-only: copy it into a new version to change it.
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_used())

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_used())

    def save_model(self, request, obj, form, change):
        services.rubric_save(actor=request.user, rubric=obj, changed=form.changed_data)

    def save_formset(self, request, form, formset, change):
        try:
            formset.save()
        except RubricLocked as locked:
            raise ValidationError(locked.message)
        for criterion in formset.new_objects + [c for c, _ in formset.changed_objects]:
            log_event(actor=request.user, action="criterion.saved", target=form.instance, data={"指标": criterion.name})
        for criterion in formset.deleted_objects:
            log_event(actor=request.user, action="criterion.deleted", target=form.instance,
                      data={"指标": criterion.name})

    @admin.action(description="复制为新版本（用于修改已使用的细则）")
    def revise(self, request, queryset):
        for rubric in queryset:
            copy = services.rubric_revise(rubric=rubric, actor=request.user)
            messages.success(request, f"已建立{copy}")


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "batch", "phase", "rubric", "deadline", "state"]
    list_filter = ["phase", "state"]
    readonly_fields = ["state", "notice", "created_by", "created_at"]
    actions = ["close"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.state == RoundState.OPEN)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            if change:
                services.round_update(round_=obj, actor=request.user,
                                      **{k: v for k, v in fields.items() if k in services.ROUND_FIELDS})
            else:
                data = {name: form.cleaned_data[name] for name in services.ROUND_FIELDS if name in form.cleaned_data}
                created = services.round_create(actor=request.user, batch=form.cleaned_data["batch"],
                                                phase=form.cleaned_data["phase"], **data)
                obj.pk = created.pk
        except MoveRefused as refused:
            raise ValidationError(refused.message)

    @admin.action(description="结束评审")
    def close(self, request, queryset):
        for round_ in queryset:
            try:
                services.round_move(round_=round_, name="close", actor=request.user)
            except MoveRefused as refused:
                messages.error(request, f"{round_}：{refused.message}")


class AssignmentForm(PlainTextModelForm):
    """Adding a sheet in the admin is an assignment: the same checks as the page, before the service
    checks them again inside its transaction."""

    class Meta:
        model = ScoreSheet
        fields = ["round", "project", "reviewer"]

    def clean(self):
        cleaned = super().clean()
        round_, project, reviewer = cleaned.get("round"), cleaned.get("project"), cleaned.get("reviewer")
        if round_ and project and reviewer:
            if project.batch_id != round_.batch_id or project.state not in selectors.ROUND_STATES[round_.phase]:
                raise ValidationError("该项目不在本轮评估中")
            problem = rules.assignable_problem(reviewer, project)
            if problem:
                raise ValidationError(problem)
        return cleaned


@admin.register(ScoreSheet)
class ScoreSheetAdmin(admin.ModelAdmin):
    form = AssignmentForm
    list_display = ["project", "reviewer", "round", "state", "percent", "submitted_at"]
    list_filter = ["state", "round"]
    list_select_related = ["project__organization", "project__batch", "reviewer", "round"]
    search_fields = ["project__organization__name", "reviewer__username", "reviewer__first_name"]
    autocomplete_fields = []
    raw_id_fields = ["project", "reviewer"]

    def has_change_permission(self, request, obj=None):
        return False  # scores change on the score sheet page; assignments move through actions

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            sheet = services.assignment_add(round_=obj.round, project=obj.project, reviewer=obj.reviewer,
                                            actor=request.user)
        except MoveRefused as refused:
            raise ValidationError(refused.message)
        obj.pk = sheet.pk


class ConflictForm(PlainTextModelForm):
    class Meta:
        model = ConflictDeclaration
        fields = ["reviewer", "organization", "reason"]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(admin.ModelAdmin):
    form = ConflictForm
    list_display = ["reviewer", "organization", "reason", "created_at"]
    raw_id_fields = ["reviewer", "organization"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            created = services.conflict_declare(reviewer=obj.reviewer, organization=obj.organization,
                                                reason=obj.reason, actor=request.user)
        except MoveRefused as refused:
            raise ValidationError(refused.message)
        obj.pk = created.pk


@admin.register(SelfEvaluation)
class SelfEvaluationAdmin(ReadOnlyAdmin):
    list_display = ["project", "round", "state", "percent", "submitted_at"]
    list_filter = ["state", "round"]
