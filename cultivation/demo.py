"""Demonstration batches, built through the same services and workflow the pages use.

Five batches, every one placed around the demo's today so that each project's state fits the phase
its batch is in on the day the demo is built, whatever day that is:
- finished (第一批样板党支部, three years back): every phase done, 15 projects accepted or failed
  with grades and one not recognized; a recognition notice with an answered objection, mid-term and
  acceptance results notices;
- midterm (第二批): today falls in its 中期评估 window; projects recognized or with mid-term materials in;
- cultivating (第三批): today falls in its 培育 window; its targets recognized (the demo secretary's
  branch among them), one application not recognized and one withdrawn during 选苗;
- recognition (第一批“双带头人”教师党支部书记工作室): today falls in its 认定 window; the shortlist is in a
  公示 open today, with an objection waiting for an answer; one nomination not recognized;
- selection (第四批样板党支部): open for application; drafts, submissions and recommended nominations,
  the demo secretary's branch not yet among them so the secretary can start one (the batch only warns
  of a branch cultivated in another, as the secretary's is in 第三批);
- school_decision (学生党支部专项): in 认定, its 拟认定公示 ended before today without objection, three
  shortlisted branches for the 组织部 to 确定为培育对象 at once; the province's pilot does the same at
  province level (province_decision_batch).

The second, smaller university under the same province (branches/demo.py) runs a batch of its own,
open for application, with a few applications, so that its 组织部 (`staff2`) has something to run
and the first university's staff have something they must not see. Its people and its random draws
are its own, so the first university's batches are what they were before it existed.

Every move passes an explicit `today=` inside the right window, so the events and the checks are
the real ones; only the event timestamps are the day the demo was built.
"""

import datetime
import importlib
import importlib.util
import random

from django.conf import settings
from django.utils import timezone

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from branches.enums import BranchType, Role
from branches.models import Organization
from branches.rules import eligibility_problems
from branches.services import role_grant

from . import notices, services, workflow
from .enums import CULTIVATED_STATES, BatchKind, Grade, ProjectState
from .holidays import OFFICIAL_YEARS
from .models import HolidayYear, Project
from .models.notices import NoticeKind, ObjectionOutcome
from .models.reviews import DeliverableKind

D = datetime.date
S = ProjectState

CONCEPTS = [
    "以政治建设为统领，把支部建在{field}一线，让党建与业务同频共振。",
    "坚持“党建+{field}”，以高质量党建引领{field}高质量发展。",
    "突出中医特色，把中医药文化融入{field}工作全过程。",
]
PRACTICES = [
    "严格落实“三会一课”，每月开展主题党日；设立党员先锋岗{n}个，开展“承诺践诺”活动。",
    "建立“支部书记+业务骨干”双带头人工作机制，党员领衔攻关项目{n}项。",
    "围绕“学习先锋”开展朋辈帮扶，组建志愿服务队{n}支，常态化开展义诊咨询、支医支教。",
]
EXPERIENCES = [
    "形成了“三联三促”工作法，相关做法在“数字北中医”刊发。",
    "总结出“师带徒、党员带群众”的传帮带经验，青年教师成长明显。",
    "建立了问题清单、任务清单、责任清单“三张清单”，工作闭环管理。",
]
PLANS = [
    "18个月内凝练1套可复制的工作法，建成1个宣传平台，制作1部示范微视频，汇编1本成果集。",
    "分三步推进：夯实基础（6个月）、打造品牌（6个月）、总结推广（6个月）。",
]
ACTIVITIES = [
    ("经典诵读进课堂", "每月组织一次中医经典诵读与研讨，党员教师领读。"),
    ("党员示范门诊", "党员医师每周固定时段开设示范门诊，接受患者监督。"),
    ("课程思政工作坊", "围绕知识点挖掘思政元素，党员教师集体备课。"),
    ("红色“1+1”共建", "与社区党支部结对，开展健康宣讲和义诊。"),
    ("学习先锋朋辈帮扶", "学生党员一对一帮扶学业困难同学。"),
    ("岐黄薪火传承讲堂", "邀请名老中医讲述从医经历和学术思想。"),
    ("窗口服务“微改进”", "收集师生意见，逐月整改服务流程。"),
]
FIELDS = {BranchType.FACULTY: ["教学", "科研", "医疗", "服务"], BranchType.STUDENT: ["学风建设", "志愿服务"]}

