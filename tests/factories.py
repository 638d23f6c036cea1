import datetime

import factory
from django.contrib.auth import get_user_model

from branches.enums import BranchCategory, BranchType, OrgKind, Role
from branches.models import Organization, RoleAssignment
from branches.services import refresh_tree


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"ORG{n:05d}")
    name = factory.Sequence(lambda n: f"测试组织{n}")
    kind = OrgKind.COMMITTEE
    parent = None

    @factory.post_generation
    def placed(obj, create, extracted, **kwargs):
        if create:
            refresh_tree([obj])
            obj.refresh_from_db()


class BranchFactory(OrganizationFactory):
    kind = OrgKind.BRANCH
    name = factory.Sequence(lambda n: f"测试党支部{n}")
    branch_type = BranchType.FACULTY
    category = BranchCategory.TEACHING
    founded_on = datetime.date(2015, 3, 1)
    secretary_name = "张三"
    full_members = 12
    probationary_members = 1
    declares_no_violation = True
    declares_no_conduct_issue = True
    declares_no_safety_risk = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "demo12345")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def user_with_role(role, organization, **kwargs):
    user = UserFactory(**kwargs)
    RoleAssignment.objects.create(user=user, role=role, organization=organization)
    return user


class Tree:
    """A small university: school → two units (one with a 党总支 inside) → branches."""

    def __init__(self):
        self.school = OrganizationFactory(kind=OrgKind.SCHOOL, name="测试大学党委")
        self.unit_a = OrganizationFactory(name="甲学院党委", parent=self.school)
        self.general = OrganizationFactory(kind=OrgKind.GENERAL_BRANCH, name="甲学院临床党总支", parent=self.unit_a)
        self.branch_a1 = BranchFactory(name="甲一党支部", parent=self.unit_a)
        self.branch_a2 = BranchFactory(name="甲二党支部", parent=self.general, branch_type=BranchType.STUDENT,
                                       category=BranchCategory.GRADUATE)
        self.unit_b = OrganizationFactory(name="乙学院党委", parent=self.school)
        self.branch_b1 = BranchFactory(name="乙一党支部", parent=self.unit_b)
        self.direct = BranchFactory(kind=OrgKind.DIRECT_BRANCH, name="校医院直属党支部", parent=self.school,
                                    category=BranchCategory.MEDICAL)
        self.staff = user_with_role(Role.ORG_STAFF, self.school, username="staff")
        self.unit_staff = user_with_role(Role.UNIT_STAFF, self.unit_a, username="unit")
        self.other_unit_staff = user_with_role(Role.UNIT_STAFF, self.unit_b, username="unit_b")
        self.secretary = user_with_role(Role.SECRETARY, self.branch_a1, username="secretary")
        self.other_secretary = user_with_role(Role.SECRETARY, self.branch_b1, username="secretary_b")
        self.reviewer = user_with_role(Role.REVIEWER, self.unit_b, username="reviewer")
        for org in vars(self).values():
            if isinstance(org, Organization):
                org.refresh_from_db()

    def with_reviewers(self):
        """Adds the reviewers an access matrix needs besides `reviewer` (who stays the assigned one).

        Opt-in, so suites that count reviewers see the same Tree as before:
        - `reviewer_unassigned`: a reviewer of the other unit who is given no assignment;
        - `reviewer_conflicted`: a reviewer whose own unit is 甲学院党委, the unit of `branch_a1`,
          so the 回避 rule forbids them that branch even if an assignment exists.
        """
        if not hasattr(self, "reviewer_unassigned"):
            self.reviewer_unassigned = user_with_role(Role.REVIEWER, self.unit_b, username="reviewer_unassigned")
            self.reviewer_conflicted = user_with_role(Role.REVIEWER, self.unit_a, username="reviewer_conflicted")
        return self


def province_over(tree):
    """A province's 教育工委 above the tree's school (the tree grows upward), for higher-level batches."""
    from branches import access, services

    province = services.organization_create(actor=None, code="PROV", name="省委教育工委", kind=OrgKind.UPPER)
    services.organization_update(actor=None, organization=tree.school, parent=province)
    for value in vars(tree).values():
        if isinstance(value, Organization):
            value.refresh_from_db()
        elif isinstance(value, get_user_model()):
            access.forget(value)
    return province


