"""Django admin for cultivation. State is read-only; moves are admin actions calling the workflow,
and batch writes go through the same services as the staff pages, so the event log sees them."""

import copy

from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from branches.admin import ReadOnlyAdmin
from transitions.refusals import MoveRefused

from . import batch_dates, services, workflow
from .holidays import OFFICIAL_YEARS, official_name
from .models import (AcceptanceRecord, Attachment, Batch, Exemplar, FeaturedActivity, FeedbackItem, FinalDeliverable,
                     Holiday, HolidayYear, Notice, NoticeItem, NoticeRevision, Objection, Outcome, ProgressReport, Project,
                     Publication, Spending, UnitQuota, WindowExtension)
from .views.common import refusal_message


class UnitQuotaInline(admin.TabularInline):
    model = UnitQuota
    extra = 0
    autocomplete_fields = ["unit"]


class BatchAdminForm(forms.ModelForm):
    """The admin saves without the confirmation step of 修改设置: a change of dates that affects projects
    is sent there, where its effects are shown and a reason is asked (cultivation.batch_dates)."""

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None or self.errors:
            return cleaned
        before = Batch.objects.get(pk=self.instance.pk)
        after = copy.copy(before)
        for name, value in cleaned.items():
            if name in services.BATCH_FIELDS:
                setattr(after, name, value)
        change = batch_dates.effects(before, after, today=timezone.localdate())
        if change.stranded:
            raise forms.ValidationError(batch_dates.refusal(change).text)
        if change.projects:
            raise forms.ValidationError("此修改会影响本批次的项目，请在批次页面的“修改设置”中修改：核对影响并填写修改原因。"
                                        + "；".join(change.lines))
        return cleaned


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    form = BatchAdminForm
    list_display = ["name", "owner", "kind", "level", "year", "quota_total", "selection_start", "harvest_end"]
    list_filter = ["kind", "level", "year"]
    search_fields = ["name"]
    inlines = [UnitQuotaInline]
    readonly_fields = ["level"]
    fieldsets = [
        (None, {"fields": ["name", "owner", "kind", "level", "year", "description"]}),
        ("名额与周期", {"fields": ["quota_total", "quota_faculty", "quota_student", "cultivation_months",
                              "notice_working_days", "one_project_per_branch", "nomination_deadline", "report_every_months",
                              "report_due_day"]}),
        ("五个阶段", {"fields": [("selection_start", "selection_end"), ("recognition_start", "recognition_end"),
                             ("cultivation_start", "cultivation_end"), ("midterm_start", "midterm_end"),
                             ("harvest_start", "harvest_end")]}),
    ]

    def save_model(self, request, obj, form, change):
        fields = {name: getattr(obj, name) for name in services.BATCH_FIELDS}
        if change:
            services.batch_update(actor=request.user, batch=obj, **fields)
        else:
            obj.pk = services.batch_create(actor=request.user, **fields).pk
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        batch = form.instance
        for quota in formset.save(commit=False):
            services.unit_quota_set(actor=request.user, batch=batch, unit=quota.unit, quota=quota.quota)
        for quota in formset.deleted_objects:
            services.unit_quota_set(actor=request.user, batch=batch, unit=quota.unit, quota=None)


class FeaturedActivityInline(admin.TabularInline):
    model = FeaturedActivity
    extra = 0
    fields = ["order", "name", "planned_budget", "allocated_budget"]
    readonly_fields = ["order", "name", "planned_budget"]
    can_delete = False