def windows(selection, recognition, cultivation, midterm, harvest):
    fields = {}
    for phase, (start, end) in zip(["selection", "recognition", "cultivation", "midterm", "harvest"],
                                   [selection, recognition, cultivation, midterm, harvest]):
        fields[f"{phase}_start"], fields[f"{phase}_end"] = start, end
    return fields


class Builder:
    def __init__(self, context, *, school=None, staff=None, rng=None):
        self.context = context
        self.rng = rng or context["rng"]
        self.today = context["today"]
        self.staff = staff or context["users"]["staff"]
        # Whose branches apply: the batches' owner (the first university unless told).
        self.school = Organization.objects.get(pk=(school or context["school"]).pk)
        self.users = {}
        self.used = set()
        # One hash for every extra demo account: hashing is deliberately slow, and they share a password.
        self.password_hash = make_password(settings.DEMO_PASSWORD)

    def account(self, username, full_name):
        return get_user_model().objects.create(username=username, first_name=full_name, password=self.password_hash)

    # ---- people ------------------------------------------------------------------------------

    def secretary(self, branch):
        if branch.pk == self.context["secretary_branch"].pk:
            return self.context["users"]["secretary"]
        key = ("secretary", branch.pk)
        if key not in self.users:
            user = self.account(f"zb{branch.code.lower()}", f"{branch.name}书记 {branch.secretary_name}")
            role_grant(actor=None, user=user, role=Role.SECRETARY, organization=branch)
            self.users[key] = user
        return self.users[key]

    def unit_staff(self, unit):
        if unit.pk == self.context["scope"][Role.UNIT_STAFF].pk:
            return self.context["users"]["unit"]
        key = ("unit", unit.pk)
        if key not in self.users:
            user = self.account(f"dw{unit.code.lower()}", f"{unit.name} 组织员")
            role_grant(actor=None, user=user, role=Role.UNIT_STAFF, organization=unit)
            self.users[key] = user
        return self.users[key]

    # ---- picking branches ------------------------------------------------------------------------

    def eligible(self, deadline, branch_type, count, *, exclude=(), double_leader=False):
        branches = Organization.objects.within([self.school.path]).branches().active().filter(branch_type=branch_type)
        if double_leader:
            branches = branches.filter(secretary_is_double_leader=True)
        candidates = [
            branch for branch in branches.select_related("unit").order_by("code")
            if branch.pk not in self.used and branch.pk not in exclude and not eligibility_problems(branch, deadline=deadline)
        ]
        chosen = self.rng.sample(candidates, min(count, len(candidates)))
        self.used.update(branch.pk for branch in chosen)
        return chosen

    # ---- one project through the workflow ----------------------------------------------------------

    def create(self, batch, branch):
        field = self.rng.choice(FIELDS[BranchType(branch.branch_type)])
        activities = self.rng.sample(ACTIVITIES, self.rng.choice([1, 2]))
        title = f"“{activities[0][0]}”——{field}{self.rng.choice(['党建品牌', '工作法', '育人载体'])}"
        return services.project_create(
            batch=batch, organization=branch, actor=self.secretary(branch), title=title[:100],
            concept=self.rng.choice(CONCEPTS).format(field=field),
            practice=self.rng.choice(PRACTICES).format(n=self.rng.randint(2, 6)),
            experience=self.rng.choice(EXPERIENCES), plan=self.rng.choice(PLANS),
            activities=[{"name": name, "description": text, "planned_budget": self.rng.choice([3000, 5000, 8000])}
                        for name, text in activities])

    def move(self, project, name, actor, day, **kwargs):
        workflow.move(project=project, name=name, actor=actor, today=day, **kwargs)
        project.refresh_from_db()
        return project

    def run(self, batch, plan, *, notice_day, objections=(), pending_objection=None, pending_objection_day=None,
            midterm_notice=False, acceptance_notice=False):
        """Take each (branch, target state) of the plan as far as its target, phase by phase."""
        order = [S.DRAFT, S.SUBMITTED, S.NOMINATED, S.SHORTLISTED, S.RECOGNIZED, S.MIDTERM_SUBMITTED, S.RECTIFYING,
                 S.FINAL_SUBMITTED, S.ACCEPTED]
        rank = {state: index for index, state in enumerate(order)}
        rank.update({S.WITHDRAWN: 0, S.RETURNED: 1, S.REJECTED: 2, S.FAILED: rank[S.ACCEPTED]})

        selection_day = batch.selection_start + datetime.timedelta(days=5)
        recognition_day = batch.recognition_start + datetime.timedelta(days=1)
        projects = []
        for branch, target in plan:
            project = self.create(batch, branch)
            projects.append((project, target))
            if target == S.WITHDRAWN:
                self.move(project, "withdraw", self.secretary(branch), selection_day)
            elif target != S.DRAFT:
                self.move(project, "submit", self.secretary(branch), selection_day)
        ranks = {}
        for project, target in projects:
            unit_staff = self.unit_staff(project.unit)
            if target == S.RETURNED:
                self.move(project, "return_application", unit_staff, selection_day + datetime.timedelta(days=3),
                          reason="做法与经验写得过于笼统，请补充具体事例和数据后再提交。")
            elif target not in (S.DRAFT, S.SUBMITTED, S.WITHDRAWN):
                ranks[project.unit_id] = ranks.get(project.unit_id, 0) + 1
                services.project_recommend(project=project, actor=unit_staff, rank=ranks[project.unit_id],
                                           recommendation="该支部基础扎实、特色鲜明，同意推荐。")
                self.move(project, "nominate", unit_staff, selection_day + datetime.timedelta(days=5))
        for project, target in projects:
            if target == S.REJECTED:
                self.move(project, "reject", self.staff, recognition_day,
                          reason="特色不够鲜明，本批次暂不列入；鼓励下一批次继续申报。")
            elif rank[target] >= rank[S.SHORTLISTED] and target not in (S.WITHDRAWN, S.RETURNED, S.REJECTED):
                self.move(project, "shortlist", self.staff, recognition_day)
        shortlisted = [p for p, t in projects if rank[t] >= rank[S.SHORTLISTED] and t not in (S.REJECTED,)]
        if not shortlisted:
            return self._refresh(projects), None
        notice = notices.notice_publish(
            batch=batch, kind=NoticeKind.RECOGNITION, title=f"关于{batch.name}拟认定培育对象的公示",
            body=f"经各二级党组织推荐、学校党委筛选，拟确定以下{len(shortlisted)}个党支部为{batch.name}培育对象，现予公示。"
                 "公示期间如有异议，请实名向党委组织部反映。",
            starts_on=notice_day, items=[(p, "") for p in shortlisted], actor=self.staff,
            contact="党委组织部 电话 010-6428xxxx，邮箱 zzb@example.edu.cn", today=notice_day)
        by_branch = {p.organization_id: p for p in shortlisted}
        for branch, content, outcome, response in objections:
            item = notice.items.get(project=by_branch[branch.pk])
            objection = notices.objection_lodge(notice=notice, item=item, name="刘建军", contact="13901234567",
                                                affiliation="校内教职工", content=content, today=notice_day)
            notices.objection_answer(objection=objection, outcome=outcome, response=response, actor=self.staff)
        if pending_objection is not None:
            # Lodged and not yet answered: this one project waits, the others are recognized.
            item = notice.items.get(project=by_branch[pending_objection.pk])
            notices.objection_lodge(notice=notice, item=item, name="陈晓东", contact="chenxd@example.edu.cn",
                                    affiliation="校友", content="反映该支部个别党员组织关系转接不及时，请核实。",
                                    today=pending_objection_day or notice_day)
        decision_day = notice.ends_on + datetime.timedelta(days=1)
        for project, target in projects:
            if rank[target] >= rank[S.RECOGNIZED] and target != S.REJECTED:
                self.move(project, "recognize", self.staff, decision_day)
        self._materials(batch, projects, rank, midterm_notice=midterm_notice, acceptance_notice=acceptance_notice)
        return self._refresh(projects), notice

    def _materials(self, batch, projects, rank, *, midterm_notice, acceptance_notice):
        real_today = timezone.localdate()
        midterm_day = batch.midterm_start + datetime.timedelta(days=3)
        for project, target in projects:
            if rank[target] >= rank[S.MIDTERM_SUBMITTED] and target != S.REJECTED:
                secretary = self.secretary(project.organization)
                services.midterm_report_save(
                    project=project, actor=secretary,
                    summary=f"培育以来，{project.organization.name}严格落实“三会一课”，开展主题党日{self.rng.randint(10, 20)}次，"
                            f"党员先锋岗{self.rng.randint(2, 6)}个，重点推动的特色活动按计划开展。",
                    outcome_report=f"形成工作制度{self.rng.randint(2, 5)}项、典型案例{self.rng.randint(1, 4)}个，"
                                   f"在“数字北中医”和学院公众号发布新闻{self.rng.randint(5, 20)}篇。")
                self.move(project, "submit_midterm", secretary, midterm_day)
        conclude_day = min(batch.midterm_end, max(midterm_day, real_today)) \
            if batch.midterm_end >= real_today else batch.midterm_end
        concluded = []
        for project, target in projects:
            if rank[target] >= rank[S.RECTIFYING] and target != S.REJECTED:
                services.feedback_add(project=project, actor=self.staff,
                                      content="特色活动的成效数据积累不足，请补充过程性材料。")
                services.feedback_add(project=project, actor=self.staff, content="宣传平台更新频率偏低，请建立固定栏目。")
                grade = self.rng.choice([Grade.EXCELLENT, Grade.GOOD, Grade.GOOD, Grade.PASS])
                concluded.append(self.move(project, "conclude_midterm", self.staff, conclude_day,
                                           fields={"midterm_grade": grade}))
        if midterm_notice and concluded:
            notices.notice_publish(
                batch=batch, kind=NoticeKind.MIDTERM, title=f"{batch.name}中期评估结果公示",
                body="学校党委组织对各培育单位进行了中期评估，现将结果予以公示。",
                starts_on=conclude_day + datetime.timedelta(days=3),
                items=[(p, f"中期评估：{Grade(p.midterm_grade).label}") for p in concluded], actor=self.staff,
                today=conclude_day + datetime.timedelta(days=3))
        final_day = batch.harvest_start + datetime.timedelta(days=20)
        for project, target in projects:
            if rank[target] >= rank[S.FINAL_SUBMITTED] and target != S.REJECTED:
                secretary = self.secretary(project.organization)
                for item in project.feedback_items.all():
                    services.feedback_respond(item=item, actor=secretary, response="已按意见整改，补充了过程材料并建立固定栏目。")
                services.final_report_save(project=project, actor=secretary,
                                           summary=f"{project.organization.name}培育工作总结：对照培育思路，完成各项任务。")
                for kind, title in [(DeliverableKind.EXPERIENCE, "“三联三促”党建工作法"),
                                    (DeliverableKind.PLATFORM, f"{project.organization.name}微信公众号"),
                                    (DeliverableKind.VIDEO, "示范建设微视频《初心》"),
                                    (DeliverableKind.BOOKLET, "样板党支部建设成果汇编")]:
                    services.deliverable_add(project=project, actor=secretary, kind=kind, title=title)
                self.move(project, "submit_final", secretary, final_day)
        decision_day = batch.harvest_start + datetime.timedelta(days=60)
        review_day = min(decision_day - datetime.timedelta(days=10), real_today)
        decided = []
        for project, target in projects:
            if target in (S.ACCEPTED, S.FAILED):
                services.acceptance_record_save(
                    project=project, actor=self.staff, material_review_on=review_day,
                    material_review_notes="总结报告和成果材料齐全。", presentation_on=review_day,
                    presentation_notes="支部书记作专题汇报，评审组提问。", site_visit_on=review_day,
                    site_visit_notes="实地查看党员活动室和宣传阵地。")
                for item in project.feedback_items.all():
                    services.feedback_verify(item=item, actor=self.staff, verified=target == S.ACCEPTED,
                                             note="已核实" if target == S.ACCEPTED else "整改不到位")
                if target == S.ACCEPTED:
                    grade = self.rng.choice([Grade.EXCELLENT, Grade.GOOD, Grade.GOOD, Grade.PASS])
                    decided.append(self.move(project, "accept", self.staff, decision_day, fields={"final_grade": grade}))
                else:
                    decided.append(self.move(project, "fail", self.staff, decision_day,
                                             reason="“四个一”成果质量未达到要求，整改意见未落实。"))
        if acceptance_notice and decided:
            notices.notice_publish(
                batch=batch, kind=NoticeKind.ACCEPTANCE, title=f"{batch.name}验收结果公示",
                body="经材料审查、专题汇报和实地考察，学校党委综合评定了各培育单位的验收结果，现予公示。",
                starts_on=decision_day + datetime.timedelta(days=2),
                items=[(p, f"验收等次：{Grade(p.final_grade).label}") for p in decided], actor=self.staff,
                today=decision_day + datetime.timedelta(days=2))

    @staticmethod
    def _refresh(projects):
        return list(Project.objects.filter(pk__in=[p.pk for p, _ in projects]).select_related("organization", "unit"))


