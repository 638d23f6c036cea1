"""What the benchmark requests: each role's key pages on the M data, and the two references.

A target is one page as one account. `peer` names the admin changelist of the same model (the page
staff would otherwise use); every target is also compared with the floor, the base layout alone.
The exports are the event log's Excel filtered by an action the seed wrote a known number of times
(bench.seed.EDITED_EVERY, STARTED_EVERY): 10,000 and 1,000 rows at M.
"""

from dataclasses import asdict, dataclass, field

from django.contrib.auth import get_user_model
from django.urls import reverse

from branches.enums import Role
from branches.models import Event, RoleAssignment
from cultivation.enums import ProjectState
from cultivation.models import FeaturedActivity, Notice, Project
from cultivation.reports.enums import OPEN_PROJECT_STATES, ReportState
from cultivation.reports.models import Attachment, ProgressReport
from dissemination.models import PublicityPiece
from dissemination.showcase import showcased_projects
from evaluations.enums import SheetState
from evaluations.models import ScoreSheet

ADMIN = "benchadmin"
WRITERS = 8
FLOOR = "基准：仅页面框架"


@dataclass
class Target:
    name: str
    username: str  # "" for an anonymous visitor
    path: str
    kind: str = "key"  # "list", "key", "export", "peer" (an admin changelist) or "floor"
    peer: str = ""
    method: str = "GET"
    session: str = ""  # the session cookie the benchmark opened for `username`
    # Writers each take their own row (path, account): concurrent saves of one report would be refused.
    variants: list = field(default_factory=list)
    form: dict = field(default_factory=dict)
    rows: int = 0  # an export's rows

    def as_json(self):
        return asdict(self)


def _username(role, **filters):
    assignment = (RoleAssignment.objects.filter(role=role, **filters).select_related("user")
                  .order_by("id").first())
    return assignment.user.username


def build():
    User = get_user_model()
    if not User.objects.filter(username=ADMIN).exists():
        User.objects.create_superuser(ADMIN, password=_password())
    staff = _username(Role.ORG_STAFF)
    unit = _username(Role.UNIT_STAFF)
    reviewer = (ScoreSheet.objects.filter(state=SheetState.ASSIGNED).select_related("reviewer")
                .order_by("id").first().reviewer.username)
    drafts = list(ProgressReport.objects.filter(state=ReportState.DRAFT, project__state__in=OPEN_PROJECT_STATES)
                  .order_by("project_id", "id").distinct().select_related("project")[:200])
    report = drafts[0]
    writers = list({d.created_by_id: d for d in drafts}.values())[:WRITERS]
    secretary = User.objects.get(pk=report.created_by_id).username
    attachment = Attachment.objects.filter(project=report.project).order_by("id").first()
    busy = (Project.objects.filter(state=ProjectState.RECOGNIZED).order_by("id").first() or report.project)
    notice = Notice.objects.order_by("id").first()
    shown = _showcased()
    targets = [
        Target(FLOOR, staff, reverse("bench:floor"), kind="floor"),
        Target("首页（组织部）", staff, reverse("home")),
        Target("首页（二级党组织）", unit, reverse("home")),
        Target("首页（支部书记）", secretary, reverse("home")),
        Target("首页（评审专家）", reviewer, reverse("home")),
        Target("概览（组织部）", staff, reverse("dashboards:home")),
        Target("概览（二级党组织）", unit, reverse("dashboards:home")),
        Target("批次看板（组织部）", staff, reverse("dashboards:batch", args=[busy.batch_id])),
        Target("培育项目列表", staff, reverse("cultivation:project_list"), kind="list", peer="后台：培育项目"),
        Target("后台：培育项目", ADMIN, "/admin/cultivation/project/", kind="peer"),
        Target("进展报告列表", staff, reverse("cultivation:report_list") + "?tab=submitted", kind="list",
               peer="后台：进展报告"),
        Target("后台：进展报告", ADMIN, "/admin/cultivation/progressreport/", kind="peer"),
        Target("组织列表", staff, reverse("branches:organization_list"), kind="list", peer="后台：组织"),
        Target("后台：组织", ADMIN, "/admin/branches/organization/", kind="peer"),
        Target("事件日志", staff, reverse("branches:event_list"), kind="list", peer="后台：事件"),
        Target("后台：事件", ADMIN, "/admin/branches/event/", kind="peer"),
        Target("项目详情", staff, reverse("cultivation:project_detail", args=[busy.pk])),
        Target("评审任务（评审专家）", reviewer, reverse("evaluations:queue")),
        Target("公示列表（公开）", "", reverse("public:notice_list")),
        Target("成果展示（公开）", "", reverse("showcase:index")),
        Target("保存进展报告草稿（写入）", secretary, reverse("cultivation:report_edit", args=[report.pk]),
               method="POST", form=_report_form(report),
               variants=[{"username": User.objects.get(pk=d.created_by_id).username, "form": _report_form(d),
                          "path": reverse("cultivation:report_edit", args=[d.pk])} for d in writers]),
    ]
    if notice:
        targets.append(Target("公示详情（公开）", "", reverse("public:notice_detail", args=[notice.pk])))
    if shown:
        targets.append(Target("成果展示项目页（公开）", "", reverse("showcase:project", args=[shown.pk])))
    if attachment:
        targets.append(Target("佐证材料下载（鉴权）", secretary,
                              reverse("cultivation:report_attachment_download", args=[attachment.pk])))
    targets.extend(exports(staff))
    return targets


def exports(staff):
    """The event log's export at 1,000 and 10,000 rows (at M), as 组织部 staff."""
    found = []
    for action in ("report.started", "report.edited"):
        rows = Event.objects.filter(action=action).count()
        found.append(Target(f"导出 Excel（事件日志 {rows:,} 行）", staff,
                            reverse("branches:event_export") + f"?action={action}", kind="export", rows=rows))
    return found


def _showcased():
    """A showcased project with approved pieces, one that passed acceptance if any: the fullest page."""
    pieces = PublicityPiece.objects.published().filter(project__in=showcased_projects()).order_by("project_id")
    piece = pieces.filter(project__state=ProjectState.ACCEPTED).first() or pieces.first()
    return piece.project if piece else showcased_projects().order_by("id").first()


def _report_form(report):
    """What a secretary types into the report form: the narrative, the meeting counts, each activity."""
    form = {"narrative": "本期召开支部党员大会一次，开展主题党日活动。", "congress_count": 1, "committee_count": 2,
            "group_count": 1, "lecture_count": 1, "theme_day_count": 1, "save": "1"}
    for activity in FeaturedActivity.objects.filter(project_id=report.project_id):
        form.update({f"activity_{activity.pk}_times_held": 1, f"activity_{activity.pk}_participants": 20,
                     f"activity_{activity.pk}_progress": "按计划推进"})
    return form


def _password():
    from bench.seed import PASSWORD

    return PASSWORD
