"""Who may do what in evaluations, as plain functions returning a Chinese reason or None.

The 回避 rule lives here and only here; services call it before every assignment and every score,
and selectors apply the same rule as a query, so neither a page, the admin nor an import can pass it.
It reads every role the reviewer holds, not only the 评审专家 one: the branch's own 支部书记, or staff
of its 二级党组织, is the very person whose work is judged.

The 评审专家库 (pool) of a round: a 评审专家 role sits on an organization, and a round draws on the experts
whose role lies in its batch owner's sub-tree (its own) or on an organization above the owner (the
province's, the ministry's). So a school's round never draws another school's experts, and a province's
round draws on its schools but never on another province's. `in_pool` is the rule, `pool_q` its query.

A round belongs to its batch's owner (主办单位): 组织部 staff manage it only when they run that owner
(`branches.access.runs`), here as `may_manage_round` for one round and `managed_rounds` as a queryset
(`Round.objects.managed_by`); the machines, services and selectors all ask these. Rubrics are shared.
"""

from django.db.models import Exists, OuterRef, Q

from branches import access
from branches.enums import OrgKind, Role
from branches.models import Organization, holds_q, in_subtree, subtree_q
from cultivation.enums import BatchKind, Level

from .models import ConflictDeclaration, Round


def rubric_refusal(rubric, batch):
    """Why `rubric` may not judge the rounds of `batch`, or None. 标杆院系 are judged by the “五个到位”: the
    seven branch criteria would silently apply to a 二级党组织 (it has no kind of branch), so a 标杆院系 batch
    takes only a rubric marked for it, and such a rubric judges nothing else. A studio is a branch's, judged
    as branches are, unless a rubric is marked for studios."""
    if batch.kind == BatchKind.BENCHMARK_UNIT and rubric.batch_kind != BatchKind.BENCHMARK_UNIT:
        return (f"标杆院系按“五个到位”评估：评分细则“{rubric}”适用于{rubric.get_batch_kind_display()}，"
                f"请选择适用于标杆院系的评分细则（没有时请先在后台录入）")
    if batch.kind != BatchKind.BENCHMARK_UNIT and rubric.batch_kind == BatchKind.BENCHMARK_UNIT:
        return f"评分细则“{rubric}”适用于标杆院系（五个到位），不能用于{batch.get_kind_display()}批次，请另选评分细则"
    if batch.kind == BatchKind.MODEL_BRANCH and rubric.batch_kind == BatchKind.STUDIO:
        return f"评分细则“{rubric}”适用于{rubric.get_batch_kind_display()}，不能用于样板党支部批次，请另选评分细则"
    return None


def reviewer_units(user):
    """The 二级党组织 the user belongs to through any of their roles (评审专家, 支部书记, 二级党组织 staff...;
    an organization that is itself a unit counts as one). A school-level role has no unit."""
    units = []
    for assignment in access.assignments(user):
        organization = assignment.organization
        unit_id = organization.unit_id or (organization.pk if organization.is_secondary else None)
        if unit_id and unit_id not in units:
            units.append(unit_id)
    return units


def held_organization_ids(user):
    """The organizations the user serves in a role other than 评审专家 (their branch, their unit...)."""
    return {a.organization_id for a in access.assignments(user) if a.role != Role.REVIEWER}


def is_reviewer(user):
    return user.is_authenticated and access.has_role(user, Role.REVIEWER)


def declared_paths(user):
    """Tree paths of the organizations the reviewer has declared a conflict with, read once per request."""
    cached = getattr(user, "_conflict_paths", None)
    if cached is None:
        cached = list(ConflictDeclaration.objects.filter(reviewer=user).values_list("organization__path", flat=True))
        user._conflict_paths = cached
    return cached


def forget(user):
    user.__dict__.pop("_conflict_paths", None)
    access.forget(user)


def reviewer_above_ids(user):
    """The organizations any of the reviewer's roles lie in or under (their unit, school, province...)."""
    return access.above_ids(user)


def school_paths(user):
    """Tree paths of the reviewer's own schools, read once per request and only when a round above a
    school asks (in a school's own batch every project is of the reviewer's school)."""
    cached = getattr(user, "_school_paths", None)
    if cached is None:
        ids = reviewer_above_ids(user)
        cached = list(Organization.objects.filter(pk__in=ids, kind=OrgKind.SCHOOL).values_list("path", flat=True)) \
            if ids else []
        user._school_paths = cached
    return cached


def conflict_reason(reviewer, project):
    """Why the reviewer may not review the project (回避), or None. `project.organization` and
    `project.batch` must be loaded."""
    for assignment in access.assignments(reviewer):
        if assignment.role != Role.REVIEWER and assignment.organization_id in (project.organization_id,
                                                                               project.unit_id):
            return (f"评审专家是{assignment.organization.name}的{assignment.get_role_display()}，"
                    "按回避规则不能评审")
    if project.unit_id in reviewer_units(reviewer):
        return "评审专家与该党支部属于同一二级党组织，按回避规则不能评审"
    if project.batch.level != Level.SCHOOL and any(
            in_subtree(project.organization.path, school) for school in school_paths(reviewer)):
        return "评审专家与该党支部属于同一学校，按回避规则不能评审本校的省级、国家级申报"
    path = project.organization.path
    if any(in_subtree(path, declared) for declared in declared_paths(reviewer)):
        return "评审专家已申报与该党组织存在利益关系，按回避规则不能评审"
    return None