# ---- cultivation ----------------------------------------------------------------------------

def batch_windows(start):
    """Five consecutive phase windows from `start`: 选苗 30 days, 认定 30, 培育 300, 中期 30, 收获 180."""
    from datetime import timedelta

    spans = [("selection", 30), ("recognition", 30), ("cultivation", 300), ("midterm", 30), ("harvest", 180)]
    windows, day = {}, start
    for phase, length in spans:
        windows[f"{phase}_start"] = day
        windows[f"{phase}_end"] = day + timedelta(days=length - 1)
        day += timedelta(days=length)
    return windows


def default_owner():
    """The school a batch belongs to unless a test says otherwise: the tree's first 学校党委.

    First by creation: paths compare as text, so once two schools sit under one province
    ("/9/12/" and "/9/103/") the order of their paths is not the order they were made in."""
    school = Organization.objects.filter(kind=OrgKind.SCHOOL).order_by("pk").first()
    return school or OrganizationFactory(kind=OrgKind.SCHOOL, name="测试大学党委")


class BatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cultivation.Batch"

    name = factory.Sequence(lambda n: f"第{n + 1}批“样板党支部”培育工程")
    owner = factory.LazyFunction(lambda: default_owner())
    year = 2019
    nomination_deadline = datetime.date(2019, 6, 20)

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        start = kwargs.pop("start", datetime.date(2019, 6, 1))
        for key, value in batch_windows(start).items():
            kwargs.setdefault(key, value)
        return kwargs


def _recommender(batch, organization):
    from cultivation.workflow import recommender_of

    return recommender_of(batch, organization) or organization.unit or organization


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cultivation.Project"
        skip_postgeneration_save = True

    batch = factory.SubFactory(BatchFactory)
    organization = factory.SubFactory(BranchFactory)
    # Who recommends it: the 二级党组织 in a school's batch, the school in a province's (as the services do).
    unit = factory.LazyAttribute(lambda o: _recommender(o.batch, o.organization))
    title = "“三会一课”提质增效"
    concept = "以政治建设为统领，推动党建与业务深度融合。"
    practice = "坚持“三会一课”，开展主题党日。"
    experience = "形成了“支部+教研室”工作法。"
    plan = "18个月内形成可复制的经验。"

    @factory.post_generation
    def activities(obj, create, extracted, **kwargs):
        if create:
            from cultivation.models import FeaturedActivity

            for order, name in enumerate(extracted if extracted is not None else ["经典诵读进课堂"], start=1):
                FeaturedActivity.objects.create(project=obj, name=name, description="每月一次", planned_budget=5000,
                                                order=order)


# ---- cultivation: reviews, notices ----------------------------------------------------------

def materials_for(project, move_name, *, user):
    """Create what the guards of `move_name` ask for beyond state, role and window (tests only).

    nominate: a rank and a 推荐意见; submit_midterm: both mid-term texts; conclude_midterm: one 整改意见; submit_final: the summary,
    one item of each of the 四个一 and an answer to every 整改意见; accept/fail: a complete acceptance
    record and every 整改意见 checked.
    """
    from django.utils import timezone

    from cultivation.models import (AcceptanceRecord, DeliverableKind, FeedbackItem, FinalDeliverable, FinalReport,
                                    MidtermReport)

    if move_name == "nominate":
        from cultivation.models import Project

        Project.objects.filter(pk=project.pk).update(nomination_rank=1, recommendation="基础扎实，同意推荐。")
        project.refresh_from_db()
    elif move_name == "submit_midterm":
        MidtermReport.objects.update_or_create(project=project, defaults={
            "summary": "坚持“三会一课”，开展主题党日12次。", "outcome_report": "形成工作法1项、案例2个。", "updated_by": user})
    elif move_name == "conclude_midterm":
        FeedbackItem.objects.create(project=project, content="宣传平台更新不够及时", created_by=user)
    elif move_name == "submit_final":
        FinalReport.objects.update_or_create(project=project, defaults={"summary": "培育期工作总结", "updated_by": user})
        for kind, label in DeliverableKind.choices:
            FinalDeliverable.objects.create(project=project, kind=kind, title=label, created_by=user)
        FeedbackItem.objects.filter(project=project, response="").update(response="已整改", responded_at=timezone.now())
    elif move_name in ("accept", "fail"):
        AcceptanceRecord.objects.update_or_create(project=project, defaults={
            "material_review_on": project.batch.harvest_start, "material_review_notes": "材料齐全",
            "presentation_on": project.batch.harvest_start, "presentation_notes": "汇报清楚", "recorded_by": user})
        FeedbackItem.objects.filter(project=project, verified__isnull=True).update(verified=True, verified_at=timezone.now())


