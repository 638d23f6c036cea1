"""Demo publicity pieces, built after the cultivation and evaluations demos: for a few projects of the
finished batch (通过验收) approved pieces that show on the showcase and in the booklet, and for the
demo secretary's project in 培育 one piece of each other state. Everything goes through the services."""

from branches.enums import Role
from branches.models import RoleAssignment
from cultivation.enums import ProjectState

from . import pieces as services
from .enums import PieceKind

STORY = ("支部建在学科上，党员冲在一线上。{name}以“{title}”为抓手，把“三会一课”开到教研室和实验室，"
         "组织党员结对帮扶青年教师和学生，形成了党建与业务同频共振的良好局面。\n"
         "一年来，支部开展主题党日12次，党员先锋岗覆盖全部业务岗位，相关做法被学校作为典型经验推广。")
BRIEF = "近日，{name}开展“经典诵读进课堂”主题党日活动，全体党员参加。活动中，党员们分享了学习体会，并就下一步工作进行了讨论。"
BULLETIN = "{name}“{title}”建设工作专报：一、基本情况；二、主要做法；三、取得成效；四、下一步打算。"


def _person(role, organization):
    found = RoleAssignment.objects.filter(role=role, organization=organization).select_related("user").first()
    return found.user if found else None


def _write(project, kind, text, title):
    secretary = _person(Role.SECRETARY, project.organization)
    if secretary is None:
        return None, None
    pictures = [image.pk for image in services.image_attachments(project)[:2]]
    piece = services.piece_create(project=project, actor=secretary, kind=kind, title=title, picture_ids=pictures,
                                  body=text.format(name=project.organization.name, title=project.title))
    return piece, secretary


def _reviewers(project, staff):
    unit = _person(Role.UNIT_STAFF, project.unit) if project.unit_id else None
    return unit or staff, staff


def build(context):
    staff = context["users"]["staff"]
    projects = context.get("projects") or {}
    accepted = [p for p in projects.get("finished", []) if p.state == ProjectState.ACCEPTED][:4]
    for index, project in enumerate(accepted):
        kind, text = [(PieceKind.STORY, STORY), (PieceKind.BRIEF, BRIEF)][index % 2]
        piece, secretary = _write(project, kind, text, f"{project.organization.name}：{project.title}建设纪实")
        if piece is None:
            continue
        unit, school = _reviewers(project, staff)
        piece = services.piece_move(piece=piece, name="submit", actor=secretary)
        piece = services.piece_move(piece=piece, name="endorse", actor=unit, comment="内容属实，同意报送。")
        services.piece_move(piece=piece, name="approve", actor=school, comment="同意发布。")
    mine = [p for p in projects.get("cultivating", []) if p.organization_id == context["secretary_branch"].pk]
    for project in mine[:1]:
        unit, school = _reviewers(project, staff)
        _write(project, PieceKind.BRIEF, BRIEF, "经典诵读进课堂主题党日活动简讯")  # stays a draft
        piece, secretary = _write(project, PieceKind.STORY, STORY, "把支部建在学科上：样板党支部创建纪实")
        if piece is None:
            continue
        piece = services.piece_move(piece=piece, name="submit", actor=secretary)
        services.piece_return(piece=piece, actor=unit, comment="请补充活动成效的具体数据，并选配活动现场图片。")
        piece, _ = _write(project, PieceKind.BULLETIN, BULLETIN, "样板党支部建设工作专报（第一期）")
        piece = services.piece_move(piece=piece, name="submit", actor=secretary)
        services.piece_move(piece=piece, name="endorse", actor=unit, comment="同意，报组织部审核。")
    return context