def days(n):
    return datetime.timedelta(days=n)


def known_years(first, last, *, warnings):
    """The demo's notices are counted in working days: a year the chinesecalendar package does not
    know yet is recorded as entered by hand (weekends only), with a note and a warning, so the demo
    can be built on any day and nobody mistakes it for a checked calendar."""
    for year in range(first, last + 1):
        if year not in OFFICIAL_YEARS and not HolidayYear.objects.filter(year=year).exists():
            HolidayYear.objects.create(year=year, note="演示数据：chinesecalendar 尚无该年安排，暂按周末计算，正式使用前请录入")
            warnings.append(f"chinesecalendar 尚无{year}年的节假日安排：演示数据暂按周末计算该年的公示期。")


def build(context):
    builder = Builder(context)
    staff = context["users"]["staff"]
    secretary_branch = context["secretary_branch"]
    builder.used.add(secretary_branch.pk)
    today = context["today"]
    year = today.year
    known_years(year - 3, (today + days(20)).year, warnings=context.setdefault("warnings", []))

    def batch(**fields):
        return services.batch_create(actor=staff, owner=context["school"], **fields)

    finished = batch(
        name="第一批“样板党支部”培育工程", year=year - 3, nomination_deadline=D(year - 3, 3, 25),
        description="落实“对标争先”建设计划，培育约15个样板党支部（教职工党支部10个左右、学生党支部5个左右），培育期18个月。",
        **windows((D(year - 3, 3, 1), D(year - 3, 3, 31)), (D(year - 3, 4, 1), D(year - 3, 4, 30)),
                  (D(year - 3, 5, 1), D(year - 2, 9, 30)), (D(year - 2, 10, 1), D(year - 2, 10, 31)),
                  (D(year - 2, 11, 1), D(year - 1, 6, 30))))
    faculty = builder.eligible(finished.nomination_deadline, BranchType.FACULTY, 11)
    students = builder.eligible(finished.nomination_deadline, BranchType.STUDENT, 5)
    plan = [(branch, S.ACCEPTED) for branch in faculty[:9]] + [(faculty[9], S.FAILED)] + \
        [(branch, S.ACCEPTED) for branch in students[:4]] + [(students[4], S.FAILED)] + [(faculty[10], S.REJECTED)]
    # The evaluations demo scores this batch's rounds and publishes their results notices itself;
    # without it, the results notices are published here so the batch still ends in public.
    results_here = importlib.util.find_spec("evaluations.demo") is None
    finished_projects, _ = builder.run(
        finished, plan, notice_day=D(year - 3, 4, 10), midterm_notice=results_here, acceptance_notice=results_here,
        objections=[(faculty[0], f"反映该支部{year - 4}年发展党员时公示期不足，请核实。", ObjectionOutcome.DISMISSED,
                     "经核查发展党员档案，公示期为7天，符合规定，异议不成立。已电话告知反映人。")])

    # Started about a year and a half ago: 培育 ended three weeks ago, 中期评估 runs now.
    midterm_start = today - days(20)
    midterm = batch(
        name="第二批“样板党支部”培育工程", year=(midterm_start - days(430)).year,
        nomination_deadline=midterm_start - days(435),
        **windows((midterm_start - days(460), midterm_start - days(431)),
                  (midterm_start - days(430), midterm_start - days(401)),
                  (midterm_start - days(400), midterm_start - days(1)),
                  (midterm_start, today + days(25)), (today + days(26), today + days(220))))
    faculty = builder.eligible(midterm.nomination_deadline, BranchType.FACULTY, 7)
    students = builder.eligible(midterm.nomination_deadline, BranchType.STUDENT, 3)
    plan = [(branch, S.MIDTERM_SUBMITTED if index % 2 == 0 else S.RECOGNIZED)
            for index, branch in enumerate(faculty + students)]
    midterm_projects, _ = builder.run(midterm, plan, notice_day=midterm.recognition_start + days(7))

    # 培育 began about six months ago and runs on for another six or seven.
    cultivation_start = today - days(190)
    cultivating = batch(
        name="第三批“样板党支部”培育工程", year=(cultivation_start - days(30)).year,
        nomination_deadline=cultivation_start - days(65),
        **windows((cultivation_start - days(90), cultivation_start - days(61)),
                  (cultivation_start - days(60), cultivation_start - days(1)),
                  (cultivation_start, today + days(200)), (today + days(201), today + days(231)),
                  (today + days(232), today + days(400))))
    # Ten faculty and three student branches recognized: the batch's quotas.
    faculty = builder.eligible(cultivating.nomination_deadline, BranchType.FACULTY, 11)
    students = builder.eligible(cultivating.nomination_deadline, BranchType.STUDENT, 3)
    others = faculty + students
    plan = [(secretary_branch, S.RECOGNIZED)] + [(others[0], S.REJECTED), (others[1], S.WITHDRAWN)] + \
        [(branch, S.RECOGNIZED) for branch in others[2:]]
    cultivating_projects, _ = builder.run(cultivating, plan, notice_day=cultivating.recognition_start + days(7))

    # Applications closed twelve days ago; the shortlist's 公示 began two days ago and is open today.
    recognition = batch(
        name="第一批“双带头人”教师党支部书记工作室培育建设", kind=BatchKind.STUDIO, year=(today - days(50)).year,
        nomination_deadline=today - days(15), quota_total=6, quota_faculty=6, quota_student=0,
        description="依托“双带头人”党支部书记建设工作室，发挥其在党建和业务工作中的示范引领作用。",
        **windows((today - days(50), today - days(12)), (today - days(11), today + days(20)),
                  (today + days(21), today + days(560)), (today + days(561), today + days(591)),
                  (today + days(592), today + days(760))))
    faculty = builder.eligible(recognition.nomination_deadline, BranchType.FACULTY, 6, double_leader=True)
    plan = [(branch, S.SHORTLISTED) for branch in faculty[:4]] + [(faculty[4], S.REJECTED), (faculty[5], S.WITHDRAWN)]
    recognition_projects, _ = builder.run(recognition, plan, notice_day=today - days(2), pending_objection=faculty[0],
                                          pending_objection_day=today)

    # The fourth batch only warns about a branch cultivated in the third (it may carry its work on), so
    # the demo secretary, whose branch is a third-batch target, can apply as the README says.
    selection = batch(
        name="第四批“样板党支部”培育工程", year=(today + days(56)).year, nomination_deadline=today + days(20),
        one_project_per_branch=False,
        description="面向全校党支部开展第四批培育对象选苗，各二级党组织请按名额推荐。"
                    "已在第三批培育的党支部也可申报，系统会提示其培育情况，由学校党委统筹。",
        **windows((today - days(20), today + days(24)), (today + days(25), today + days(55)),
                  (today + days(56), today + days(600)), (today + days(601), today + days(631)),
                  (today + days(632), today + days(800))))
    zhongyi_unit = Organization.objects.get(pk=context["units"]["中医学院"].pk)
    services.unit_quota_set(actor=staff, batch=selection, unit=zhongyi_unit, quota=2)
    zhongyi = [branch for branch in builder.eligible(selection.nomination_deadline, BranchType.FACULTY, 60)
               if branch.unit_id == zhongyi_unit.pk][:2]
    faculty = builder.eligible(selection.nomination_deadline, BranchType.FACULTY, 6)
    students = builder.eligible(selection.nomination_deadline, BranchType.STUDENT, 2)
    plan = [(branch, S.SUBMITTED) for branch in zhongyi] + list(zip(
        faculty + students, [S.DRAFT, S.SUBMITTED, S.NOMINATED, S.NOMINATED, S.RETURNED, S.SUBMITTED, S.DRAFT,
                             S.NOMINATED]))
    selection_projects = [builder.create(selection, branch) for branch, _ in plan]
    day = today
    ranks = {}  # each unit ranks its own nominations 1, 2, …: a rank is given once per unit
    for project, (_, target) in zip(selection_projects, plan):
        if target != S.DRAFT:
            workflow.move(project=project, name="submit", actor=builder.secretary(project.organization), today=day)
        if target == S.RETURNED:
            workflow.move(project=project, name="return_application", actor=builder.unit_staff(project.unit), today=day,
                          reason="请补充特色活动的经费测算依据。")
        if target == S.NOMINATED:
            ranks[project.unit_id] = ranks.get(project.unit_id, 0) + 1
            services.project_recommend(project=project, actor=builder.unit_staff(project.unit),
                                       rank=ranks[project.unit_id], recommendation="同意推荐。")
            workflow.move(project=project, name="nominate", actor=builder.unit_staff(project.unit), today=day)

    context["batches"] = {"finished": finished, "midterm": midterm, "cultivating": cultivating,
                          "recognition": recognition, "selection": selection}
    # For the demos after this one: each batch's cultivation targets (recognized and later), which is
    # what progress reports and evaluations work on; for the selection and recognition batches, their
    # applications. Every project of a batch, whatever its state, is Project.objects.filter(batch=...).
    context["projects"] = {
        key: [p for p in projects if p.state in CULTIVATED_STATES]
        for key, projects in [("finished", finished_projects), ("midterm", midterm_projects),
                              ("cultivating", cultivating_projects)]
    }
    context["projects"]["recognition"] = recognition_projects
    context["projects"]["selection"] = list(Project.objects.filter(batch=selection).select_related("organization", "unit"))
    if importlib.util.find_spec("cultivation.reports.demo"):
        importlib.import_module("cultivation.reports.demo").build(context)
    if context.get("second_school") is not None:
        second_school_batch(context)
        province_batch(context)
    # Built last, with draws of their own, so that every batch above is what it was before them.
    builder.rng = random.Random(20250601)
    school_decision_batch(context, builder)
    if context.get("second_school") is not None:
        province_decision_batch(context)
    return context


