"""A believable dataset at a big university's or a province's scale, written with COPY (bench/pgcopy.py).

M is one big university: 40 secondary organizations, 1,500 branches, 8 batches, 400 projects, 15,000
progress reports, 40,000 attachment records, 200 reviewers, 6,000 score sheets, 200,000 event-log rows,
and two publicity pieces per showcased project. S is a tenth of M; L is a province: 100 universities of
M's shape (150,000 branches) and ten times the rest, with an account for the province's own staff
(PROVINCE_STAFF). Rows are written straight to the tables (no services, no events of their own), in
states that agree with each batch's phase on the day the data is built, so pages show what they would
show in a real year. Every account's password is PASSWORD.
"""

import datetime
import hashlib
import random
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from bench import pgcopy
from branches.enums import BranchCategory, BranchType, OrgKind, Role
from branches.models import Event, Organization, RoleAssignment
from branches.services import refresh_tree
from cultivation.enums import LEVEL_OF_OWNER, Grade, ProjectState
from cultivation.models import Batch, FeaturedActivity, Project
from cultivation.reports.enums import ReportState
from cultivation.reports.models import Attachment, ProgressReport, Spending
from dissemination.enums import PieceKind, PieceState
from dissemination.models import PublicityPiece
from dissemination.showcase import SHOWCASED_STATES
from evaluations.enums import RoundPhase, RoundState, SheetState
from evaluations.models import Round, Score, ScoreSheet
from evaluations.seed_rubric import seven_capabilities

PASSWORD = "scale-2026"
# The province's 组织部 (its staff see every school): the account the L comparison reads the province as.
PROVINCE_STAFF = "staff-p"
# Of the event log, one row in EDITED_EVERY is a report edit and one in STARTED_EVERY a report begun,
# so the log's export filtered by either action has a known size: 10,000 and 1,000 rows at M.
EDITED_EVERY, STARTED_EVERY = 20, 200

SCALES = {
    "S": dict(schools=1, units=4, branches=150, batches=2, projects=40, reports=1_500, attachments=4_000,
              reviewers=20, sheets=600, events=20_000),
    "M": dict(schools=1, units=40, branches=1_500, batches=8, projects=400, reports=15_000, attachments=40_000,
              reviewers=200, sheets=6_000, events=200_000),
    "L": dict(schools=100, units=40, branches=1_500, batches=80, projects=4_000, reports=150_000,
              attachments=400_000, reviewers=2_000, sheets=60_000, events=2_000_000),
}
# Per school for units and branches, in total for the rest.
PER_SCHOOL = {"units", "branches"}

# Days since a batch's selection began, one per batch in turn: from 选苗 to a batch finished years ago.
AGES = [430, 520, 200, 10, 45, 900, 1300, 1700]
# Phase lengths in days: 选苗, 认定, 培育, 中期评估, 收获推广.
LENGTHS = [30, 30, 360, 60, 180]

S = ProjectState
# The states a batch's projects are in, by the phase of the batch (or "done" once it is over).
STATES_BY_PHASE = {
    0: [S.DRAFT, S.SUBMITTED, S.SUBMITTED, S.NOMINATED, S.RETURNED],
    1: [S.NOMINATED, S.SHORTLISTED, S.SHORTLISTED, S.REJECTED],
    2: [S.RECOGNIZED] * 9 + [S.WITHDRAWN],
    3: [S.MIDTERM_SUBMITTED, S.MIDTERM_SUBMITTED, S.RECOGNIZED, S.RECTIFYING],
    4: [S.RECTIFYING, S.FINAL_SUBMITTED, S.FINAL_SUBMITTED, S.ACCEPTED],
    5: [S.ACCEPTED] * 8 + [S.FAILED, S.REJECTED],
}
CULTIVATED = {S.RECOGNIZED, S.MIDTERM_SUBMITTED, S.RECTIFYING, S.FINAL_SUBMITTED, S.ACCEPTED, S.FAILED}
GRADED = {S.RECTIFYING, S.FINAL_SUBMITTED, S.ACCEPTED, S.FAILED}
TOPICS = ["党建引领教学改革", "红医精神育人", "科研攻关先锋", "医德医风建设", "三全育人示范", "支部建在团队上",
          "临床一线党员先锋岗", "基层治理志愿服务", "青年理论学习", "双带头人工作室"]