def _move_action(name):
    move = workflow.MOVES[name]

    def action(modeladmin, request, queryset):
        done, refused_projects = 0, []
        for project in queryset.select_related("organization"):
            try:
                workflow.move(project=project, name=name, actor=request.user)
                done += 1
            except MoveRefused as refused:
                refused_projects.append(workflow.offender(project, refused.text))
        if refused_projects:
            # One message naming every project that was refused, each linked to its page.
            modeladmin.message_user(request, refusal_message(MoveRefused(
                f"以下 {len(refused_projects)} 个项目未能{move.label}：", offenders=refused_projects)), messages.ERROR)
        if done:
            modeladmin.message_user(request, f"已{move.label} {done} 个项目", messages.SUCCESS)

    action.__name__ = f"move_{name}"
    action.short_description = f"{move.label}（须写原因或评定等次的操作请在项目页面办理）"
    return action


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["organization", "unit", "batch", "state", "nomination_rank", "midterm_grade", "final_grade"]
    list_filter = ["batch", "state", "final_grade"]
    search_fields = ["organization__name", "title"]
    list_select_related = ["organization", "unit", "batch"]
    readonly_fields = ["batch", "organization", "unit", "state", "version", "nomination_rank", "recommendation",
                       "midterm_grade", "final_grade", "submitted_at", "created_by", "created_at", "updated_at"]
    fields = readonly_fields[:4] + ["title", "concept", "practice", "experience", "plan", "screening_note"] + \
        readonly_fields[4:]
    inlines = [FeaturedActivityInline]
    actions = [_move_action(name) for name in ("nominate", "shortlist", "recognize")]

    def has_add_permission(self, request):
        return False  # applications start on the branch's page, through the service

    def has_delete_permission(self, request, obj=None):
        return False  # the history is never rewritten; reject or withdraw instead

    def has_change_permission(self, request, obj=None):
        return False


class NoticeItemInline(admin.TabularInline):
    model = NoticeItem
    extra = 0
    readonly_fields = ["order", "project", "note", "removed_in"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class NoticeRevisionInline(admin.TabularInline):
    """Corrections and the withdrawal, read only: they are made on the 公示 page through the services."""

    model = NoticeRevision
    extra = 0
    readonly_fields = ["kind", "reason", "created_by", "created_at", "previous"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["title", "batch", "kind", "starts_on", "ends_on", "published_by", "corrected_at", "withdrawn_at"]
    list_filter = ["kind", "batch"]
    inlines = [NoticeItemInline, NoticeRevisionInline]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["notice", "name", "contact", "created_at", "outcome", "answered_at"]
    list_filter = ["outcome", "notice"]


@admin.register(WindowExtension)
class WindowExtensionAdmin(ReadOnlyAdmin):
    list_display = ["project", "phase", "until", "reason", "created_by", "created_at"]


@admin.register(FeedbackItem)
class FeedbackItemAdmin(ReadOnlyAdmin):
    list_display = ["project", "content", "responded_at", "verified"]


@admin.register(FinalDeliverable)
class FinalDeliverableAdmin(ReadOnlyAdmin):
    list_display = ["project", "kind", "title"]
    list_filter = ["kind"]


@admin.register(AcceptanceRecord)
class AcceptanceRecordAdmin(ReadOnlyAdmin):
    list_display = ["project", "material_review_on", "presentation_on", "site_visit_on"]


# The official 法定节假日 and 调休 come from the chinesecalendar package (cultivation/holidays.py);
# here staff keep only the school's own changes, which win over the official calendar.
@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "is_workday", "official"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"

    @admin.display(description="法定安排")
    def official(self, obj):
        if obj.date.year not in OFFICIAL_YEARS:
            return "该年尚未载入"
        return official_name(obj.date) or ("工作日" if obj.date.weekday() < 5 else "周末")


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    list_display = ["year", "note"]


# Progress reports and their evidence are written by the branches through cultivation/reports.py;
# the admin lets 组织部 look them up, never change them behind the workflow's back.
@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ["project", "title", "period_due", "state", "submitted_at"]
    list_filter = ["state", "project__batch"]
    search_fields = ["project__organization__name", "title"]
    list_select_related = ["project__organization", "project__batch"]


@admin.register(Attachment, Publication, Outcome, Exemplar)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "project"]
    search_fields = ["project__organization__name"]
    list_select_related = ["project__organization", "project__batch"]


@admin.register(Spending)
class SpendingAdmin(ReadOnlyAdmin):
    list_display = ["activity", "amount", "spent_on", "purpose"]
    list_select_related = ["activity__project__organization"]