def notice_day_ended_before(today, working_days):
    """The latest day a 公示 of `working_days` working days could start and have ended before today."""
    day = today - days(1)
    while notices.notice_end(day, working_days) >= today:
        day -= days(1)
    return day


def school_decision_batch(context, builder):
    """A school batch in 认定 whose 拟认定公示 ended before today without objection: its three shortlisted
    student branches wait for the 组织部 to 确定为培育对象, which it may do at once."""
    today = context["today"]
    batch = services.batch_create(
        actor=context["users"]["staff"], owner=context["school"], name="“样板党支部”培育工程（学生党支部专项）",
        year=(today - days(60)).year, nomination_deadline=today - days(33), quota_total=3, quota_faculty=0,
        quota_student=3, description="面向学生党支部的专项培育，各二级党组织推荐基础扎实、特色鲜明的学生党支部。",
        **windows((today - days(60), today - days(31)), (today - days(30), today + days(14)),
                  (today + days(15), today + days(560)), (today + days(561), today + days(590)),
                  (today + days(591), today + days(760))))
    students = builder.eligible(batch.nomination_deadline, BranchType.STUDENT, 3)
    projects, _ = builder.run(batch, [(branch, S.SHORTLISTED) for branch in students],
                              notice_day=notice_day_ended_before(today, batch.notice_working_days))
    context["batches"]["school_decision"] = batch
    context["projects"]["school_decision"] = projects
    return batch


