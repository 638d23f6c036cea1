"""Access-matrix rows of 常态化跟踪指导 and 表彰奖励 (planning/guidance_views.py).

Project pages: the project's secretary, its unit's staff and 组织部 read them; who may post depends on the
role (guidance: the unit and 组织部; difficulties: the secretary raises, the unit and 组织部 answer); a role
that never may answers 403, everyone else 404 (reviewers included: threads are not review materials).
Commendations are 组织部's alone: 403 to every other signed-in role.
"""

from .matrix import FORBIDDEN, LOGIN, OK, REDIRECT, Row, expect
from .matrix_cultivation import _both


def _cached(world, key, build):
    cache = world.__dict__.setdefault("_guidance", {})
    if key not in cache:
        cache[key] = build()
    return cache[key]


def _cultivating(world, which):
    from tests.factories import cultivating_project

    return _cultivating_cache(world, which, lambda: cultivating_project(world.branch(which)))


def _cultivating_cache(world, which, build):
    return _cached(world, ("project", which), build)


def _project_kwargs(world, which):
    return {"pk": _cultivating(world, which).pk}


def _difficulty_kwargs(name):
    def build(world, which):
        from planning.guidance import difficulty_raise

        secretary = world.tree.secretary if which == "own" else world.tree.other_secretary
        difficulty = _cached(world, ("difficulty", which), lambda: difficulty_raise(
            project=_cultivating(world, which), actor=secretary, title="经费报销慢", text="垫付两个月未报销"))
        return {"pk": difficulty.pk, "name": name}
    return build


def _accepted(world, which):
    from cultivation.enums import ProjectState
    from cultivation.models import Project
    from tests.factories import cultivating_project

    def build():
        project = cultivating_project(world.branch(which))
        Project.objects.filter(pk=project.pk).update(state=ProjectState.ACCEPTED)
        return project
    return _cached(world, ("accepted", which), build)


def _commendation_kwargs(published):
    def build(world, which):
        from planning.guidance import commendation_publish, commendation_record

        def make():
            row = commendation_record(project=_accepted(world, which), actor=world.tree.staff, subject="organization",
                                      title="先进基层党组织", level="school", awarded_on=_today())
            return commendation_publish(commendation=row, actor=world.tree.staff) if published else row
        return {"pk": _cached(world, ("commendation", which, published), make).pk}
    return build


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _guidance_data(world, which):
    return {"kind": "visit", "held_on": _today().isoformat(), "guides": "王书记", "notes": "走访支部"}


def _difficulty_data(world, which):
    return {"title": "缺少活动场地", "text": "希望协调活动室"}


def _reply_data(world, which):
    return {"text": "已协调解决", "version": 1}


def _commendation_data(world, which):
    return {"project": _accepted(world, "own").pk, "subject": "organization", "title": "先进基层党组织",
            "level": "school", "awarded_on": "2021-07-01", "person_role": "党员骨干"}


ORG_STAFF_ONLY = expect(FORBIDDEN, anonymous=LOGIN, org_staff=REDIRECT)

ROWS = [
    Row("planning:guidance_project", **_both(secretary=OK, unit=OK, school=OK), kwargs=_project_kwargs),
    Row("planning:guidance_add", **_both(secretary=FORBIDDEN, unit=REDIRECT, school=REDIRECT),
        kwargs=_project_kwargs, method="post", data=_guidance_data),
    Row("planning:difficulty_raise", **_both(secretary=REDIRECT, unit=FORBIDDEN, school=FORBIDDEN),
        kwargs=_project_kwargs, method="post", data=_difficulty_data),
    Row("planning:difficulty_move", **_both(secretary=FORBIDDEN, unit=REDIRECT, school=REDIRECT),
        kwargs=_difficulty_kwargs("answer"), method="post", data=_reply_data, label="answer"),
    Row("planning:difficulty_move", **_both(secretary=REDIRECT, unit=REDIRECT, school=REDIRECT),
        kwargs=_difficulty_kwargs("close"), method="post", data=_reply_data, label="close"),
    Row("planning:commendation_list", expect(FORBIDDEN, anonymous=LOGIN, org_staff=OK)),
    Row("planning:commendation_export", expect(FORBIDDEN, anonymous=LOGIN, org_staff=OK)),
    Row("planning:commendation_add", ORG_STAFF_ONLY, method="post", data=_commendation_data),
    Row("planning:commendation_publish", ORG_STAFF_ONLY, ORG_STAFF_ONLY, kwargs=_commendation_kwargs(False),
        method="post"),
    Row("planning:commendation_unpublish", ORG_STAFF_ONLY, ORG_STAFF_ONLY, kwargs=_commendation_kwargs(True),
        method="post"),
    Row("planning:commendation_delete", ORG_STAFF_ONLY, ORG_STAFF_ONLY, kwargs=_commendation_kwargs(False),
        method="post"),
]
