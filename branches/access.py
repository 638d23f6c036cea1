"""Who may see and act on which organizations. Every view and every app asks here.

The scope of a role assignment:
- 组织部 and 二级党组织 staff: the sub-tree of their organization;
- 支部书记: their branch alone;
- 评审专家: no organizations (they see projects assigned to them, scoped in their app).
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .enums import Role
from .models import Organization, RoleAssignment

logger = logging.getLogger("branches.access")

SUBTREE_ROLES = {Role.ORG_STAFF, Role.UNIT_STAFF}


def assignments(user):
    """The user's role assignments, read once per request object."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_role_assignments", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("organization"))
        user._role_assignments = cached
    return cached


def forget(user):
    user.__dict__.pop("_role_assignments", None)


def roles(user):
    return {assignment.role for assignment in assignments(user)}


def has_role(user, role):
    return role in roles(user)


def is_org_staff(user):
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.ORG_STAFF))


def organizations_for(user, role):
    return [a.organization for a in assignments(user) if a.role == role]


def visible_organizations(user):
    """Every organization the user may see, as one queryset."""
    if not user.is_authenticated:
        return Organization.objects.none()
    if user.is_superuser:
        return Organization.objects.all()
    subtree_paths = [a.organization.path for a in assignments(user) if a.role in SUBTREE_ROLES]
    branch_ids = [a.organization_id for a in assignments(user) if a.role == Role.SECRETARY]
    queryset = Organization.objects.within(subtree_paths)
    if branch_ids:
        queryset = queryset | Organization.objects.filter(pk__in=branch_ids)
    return queryset


def can_see(user, organization):
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    for assignment in assignments(user):
        if assignment.role in SUBTREE_ROLES and organization.path.startswith(assignment.organization.path):
            return True
        if assignment.role == Role.SECRETARY and assignment.organization_id == organization.pk:
            return True
    return False


def can_manage_subtree(user, organization):
    """Staff who may nominate, endorse and follow the organization: 组织部 or its 二级党组织."""
    if user.is_superuser:
        return True
    return any(
        a.role in SUBTREE_ROLES and organization.path.startswith(a.organization.path) for a in assignments(user)
    )


def is_secretary_of(user, organization):
    return any(a.role == Role.SECRETARY and a.organization_id == organization.pk for a in assignments(user))


def refuse(user, what, *, not_found=True):
    """Log a refused access, then answer 404 (the object's existence stays hidden) or 403."""
    logger.warning("refused %s to %s", what, getattr(user, "username", "anonymous") or "anonymous")
    if not_found:
        raise Http404("未找到该页面")
    raise PermissionDenied("您没有权限执行此操作")


def require_org_staff(user):
    if not is_org_staff(user):
        refuse(user, "org-staff page", not_found=False)


def visible_organization_or_404(user, pk):
    organization = visible_organizations(user).filter(pk=pk).first()
    if organization is None:
        refuse(user, f"organization {pk}")
    return organization