def province_decision_batch(context):
    """The province's pilot in 认定: each school recommended one 样板党支部 (others than those in the
    province's first batch), the province shortlisted both, and their 公示 ended before today: the
    province's 组织部 may 确定为培育对象 at once."""
    today = context["today"]
    province = context["users"]["province"]
    batch = services.batch_create(
        actor=province, owner=context["province"], name="省级“样板党支部”培育创建（试点）", year=(today - days(60)).year,
        nomination_deadline=today - days(33), quota_total=4, quota_faculty=2, quota_student=2,
        description="省委教育工委先行试点：两校各推荐一个已通过验收或正在培育的样板党支部，公示期满后认定。",
        **windows((today - days(60), today - days(31)), (today - days(30), today + days(14)),
                  (today + days(15), today + days(560)), (today + days(561), today + days(590)),
                  (today + days(591), today + days(760))))
    for school in (context["school"], context["second_school"]):
        services.unit_quota_set(actor=province, batch=batch, unit=school, quota=1)
    in_first_batch = set(Project.objects.filter(batch=context["batches"]["province"]).values_list("organization", flat=True))
    accepted = next(p for p in context["projects"]["finished"] if p.state == S.ACCEPTED
                    and p.organization_id not in in_first_batch and p.organization.branch_type == BranchType.FACULTY)
    pilot = next(p for p in context["projects"]["second_school_pilot"] if p.organization_id not in in_first_batch)
    selection_day = batch.selection_start + days(5)
    recommended = [
        services.project_recommend_up(batch=batch, source=source, actor=staff, rank=1, recommendation=note,
                                      today=selection_day)
        for staff, source, note in [
            (context["users"]["staff"], accepted, "该支部通过校级验收，经学校党委研究同意推荐参加省级试点。"),
            (context["users"]["staff2"], pilot, "该支部为学校试点培育对象，同意推荐参加省级试点。")]]
    for project in recommended:
        workflow.move(project=project, name="shortlist", actor=province, today=batch.recognition_start + days(1))
    notice_day = notice_day_ended_before(today, batch.notice_working_days)
    notices.notice_publish(
        batch=batch, kind=NoticeKind.RECOGNITION, title=f"关于{batch.name}拟认定培育对象的公示",
        body="经各高校党委推荐、省委教育工委遴选，拟确定以下党支部为省级样板党支部培育对象，现予公示。",
        starts_on=notice_day, items=[(p, "") for p in recommended], actor=province,
        contact="省委教育工委组织处 电话 0371-6590xxxx", today=notice_day)
    context["batches"]["province_decision"] = batch
    context["projects"]["province_decision"] = list(Project.objects.filter(batch=batch))
    return batch