# ---- cultivation: progress reports --------------------------------------------------------------

def cultivating_batch(today=None, **kwargs):
    """A batch whose 培育 window began 30 days before `today` (default: the real today) and runs 300 days."""
    from django.utils import timezone

    today = today or timezone.localdate()
    return BatchFactory(start=today - datetime.timedelta(days=90), **kwargs)


def cultivating_project(organization, *, batch=None, today=None, **kwargs):
    """A project recognized as a cultivation target (培育中), in a batch in its 培育 phase."""
    from cultivation.enums import ProjectState
    from cultivation.models import Project

    project = ProjectFactory(organization=organization, batch=batch or cultivating_batch(today), **kwargs)
    Project.objects.filter(pk=project.pk).update(state=ProjectState.RECOGNIZED)
    project.refresh_from_db()
    return project


def progress_report(project, *, due=None, state="draft", **fields):
    """The report of one of the project's periods (the first one unless `due`), in the given state."""
    from cultivation.models import ProgressReport
    from cultivation.reports.selectors import periods_of

    periods = periods_of(project)
    period = next(p for p in periods if p.due == due) if due else periods[0]
    fields.setdefault("narrative", "本月召开支部党员大会1次，开展主题党日“经典诵读进课堂”。")
    return ProgressReport.objects.create(project=project, period_start=period.start, period_due=period.due,
                                         title=period.title, state=state, **fields)


# ---- evaluations ----------------------------------------------------------------------------

def _today():
    from django.utils import timezone

    return timezone.localdate()


def seven_rubric():
    """The rubric of the 七个有力 loaded by evaluations' data migration (7 criteria, 10 points each)."""
    from evaluations.seed_rubric import seven_capabilities

    return seven_capabilities()


class RubricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluations.Rubric"

    code = factory.Sequence(lambda n: f"rubric{n}")
    version = 1
    name = factory.Sequence(lambda n: f"测试评分细则{n}")


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluations.Criterion"

    rubric = factory.SubFactory(RubricFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"指标{n}")
    description = "评分要点"
    max_score = 10
    weight = 1


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluations.Round"

    batch = factory.SubFactory(BatchFactory)
    phase = "midterm"
    name = factory.Sequence(lambda n: f"第{n + 1}轮中期评估")
    rubric = factory.LazyFunction(seven_rubric)
    deadline = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=30))
    reviewers_per_project = 3
    method = "trimmed"
    trim_min_count = 5


def round_project(organization, round_, *, state=None):
    """A project of the round's batch that has submitted the round's materials."""
    from cultivation.enums import ProjectState
    from cultivation.models import Project

    state = state or (ProjectState.MIDTERM_SUBMITTED if round_.phase == "midterm" else ProjectState.FINAL_SUBMITTED)
    project = ProjectFactory(organization=organization, batch=round_.batch)
    Project.objects.filter(pk=project.pk).update(state=state)
    project.refresh_from_db()
    return project


def reviewer_in(unit, **kwargs):
    """A 评审专家 whose own 二级党组织 is `unit`."""
    return user_with_role(Role.REVIEWER, unit, **kwargs)


def full_scores(round_, project, value=8):
    """{criterion id: (value, comment)} for every criterion of the round that applies to the project."""
    from evaluations.services import applicable_criteria

    return {c.pk: (str(value), "") for c in applicable_criteria(round_, project)}


def submitted_sheet(round_, project, reviewer, value=8, *, staff):
    """An assigned reviewer's submitted sheet, made through the services like any other."""
    from evaluations import services

    sheet = services.assignment_add(round_=round_, project=project, reviewer=reviewer, actor=staff)
    return services.sheet_save(sheet=sheet, actor=reviewer, values=full_scores(round_, project, value), submit=True)