# Tiny files the attachment rows point at (content-addressed, so 40,000 rows need only a few files).
TINY_FILES = [
    ("image/png", ".png", bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                                        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")),
    ("application/pdf", ".pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
    ("text/plain", ".txt", "支部活动记录（规模测试数据）\n".encode()),
]


class NotEmpty(Exception):
    pass


def totals(scale):
    figures = dict(SCALES[scale])
    for key in PER_SCHOOL:
        figures[key] *= figures["schools"]
    return figures


@contextmanager
def explicit_times(*fields):
    """Let bulk inserts carry their own creation times (auto_now_add would stamp them all with now)."""
    saved = [(field, field.auto_now_add) for field in fields]
    for field, _ in saved:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field, value in saved:
            field.auto_now_add = value


def build(scale, *, say=print, today=None):
    if Organization.objects.exists():
        raise NotEmpty("数据库中已有组织，请在空数据库中生成规模数据（如：新建数据库后 migrate）。")
    world = World(scale, today or timezone.localdate(), say)
    with unchecked_references():
        with transaction.atomic():
            world.tree()
            world.people()
            world.batches()
            world.projects()
            world.reports()
            world.attachments()
            world.sheets()
            world.pieces()
        world.events()  # in a transaction of its own: two million rows at L
    return world.figures()


@contextmanager
def unchecked_references():
    """On PostgreSQL, the seed's rows skip the foreign-key triggers (session_replication_role = replica,
    for a superuser): Django defers those checks to the commit, where at L they took more time than
    writing the rows. Every row points at rows read back from the database; the tests build S on SQLite,
    which checks each reference."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        try:
            cursor.execute("SET session_replication_role = replica")
            unchecked = True
        except DatabaseError:  # not a superuser: the checks run, only slower
            unchecked = False
    try:
        yield
    finally:
        if unchecked:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")


class World:
    def __init__(self, scale, today, say):
        self.size = SCALES[scale]
        self.total = totals(scale)
        self.today = today
        self.say = say
        self.random = random.Random(2026)
        self.now = timezone.now()

    def _bulk(self, model, rows):
        pgcopy.insert(model, rows)
        self.say(f"  {model._meta.verbose_name}：{len(rows):,}")

    # ---- organizations -------------------------------------------------------------------------

    def tree(self):
        self.say("组织树")
        province = Organization.objects.create(code="SC-P", name="省委教育工委", kind=OrgKind.UPPER)
        self._bulk(Organization, [
            Organization(code=f"SC-{s}", name=f"第{s + 1}大学党委" if self.size["schools"] > 1 else "规模大学党委",
                         kind=OrgKind.SCHOOL, parent=province) for s in range(self.size["schools"])])
        schools = list(Organization.objects.filter(kind=OrgKind.SCHOOL).order_by("id"))
        self._bulk(Organization, [
            Organization(code=f"SC-{s}-{u}", name=f"{school.name[:-2]}第{u + 1}学院党委", kind=OrgKind.COMMITTEE,
                         parent=school)
            for s, school in enumerate(schools) for u in range(self.size["units"])])
        units = {}
        for unit in Organization.objects.filter(kind=OrgKind.COMMITTEE).order_by("id"):
            units.setdefault(unit.parent_id, []).append(unit)
        categories = list(BranchCategory)
        rows = []
        for school in schools:
            for index in range(self.size["branches"]):
                unit = units[school.pk][index % self.size["units"]]
                student = index % 3 == 0
                category = self.random.choice(["undergrad", "graduate"] if student else categories[:7])
                rows.append(Organization(
                    code=f"{unit.code}-{index}", name=f"{unit.name[:-2]}第{index // self.size['units'] + 1}党支部",
                    kind=OrgKind.BRANCH, parent=unit, category=category,
                    branch_type=BranchType.STUDENT if student else BranchType.FACULTY,
                    founded_on=self.today - datetime.timedelta(days=400 + index % 3000),
                    secretary_name=f"书记{index}", full_members=8 + index % 40, probationary_members=index % 5,
                    declares_no_violation=True, declares_no_conduct_issue=True, declares_no_safety_risk=True))
        self._bulk(Organization, rows)
        refresh_tree()
        self.schools = list(Organization.objects.filter(kind=OrgKind.SCHOOL).order_by("id"))
        self.branches_of = {
            school.pk: list(Organization.objects.within([school.path]).filter(kind=OrgKind.BRANCH)
                            .only("id", "path", "unit_id", "name").order_by("id"))
            for school in self.schools}
        self.paths = dict(Organization.objects.values_list("id", "path"))

    # ---- accounts ------------------------------------------------------------------------------

    def people(self):
        self.say("账号")
        User = get_user_model()
        password = make_password(PASSWORD)
        users, roles = [], []

        def person(username, name, role, organization_id):
            users.append(User(username=username, first_name=name, password=password, is_active=True))
            roles.append((username, role, organization_id))

        for s, school in enumerate(self.schools):
            person(f"staff{s}", f"组织部{s}", Role.ORG_STAFF, school.pk)
        person(PROVINCE_STAFF, "省委教育工委组织处", Role.ORG_STAFF, self.schools[0].parent_id)
        for unit in Organization.objects.filter(kind=OrgKind.COMMITTEE).only("id", "code"):
            person(f"unit-{unit.code}", f"二级党组织{unit.code}", Role.UNIT_STAFF, unit.pk)
        for branches in self.branches_of.values():
            for branch in branches:
                person(f"sec-{branch.pk}", f"书记{branch.pk}", Role.SECRETARY, branch.pk)
        for index in range(self.total["reviewers"]):
            person(f"expert{index}", f"评审专家{index}", Role.REVIEWER, self.schools[index % len(self.schools)].pk)
        self._bulk(User, users)
        ids = dict(User.objects.values_list("username", "id"))
        self._bulk(RoleAssignment, [RoleAssignment(user_id=ids[username], role=role, organization_id=organization)
                                    for username, role, organization in roles])
        self.staff = {school.pk: ids[f"staff{s}"] for s, school in enumerate(self.schools)}
        self.secretary = {int(username[4:]): pk for username, pk in ids.items() if username.startswith("sec-")}
        self.reviewers = [ids[f"expert{index}"] for index in range(self.total["reviewers"])]
        self.user_ids = list(ids.values())

    # ---- batches and projects ------------------------------------------------------------------

    def batches(self):
        self.say("批次")
        rows = []
        for number in range(self.total["batches"]):
            school = self.schools[number % len(self.schools)]
            # Batch n goes to school n mod schools and has the n-th age: at L too every phase is under way.
            age = AGES[number % len(AGES)]
            start = self.today - datetime.timedelta(days=age)
            dates, day = [], start
            for length in LENGTHS:
                dates.append((day, day + datetime.timedelta(days=length - 1)))
                day += datetime.timedelta(days=length)
            rows.append(Batch(
                name=f"{start.year}年度样板党支部培育（第{number + 1}批）", owner=school, level=LEVEL_OF_OWNER[school.kind],
                year=start.year, quota_total=60, quota_faculty=40, quota_student=20,
                nomination_deadline=dates[0][1], selection_start=dates[0][0], selection_end=dates[0][1],
                recognition_start=dates[1][0], recognition_end=dates[1][1],
                cultivation_start=dates[2][0], cultivation_end=dates[2][1],
                midterm_start=dates[3][0], midterm_end=dates[3][1],
                harvest_start=dates[4][0], harvest_end=dates[4][1]))
        self._bulk(Batch, rows)
        self.batch_list = list(Batch.objects.order_by("id"))

    def phase_index(self, batch):
        if batch.is_finished(self.today):
            return 5
        phase = batch.phase_on(self.today)
        return [w[0] for w in batch.windows()].index(phase) if phase else 0

    def projects(self):
        self.say("培育项目")
        per_batch = max(1, self.total["projects"] // len(self.batch_list))
        rows = []
        for batch in self.batch_list:
            states = STATES_BY_PHASE[self.phase_index(batch)]
            branches = self.random.sample(self.branches_of[batch.owner_id],
                                          min(per_batch, len(self.branches_of[batch.owner_id])))
            for rank, branch in enumerate(branches, start=1):
                state = self.random.choice(states)
                topic = self.random.choice(TOPICS)
                grade = self.random.choice([Grade.EXCELLENT, Grade.GOOD, Grade.GOOD, Grade.PASS])
                rows.append(Project(
                    batch=batch, organization_id=branch.pk, unit_id=branch.unit_id, state=state,
                    title=f"{topic}·{branch.name[-6:]}", concept="以党建引领中心工作，" + topic + "。",
                    practice="建立支部工作清单，开展主题党日与党员先锋岗活动。",
                    experience="形成“一支部一品牌”的工作法，在本单位推广。", plan="按月推进，每季度总结。",
                    nomination_rank=rank if state != S.DRAFT else None,
                    midterm_grade=grade if state in GRADED else "",
                    final_grade=(Grade.FAIL if state == S.FAILED else grade) if state in {S.ACCEPTED, S.FAILED} else "",
                    submitted_at=None if state == S.DRAFT else self.now, created_by_id=self.secretary.get(branch.pk)))
        self._bulk(Project, rows)
        self.project_list = list(Project.objects.select_related("batch").order_by("id"))
        activities = []
        for project in self.project_list:
            for order in range(1, 2 + project.pk % 2):
                activities.append(FeaturedActivity(
                    project=project, name=f"特色活动{order}：{project.title[:20]}", order=order,
                    planned_budget=Decimal(3000 + 500 * (project.pk % 5)),
                    allocated_budget=Decimal(2000 + 500 * (project.pk % 5)) if project.state in CULTIVATED else 0))
        self._bulk(FeaturedActivity, activities)

    # ---- progress reports, evidence, funding ---------------------------------------------------

    def reports(self):
        self.say("进展报告")
        cultivated = [p for p in self.project_list if p.state in CULTIVATED]
        self.cultivated = cultivated
        if not cultivated:
            self.report_ids = []
            return
        per_project = max(1, self.total["reports"] // len(cultivated))
        rows = []
        for project in cultivated:
            start = project.batch.cultivation_start
            for number in range(per_project):
                # Fortnightly periods: as many as the scale asks, the latest not yet due.
                due = start + datetime.timedelta(days=14 * number + 13)
                if due < self.today - datetime.timedelta(days=30):
                    state = self.random.choice([ReportState.ACCEPTED] * 6 + [ReportState.ENDORSED, ReportState.RETURNED])
                elif due < self.today:
                    state = self.random.choice([ReportState.SUBMITTED, ReportState.DRAFT, ReportState.ENDORSED])
                else:
                    state = ReportState.DRAFT
                handed_in = state != ReportState.DRAFT
                rows.append(ProgressReport(
                    project=project, period_start=due - datetime.timedelta(days=13), period_due=due,
                    title=f"{due:%Y年%m月}第{number % 2 + 1}期", state=state,
                    narrative="本期召开支部党员大会，开展主题党日活动，党员先锋岗持续运行。",
                    congress_count=1, committee_count=2, group_count=number % 3, lecture_count=number % 2,
                    theme_day_count=1, submitted_at=self.now if handed_in else None,
                    created_by_id=self.secretary.get(project.organization_id)))
        self._bulk(ProgressReport, rows)
        self.report_ids = list(ProgressReport.objects.values_list("id", "project_id"))
        spendings = [Spending(activity=activity, amount=Decimal(200 + activity.pk % 7 * 50),
                              spent_on=self.today - datetime.timedelta(days=activity.pk % 200),
                              purpose="活动场地与资料印制", created_by_id=self.secretary.get(activity.project.organization_id))
                     for activity in FeaturedActivity.objects.filter(project__in=cultivated).select_related("project")]
        self._bulk(Spending, spendings)

    def attachments(self):
        self.say("佐证材料")
        if not self.report_ids:
            return
        root = Path(settings.MEDIA_ROOT) / "scale"
        root.mkdir(parents=True, exist_ok=True)
        files = []
        for content_type, suffix, content in TINY_FILES:
            digest = hashlib.sha256(content).hexdigest()
            (root / f"{digest}{suffix}").write_bytes(content)
            files.append((content_type, suffix, len(content), digest))
        projects = {p.pk: p for p in self.project_list}
        rows = []
        for number in range(self.total["attachments"]):
            report_id, project_id = self.report_ids[number % len(self.report_ids)]
            content_type, suffix, size, digest = files[number % len(files)]
            rows.append(Attachment(
                project_id=project_id, report_id=report_id, path=f"scale/{digest}{suffix}",
                original_name=f"活动照片{number}{suffix}", content_type=content_type, size=size, sha256=digest,
                caption="支部活动", created_by_id=self.secretary.get(projects[project_id].organization_id)))
        self._bulk(Attachment, rows)

    # ---- reviewing -----------------------------------------------------------------------------

    def sheets(self):
        self.say("评审")
        rubric = seven_capabilities()
        criteria = list(rubric.criteria.all())
        rounds = []
        for batch in self.batch_list:
            phase = self.phase_index(batch)
            if phase >= 3:
                rounds.append(Round(batch=batch, phase=RoundPhase.MIDTERM, name=f"{batch.name}中期评估", rubric=rubric,
                                    deadline=batch.midterm_end,
                                    state=RoundState.OPEN if phase == 3 else RoundState.PUBLISHED,
                                    created_by_id=self.staff[batch.owner_id]))
            if phase >= 4:
                rounds.append(Round(batch=batch, phase=RoundPhase.FINAL, name=f"{batch.name}验收评审", rubric=rubric,
                                    deadline=batch.harvest_end,
                                    state=RoundState.OPEN if phase == 4 else RoundState.PUBLISHED,
                                    created_by_id=self.staff[batch.owner_id]))
        self._bulk(Round, rounds)
        pairs = [(round_, project) for round_ in Round.objects.select_related("batch").order_by("id")
                 for project in self.cultivated if project.batch_id == round_.batch_id]
        if not pairs:
            return
        per_pair = max(1, min(len(self.reviewers), -(-self.total["sheets"] // len(pairs))))
        sheets = []
        for number, (round_, project) in enumerate(pairs):
            for offset in range(min(per_pair, self.total["sheets"] - len(sheets))):
                reviewer = self.reviewers[(number * per_pair + offset) % len(self.reviewers)]
                submitted = round_.state == RoundState.PUBLISHED or offset % 3 != 0
                percent = Decimal(70 + (project.pk + offset) % 28)
                sheets.append(ScoreSheet(
                    round=round_, project=project, reviewer_id=reviewer,
                    state=SheetState.SUBMITTED if submitted else SheetState.ASSIGNED,
                    total=percent if submitted else None, percent=percent if submitted else None,
                    comment="材料扎实，特色鲜明。" if submitted else "", assigned_by_id=round_.created_by_id,
                    submitted_at=self.now if submitted else None))
        self._bulk(ScoreSheet, sheets)
        scores = []
        for sheet in ScoreSheet.objects.filter(state=SheetState.SUBMITTED).only("id", "percent"):
            for criterion in criteria:
                scores.append(Score(sheet_id=sheet.pk, criterion=criterion,
                                    value=(criterion.max_score * sheet.percent / 100).quantize(Decimal("0.01"))))
        self._bulk(Score, scores)

    # ---- publicity pieces ----------------------------------------------------------------------

    def pieces(self):
        """Two pieces for each project the showcase shows, most approved (its pages and feed have them),
        the others waiting in the 二级党组织's or the 组织部's review queue."""
        self.say("宣传稿件")
        states = [PieceState.APPROVED, PieceState.APPROVED, PieceState.APPROVED, PieceState.SUBMITTED,
                  PieceState.ENDORSED]
        kinds = list(PieceKind)
        rows = []
        for project in (p for p in self.project_list if p.state in SHOWCASED_STATES):
            for number in range(2):
                state = states[(project.pk + number) % len(states)]
                rows.append(PublicityPiece(
                    project=project, kind=kinds[(project.pk + number) % len(kinds)], state=state,
                    title=f"{project.title[:40]}：创建工作纪实（{number + 1}）",
                    body="支部以“一支部一品牌”为抓手，组织党员深入一线，形成可复制的经验。\n" * 12,
                    unit_comment="同意推荐。" if state != PieceState.SUBMITTED else "",
                    school_comment="同意发布。" if state == PieceState.APPROVED else "",
                    approved_at=self.now - datetime.timedelta(days=project.pk % 90) if state == PieceState.APPROVED
                    else None, created_by_id=self.secretary.get(project.organization_id)))
        self._bulk(PublicityPiece, rows)

    # ---- the event log -------------------------------------------------------------------------

    def events(self):
        self.say("事件日志")
        project_type = ContentType.objects.get_for_model(Project)
        report_type = ContentType.objects.get_for_model(ProgressReport)
        projects = [(p.pk, str(p.title)[:200], self.paths[p.organization_id]) for p in self.project_list]
        project_path = {pk: path for pk, _, path in projects}
        reports = self.report_ids or [(None, pk) for pk, _, _ in projects]
        actions = [("project.submit", project_type), ("project.nominate", project_type),
                   ("report.submit", report_type), ("report.endorse", report_type), ("report.accept", report_type),
                   ("report.reminded", report_type)]
        columns = ["created_at", "actor_id", "action", "content_type_id", "object_id", "object_repr", "data", "source",
                   "scope"]

        def rows():
            for number in range(self.total["events"]):
                if number % EDITED_EVERY == 7:
                    action, content_type = "report.edited", report_type
                elif number % STARTED_EVERY == 13:
                    action, content_type = "report.started", report_type
                else:
                    action, content_type = actions[number % len(actions)]
                if content_type is project_type:
                    pk, label, path = projects[number % len(projects)]
                else:
                    pk, project_id = reports[number % len(reports)]
                    label, path = "进展报告", project_path[project_id]
                # Reminders have no acting user.
                actor = None if action == "report.reminded" else self.user_ids[number % len(self.user_ids)]
                yield (self.now - datetime.timedelta(minutes=number % 1_000_000), actor, action, content_type.pk,
                       str(pk), label, {}, "seed_scale", path)

        # The rows carry their own times (the fallback to bulk_create would stamp them all with now).
        with (explicit_times(Event._meta.get_field("created_at")), transaction.atomic(),
              pgcopy.indexes_built_after(Event)):
            pgcopy.insert_values(Event, columns, rows())
        made = self.total["events"]
        self.say(f"  事件：{made:,}")

    def figures(self):
        return {
            "二级党组织": Organization.objects.filter(kind=OrgKind.COMMITTEE).count(),
            "党支部": Organization.objects.filter(kind=OrgKind.BRANCH).count(),
            "批次": Batch.objects.count(), "培育项目": Project.objects.count(),
            "进展报告": ProgressReport.objects.count(), "佐证材料": Attachment.objects.count(),
            "评审专家": len(self.reviewers), "评分表": ScoreSheet.objects.count(),
            "宣传稿件": PublicityPiece.objects.count(), "事件": Event.objects.count(),
        }