def second_school_batch(context):
    """The second university's own batch, open for application: two submitted (one of them recommended)
    and one draft, by its own secretaries and 二级党组织 staff, set up by its own 组织部."""
    today = context["today"]
    staff = context["users"]["staff2"]
    builder = Builder(context, school=context["second_school"], staff=staff, rng=random.Random(20240301))
    batch = services.batch_create(
        actor=staff, owner=builder.school, name="中原师范学院第一批“样板党支部”培育工程", year=(today + days(46)).year,
        nomination_deadline=today + days(25), quota_total=4, quota_faculty=3, quota_student=1,
        description="学校党委首批“样板党支部”培育，各二级党组织推荐本单位基础扎实、特色鲜明的党支部。",
        **windows((today - days(10), today + days(30)), (today + days(31), today + days(45)),
                  (today + days(46), today + days(590)), (today + days(591), today + days(620)),
                  (today + days(621), today + days(800))))
    faculty = builder.eligible(batch.nomination_deadline, BranchType.FACULTY, 2)
    students = builder.eligible(batch.nomination_deadline, BranchType.STUDENT, 1)
    pilot_start = today - days(150)  # the school's pilot: 培育 began five months ago
    pilot = services.batch_create(
        actor=staff, owner=builder.school, name="中原师范学院“样板党支部”培育试点", year=(pilot_start - days(30)).year,
        nomination_deadline=pilot_start - days(65), quota_total=2, quota_faculty=2, quota_student=0,
        description="学校党委先行试点，培育两个教职工样板党支部。",
        **windows((pilot_start - days(90), pilot_start - days(61)), (pilot_start - days(60), pilot_start - days(1)),
                  (pilot_start, today + days(300)), (today + days(301), today + days(330)),
                  (today + days(331), today + days(500))))
    pilot_branches = builder.eligible(pilot.nomination_deadline, BranchType.FACULTY, 2, exclude={b.pk for b in faculty})
    pilot_projects, _ = builder.run(pilot, [(branch, S.RECOGNIZED) for branch in pilot_branches],
                                    notice_day=pilot.recognition_start + days(7))
    context["projects"]["second_school_pilot"] = pilot_projects
    for branch, target in zip(faculty + students, [S.NOMINATED, S.SUBMITTED, S.DRAFT]):
        project = builder.create(batch, branch)
        if target != S.DRAFT:
            workflow.move(project=project, name="submit", actor=builder.secretary(branch), today=today)
        if target == S.NOMINATED:
            services.project_recommend(project=project, actor=builder.unit_staff(project.unit), rank=1,
                                       recommendation="该支部基础扎实，同意推荐。")
            workflow.move(project=project, name="nominate", actor=builder.unit_staff(project.unit), today=today)
    context["batches"]["second_school"] = batch
    return batch


