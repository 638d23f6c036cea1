"""Every write to organizations, roles and declarations. Each function is one transaction."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from . import access
from .audit import log_event
from .enums import SECONDARY_KINDS, Role
from .models import Organization, RoleAssignment, in_subtree

TRACKED_FIELDS = [
    "code", "name", "kind", "parent_id", "branch_type", "category", "founded_on", "secretary_name",
    "secretary_is_double_leader", "full_members", "probationary_members", "is_active",
]


def _snapshot(organization):
    return {field: getattr(organization, field) for field in TRACKED_FIELDS}


def _changes(before, after):
    return {
        field: [str(before[field]) if before[field] is not None else "", str(after[field]) if after[field] is not None else ""]
        for field in TRACKED_FIELDS
        if before[field] != after[field]
    }


def refresh_tree(roots=None):
    """Recompute path, depth and unit for the given sub-trees (all when None).

    Reads the nodes once, computes in memory and writes back only what changed, so the number of
    queries does not grow with the depth of the tree.
    """
    if roots is None:
        nodes = list(Organization.objects.only("id", "parent_id", "kind", "path", "depth", "unit_id"))
    else:
        ids = {root.pk for root in roots}
        old_paths = [root.path for root in roots if root.path]
        nodes = list(
            (Organization.objects.within(old_paths) | Organization.objects.filter(pk__in=ids)).only(
                "id", "parent_id", "kind", "path", "depth", "unit_id"
            )
        )
        known = {node.pk for node in nodes}
        parent_ids = {node.parent_id for node in nodes if node.parent_id and node.parent_id not in known}
        outside = {
            parent.pk: parent
            for parent in Organization.objects.filter(pk__in=parent_ids).only("id", "path", "depth", "unit_id", "kind")
        }
    by_id = {node.pk: node for node in nodes}
    children = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)

    changed = []

    def place(node, parent):
        if parent is None:
            path, depth, unit_id = f"/{node.pk}/", 0, None
        else:
            path, depth, unit_id = f"{parent.path}{node.pk}/", parent.depth + 1, parent.unit_id
        if unit_id is None and node.kind in SECONDARY_KINDS:
            unit_id = node.pk
        if (node.path, node.depth, node.unit_id) != (path, depth, unit_id):
            node.path, node.depth, node.unit_id = path, depth, unit_id
            changed.append(node)
        stack.extend((child, node) for child in children.get(node.pk, []))

    if roots is None:
        stack = [(node, None) for node in children.get(None, [])]
    else:
        stack = [
            (node, by_id.get(node.parent_id) or outside.get(node.parent_id))
            for node in nodes
            if node.parent_id not in by_id
        ]
    while stack:
        place(*stack.pop())
    _write_places(changed)
    return len(changed)


def _write_places(nodes, chunk=2000):
    """Store path, depth and unit of many nodes.

    On PostgreSQL one UPDATE … FROM (VALUES …) per chunk: bulk_update's CASE per field costs
    minutes at a province's 150,000 rows. SQLite, the embedded default, keeps bulk_update.
    """
    if connection.vendor != "postgresql":
        Organization.objects.bulk_update(nodes, ["path", "depth", "unit"], batch_size=1000)
        return
    table = connection.ops.quote_name(Organization._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(nodes), chunk):
            part = nodes[start:start + chunk]
            rows = ", ".join(["(%s, %s, %s, %s)"] * len(part))
            cursor.execute(
                f"UPDATE {table} AS o SET path = v.path, depth = v.depth::smallint, unit_id = v.unit_id::bigint "
                f"FROM (VALUES {rows}) AS v(id, path, depth, unit_id) WHERE o.id = v.id::bigint",
                [value for node in part for value in (node.pk, node.path, node.depth, node.unit_id)],
            )


def _check_no_cycle(organization, parent):
    if parent is None or organization.pk is None:
        return
    if parent.pk == organization.pk or in_subtree(parent.path, organization.path):
        raise ValidationError({"parent": "上级组织不能是该组织本身或其下级组织"})


# The tree is the 组织部's: a 二级党组织 neither reshapes it nor hands out roles in it.
TREE_ROLES = {Role.ORG_STAFF}


@transaction.atomic
def organization_create(*, actor, **fields):
    # Under an organization of the actor's sub-tree; a new top (no parent) is the server's or a superuser's.
    access.require_scope(actor, fields.get("parent"), roles=TREE_ROLES)
    organization = Organization(**fields)
    organization.full_clean(exclude=["path", "depth", "unit"])
    organization.save()
    refresh_tree([organization])
    organization.refresh_from_db()
    log_event(actor=actor, action="organization.created", target=organization, data=_changes(
        dict.fromkeys(TRACKED_FIELDS), _snapshot(organization)))
    return organization


@transaction.atomic
def organization_update(*, actor, organization, **fields):
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    access.require_scope(actor, organization, roles=TREE_ROLES)
    before = _snapshot(organization)
    for name, value in fields.items():
        setattr(organization, name, value)
    if organization.parent_id != before["parent_id"]:
        access.require_scope(actor, organization.parent, roles=TREE_ROLES)  # and it moves inside the sub-tree
    _check_no_cycle(organization, organization.parent)
    organization.full_clean(exclude=["path", "depth", "unit"])
    organization.save()
    if before["parent_id"] != organization.parent_id or before["kind"] != organization.kind:
        refresh_tree([organization])
        organization.refresh_from_db()
    changes = _changes(before, _snapshot(organization))
    if changes:
        log_event(actor=actor, action="organization.updated", target=organization, data=changes)
    return organization


@transaction.atomic
def declare_basic_requirements(*, actor, branch, no_violation, no_conduct_issue, no_safety_risk):
    """The branch's own declaration of the 基本要求, made by its secretary or by staff above it."""
    if not (access.is_secretary_of(actor, branch) or access.can_manage_subtree(actor, branch)):
        access.refuse(actor, f"declaration for {branch.pk}", not_found=False)
    branch = Organization.objects.select_for_update().get(pk=branch.pk)
    branch.declares_no_violation = no_violation
    branch.declares_no_conduct_issue = no_conduct_issue
    branch.declares_no_safety_risk = no_safety_risk
    branch.save(update_fields=["declares_no_violation", "declares_no_conduct_issue", "declares_no_safety_risk",
                               "updated_at"])
    log_event(actor=actor, action="organization.declared", target=branch, data={
        "无违法乱纪行为": no_violation, "无师德师风等问题": no_conduct_issue, "无安全稳定风险": no_safety_risk})
    return branch


@transaction.atomic
def role_grant(*, actor, user, role, organization):
    access.require_scope(actor, organization, roles=TREE_ROLES)
    assignment, created = RoleAssignment.objects.get_or_create(user=user, role=role, organization=organization)
    if created:
        log_event(actor=actor, action="role.granted", target=assignment,
                  data={"用户": user.username, "角色": Role(role).label, "组织": organization.name})
    access.forget(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment):
    access.require_scope(actor, assignment.organization, roles=TREE_ROLES)
    log_event(actor=actor, action="role.revoked", target=assignment,
              data={"用户": assignment.user.username, "角色": assignment.get_role_display(),
                    "组织": assignment.organization.name})
    assignment.delete()
    access.forget(assignment.user)
