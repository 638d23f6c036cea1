"""Who may see and act on which organizations. Every view and every app asks here.

The scope of a role assignment:
- 组织部 and 二级党组织 staff: the sub-tree of their organization;
- 支部书记: their branch alone;
- 评审专家: no organizations (they see projects assigned to them, scoped in their app).
"""

import logging

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from .enums import Role
from .models import Organization, RoleAssignment, in_subtree, subtree_q

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


def scope_q(user, prefix=""):
    """What the user may see, as a condition on organizations (or on rows whose organization is at
    `prefix`, e.g. "organization__"): the queryset twin of `can_see`, for a signed-in, non-super user."""
    subtree_paths = [a.organization.path for a in assignments(user) if a.role in SUBTREE_ROLES]
    branch_ids = [a.organization_id for a in assignments(user) if a.role == Role.SECRETARY]
    condition = subtree_q(subtree_paths, prefix)
    if branch_ids:
        condition |= Q(**{f"{prefix}pk__in": branch_ids})
    return condition


def staff_scope_q(user, prefix=""):
    """The sub-trees the user runs as 组织部 staff, as a condition on organizations at `prefix`."""
    return subtree_q([a.organization.path for a in assignments(user) if a.role == Role.ORG_STAFF], prefix)


def above_ids(user):
    """The organizations the user's assignments lie in or under: whose batches they take part in."""
    ids = set()
    for assignment in assignments(user):
        ids |= {*assignment.organization.ancestor_ids, assignment.organization_id}
    return ids


def runs(user, organization):
    """Whether the user is 组织部 staff over the organization (a batch's owner): they run its batches."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or manages_as(user, organization, roles={Role.ORG_STAFF})


def visible_organizations(user):
    """Every organization the user may see, as one queryset."""
    if not user.is_authenticated:
        return Organization.objects.none()
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(scope_q(user))


def can_see(user, organization):
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    for assignment in assignments(user):
        if assignment.role in SUBTREE_ROLES and in_subtree(organization.path, assignment.organization.path):
            return True
        if assignment.role == Role.SECRETARY and assignment.organization_id == organization.pk:
            return True
    return False


def manages_as(user, organization, roles=SUBTREE_ROLES):
    """Whether one of the user's assignments in `roles` has the organization in its sub-tree."""
    return any(a.role in roles and in_subtree(organization.path, a.organization.path) for a in assignments(user))


def can_manage_subtree(user, organization):
    """Staff who may nominate, endorse and follow the organization: 组织部 or its 二级党组织."""
    if user.is_superuser:
        return True
    return manages_as(user, organization)


def in_scope(actor, organization, roles=None):
    """Whether `actor` may write rows owned by `organization` (None: a new organization at the top of a
    tree). `roles` narrows the assignments that count (default: any role with organizations, as `can_see`).
    `actor` None is the server operator (manage.py, the demo), who acts for no user: everywhere."""
    if actor is None:
        return True
    if not actor.is_authenticated:
        return False
    if actor.is_superuser:
        return True
    if organization is None:
        return False
    if roles is None:
        return can_see(actor, organization)
    return any(
        (a.role in SUBTREE_ROLES and a.role in roles and in_subtree(organization.path, a.organization.path))
        or (a.role == Role.SECRETARY and a.role in roles and a.organization_id == organization.pk)
        for a in assignments(actor)
    )


def require_scope(actor, organization, *, roles=None):
    """The write services' own assertion that `organization` (the owner of the row they write) is in the
    actor's scope, refused with 403 otherwise. A view has already answered 404 for what its user may not
    see: this catches the call site that forgot, loudly (tests/test_scope_services.py makes every write
    service call it)."""
    if not in_scope(actor, organization, roles):
        refuse(actor, f"write on {organization.code if organization else 'a new top-level organization'}",
               not_found=False)


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