def conflicted_projects_q(reviewer, prefix=""):
    """The same rule as a query condition on projects (or on `prefix`+project fields). The own-school
    part is a subquery, so the condition costs no query of its own."""
    own_school = Exists(Organization.objects.filter(holds_q(OuterRef(f"{prefix}organization__path")),
                                                    pk__in=reviewer_above_ids(reviewer), kind=OrgKind.SCHOOL))
    held = held_organization_ids(reviewer)
    return (Q(**{f"{prefix}unit_id__in": reviewer_units(reviewer)})
            | Q(**{f"{prefix}organization_id__in": held}) | Q(**{f"{prefix}unit_id__in": held})
            | subtree_q(declared_paths(reviewer), f"{prefix}organization__")
            | (own_school & ~Q(**{f"{prefix}batch__level": Level.SCHOOL})))


def in_pool(reviewer, owner):
    """Whether a 评审专家 role of the reviewer lies in the sub-tree of `owner` (a batch's 主办单位) or on an
    organization above it: the round's 评审专家库."""
    return any(a.role == Role.REVIEWER and (in_subtree(a.organization.path, owner.path)
                                            or in_subtree(owner.path, a.organization.path))
               for a in access.assignments(reviewer))


def pool_q(owner, prefix=""):
    """The same rule as a condition on organizations (or on rows whose organization is at `prefix`,
    e.g. a role assignment's "organization__")."""
    return subtree_q([owner.path], prefix) | Q(**{f"{prefix}pk__in": owner.ancestor_ids})


def pool_problem(reviewer, owner):
    if in_pool(reviewer, owner):
        return None
    return (f"不在本轮的评审专家库中：本轮批次由{owner.name}主办，只能选派{owner.name}及其下属组织、"
            "上级组织的评审专家")


def assignable_problem(reviewer, project):
    """Why the user cannot be assigned the project at all, or None. `project.batch.owner` is read."""
    if not reviewer.is_active:
        return "该用户已停用"
    if not is_reviewer(reviewer):
        return f"{reviewer.get_full_name() or reviewer.username}不是评审专家"
    return pool_problem(reviewer, project.batch.owner) or conflict_reason(reviewer, project)


def may_manage(user):
    """组织部 runs the rounds: rubrics, assignments, results, notices. The role gate only: which rounds
    a member of staff runs is `may_manage_round` (one round) and `managed_rounds` (a queryset)."""
    return access.is_org_staff(user)


def may_manage_batch(user, batch):
    """Staff run the rounds of a batch whose owner (主办单位) lies in their sub-tree: a school's 组织部
    its own batches, a province's those of the province. `batch.owner` should be loaded."""
    return may_manage(user) and access.runs(user, batch.owner)


def may_manage_round(user, round_):
    """The per-object twin of `managed_rounds`. `round_.batch.owner` should be loaded (select_related
    "batch__owner"), so asking costs no query."""
    return may_manage(user) and access.runs(user, round_.batch.owner)


def managed_rounds(user):
    """The rounds the user manages, as a queryset (none for anyone but 组织部 staff)."""
    if not may_manage(user):
        return Round.objects.none()
    return Round.objects.managed_by(user)


def may_declare_conflict(actor, reviewer, organization):
    """A reviewer declares their own conflicts; staff declare one for a reviewer only with an
    organization they run (it lies in the sub-tree of their 组织部 assignment)."""
    if actor.pk == reviewer.pk:
        return True
    return may_manage(actor) and access.runs(actor, organization)


def may_self_evaluate(user, project):
    return user.is_authenticated and access.is_secretary_of(user, project.organization)


# Who reads published results on the branch result pages: a branch's secretary (their own branch) and
# 二级党组织 staff (every project of their sub-tree). 组织部 reads them on its own result pages.
BRANCH_RESULT_ROLES = {Role.SECRETARY, Role.UNIT_STAFF}


def may_read_branch_results(user):
    return user.is_authenticated and bool(access.roles(user) & BRANCH_RESULT_ROLES)


def branch_result_projects(user):
    """The projects whose published results the user reads on the branch result pages, as a queryset:
    scoped by the one project rule (`Project.objects.visible_to`), for the roles above only."""
    from cultivation.models import Project

    if not may_read_branch_results(user):
        return Project.objects.none()
    return Project.objects.visible_to(user)


def may_see_branch_result(user, project):
    """A branch reads its own published result (score, grade, profile) on its secretary's pages; the
    二级党组织 reads those of its sub-tree."""
    return branch_result_projects(user).filter(pk=project.pk).exists()
