from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from . import services
from .audit import action_label
from .models import CampusIdentity, Event, Organization, RoleAssignment


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services (or append-only, like the event log): the admin shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def attach_tree_paths(organizations):
    """Give each organization its chain of names, reading all ancestors in one query."""
    ids = {ancestor for org in organizations for ancestor in org.ancestor_ids}
    names = dict(Organization.objects.filter(pk__in=ids).values_list("id", "name"))
    for org in organizations:
        org.tree_path = " › ".join([names.get(i, "?") for i in org.ancestor_ids] + [org.name])


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "branch_type", "category", "shown_path", "member_total", "is_active"]
    list_filter = ["kind", "branch_type", "category", "is_active", "secretary_is_double_leader",
                   ("unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name", "secretary_name"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["shown_path", "unit", "updated_at"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["code", "name", "kind", "parent", "shown_path", "unit", "is_active"]}),
        ("党支部信息", {"fields": ["branch_type", "category", "founded_on", "secretary_name",
                              "secretary_is_double_leader", "full_members", "probationary_members"]}),
        ("基本要求声明", {"fields": ["declares_no_violation", "declares_no_conduct_issue", "declares_no_safety_risk"]}),
        (None, {"fields": ["updated_at"]}),
    ]

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        attach_tree_paths(changelist.result_list)
        return changelist

    @admin.display(description="组织层级")
    def shown_path(self, obj):
        if not hasattr(obj, "tree_path"):
            attach_tree_paths([obj])
        return obj.tree_path

    @admin.display(description="党员数")
    def member_total(self, obj):
        return obj.member_count

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            if change:
                services.organization_update(actor=request.user, organization=obj, **fields)
            else:
                created = services.organization_create(actor=request.user, **form.cleaned_data)
                obj.pk = created.pk
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))

    def has_delete_permission(self, request, obj=None):
        # Organizations are dissolved (状态), never deleted: projects and history point at them.
        return False


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "user_full_name", "role", "organization", "created_at"]
    list_filter = ["role", ("organization__unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organization__name"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]

    @admin.display(description="姓名")
    def user_full_name(self, obj):
        return obj.user.get_full_name()

    def has_change_permission(self, request, obj=None):
        return False  # revoke and grant again, so the log shows both

    def save_model(self, request, obj, form, change):
        created = services.role_grant(actor=request.user, user=obj.user, role=obj.role, organization=obj.organization)
        obj.pk = created.pk

    def delete_model(self, request, obj):
        services.role_revoke(actor=request.user, assignment=obj)

    def delete_queryset(self, request, queryset):
        for assignment in queryset.select_related("user", "organization"):
            services.role_revoke(actor=request.user, assignment=assignment)


class ActionFilter(admin.SimpleListFilter):
    """Filter by action, named by its Chinese label ("acceptance.recorded" is code, not a word)."""

    title = "操作"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        actions = Event.objects.order_by("action").values_list("action", flat=True).distinct()
        return sorted(((action, action_label(action)) for action in actions), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "shown_action", "object_repr", "source"]
    list_filter = [ActionFilter, "content_type"]
    search_fields = ["object_repr", "actor__username", "action"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]

    @admin.display(description="操作")
    def shown_action(self, obj):
        return action_label(obj.action)


@admin.register(CampusIdentity)
class CampusIdentityAdmin(admin.ModelAdmin):
    """Which 工号/学号 of the campus single sign-on opens which account."""

    list_display = ["campus_id", "user"]
    search_fields = ["campus_id", "user__username", "user__first_name"]
    autocomplete_fields = ["user"]