def province_batch(context):
    """The province's batch, open for recommendations: each school's 组织部 has recommended one of its
    cultivated 样板党支部 (the first university an accepted one, the second its pilot), within the
    province's quota of two per school."""
    today = context["today"]
    province = context["users"]["province"]
    batch = services.batch_create(
        actor=province, owner=context["province"], name="省级“样板党支部”培育创建（第一批）", year=(today + days(56)).year,
        nomination_deadline=today + days(20), quota_total=6, quota_faculty=4, quota_student=2,
        description="各高校党委从本校已认定或已验收的样板党支部中择优推荐，每校不超过2个，省委教育工委遴选认定后培育。",
        **windows((today - days(15), today + days(25)), (today + days(26), today + days(55)),
                  (today + days(56), today + days(600)), (today + days(601), today + days(631)),
                  (today + days(632), today + days(800))))
    for school in (context["school"], context["second_school"]):
        services.unit_quota_set(actor=province, batch=batch, unit=school, quota=2)
    accepted = next(p for p in context["projects"]["finished"] if p.state == S.ACCEPTED)
    for staff, source, note in [
            (context["users"]["staff"], accepted, "该支部通过校级验收，创建成效突出，经学校党委研究同意推荐。"),
            (context["users"]["staff2"], context["projects"]["second_school_pilot"][0],
             "该支部为学校试点培育对象，培育进展良好，同意推荐。")]:
        services.project_recommend_up(batch=batch, source=source, actor=staff, rank=1, recommendation=note, today=today)
    context["batches"]["province"] = batch
    return batch
