"""Demo 跟踪指导, 困难和问题, 表彰奖励 and 述职评议 (settings.DEMO_BUILDERS, after the task book's demo).

Everything goes through the services, so the event log and the inbox hold what real use leaves: the
二级党组织 visits and talks with the branches it guides; the demo secretary's branch raises a difficulty
that is answered and another still open; 组织部 commends organizations and 党员骨干 of the finished batch's
accepted projects (most published, one still a draft) and records the 二级党组织's 述职评议 result.
"""

import datetime

from branches.enums import Role
from branches.models import RoleAssignment
from cultivation.enums import Actor, ProjectState

from . import appraisal, guidance

VISITS = [
    ("visit", "走访支部，查阅“三会一课”台账和特色活动记录，台账规范、活动扎实。"),
    ("talk", "与支部书记谈心谈话，了解培育建设中遇到的实际困难，提出把特色活动与教学科研结合的建议。"),
    ("onsite", "现场指导主题党日活动，建议进一步提炼工作法，形成可复制推广的经验。"),
]
COMMENDATIONS = [
    ("organization", "", "", "先进基层党组织", "school", "校党委"),
    ("person", "王芳", "党员骨干", "优秀共产党员", "school", "校党委"),
    ("organization", "", "", "全省高校先进基层党组织", "province", "省委教育工委"),
]


def _person(role, organization):
    found = RoleAssignment.objects.filter(role=role, organization=organization).select_related("user").first()
    return found.user if found else None


def _visits(project, actor, today):
    for number, (kind, notes) in enumerate(VISITS):
        held_on = min(today, project.batch.cultivation_start + datetime.timedelta(days=40 + 70 * number))
        guidance.guidance_record(project=project, actor=actor, kind=kind, held_on=held_on,
                                 guides=actor.get_full_name() or actor.username, notes=notes)


def build(context):
    today = context["today"]
    staff = context["users"]["staff"]
    projects = context.get("projects") or {}
    for project in [*projects.get("cultivating", []), *projects.get("midterm", [])][:8]:
        unit_staff = _person(Role.UNIT_STAFF, project.unit) if project.unit_id else None
        if project.state in (ProjectState.ACCEPTED, ProjectState.FAILED):
            continue
        _visits(project, unit_staff or staff, today)

    own = [p for p in projects.get("cultivating", []) if p.organization_id == context["secretary_branch"].pk]
    for project in own[:1]:
        secretary = context["users"]["secretary"]
        answered = guidance.difficulty_raise(project=project, actor=secretary, title="特色活动经费报销周期长",
                                             text="“经典诵读进课堂”活动的物料费垫付已两个月，希望协调加快报销。")
        unit_staff = _person(Role.UNIT_STAFF, project.unit) if project.unit_id else None
        answerer = unit_staff if guidance.answering_level(project) == Actor.UNIT and unit_staff else staff
        guidance.difficulty_move(difficulty=answered, name="answer", actor=answerer,
                                 text="已与财务处沟通，本月内完成报销；今后可按学期预借活动经费。")
        guidance.difficulty_raise(project=project, actor=secretary, title="缺少固定的党员活动室",
                                  text="支部党员活动目前借用教研室，希望协调一间可长期使用的活动室。")

    accepted = [p for p in projects.get("finished", []) if p.state == ProjectState.ACCEPTED][:3]
    for index, project in enumerate(accepted):
        subject, name, role, title, level, by = COMMENDATIONS[index % len(COMMENDATIONS)]
        row = guidance.commendation_record(
            project=project, actor=staff, subject=subject, person_name=name, person_role=role, title=title,
            level=level, conferred_by=by, awarded_on=min(today, project.batch.harvest_end),
            citation="在“样板党支部”培育创建中成效突出，形成了可复制推广的经验。")
        if index < 2:
            guidance.commendation_publish(commendation=row, actor=staff)

    unit = context["scope"][Role.UNIT_STAFF]
    appraisal.appraisal_record(organization=unit, year=appraisal.default_year(today), actor=staff, result="good",
                               note="书记抓党建责任落实到位，“样板党支部”培育任务推进有力。")
