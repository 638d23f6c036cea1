"""A world for the showcase tests: showcased projects with public material, and private data all around.

Every private thing carries a marker the leak test looks for on every showcase page.
"""
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

from branches.enums import Role
from cultivation.enums import ProjectState
from cultivation.models import Outcome, Project
from cultivation.models.reviews import DeliverableKind, FinalDeliverable, FinalReport
from cultivation.reports.demo import publish_picture
from cultivation.reports.evidence import attachment_add
from tests.dissemination.booklet_helpers import png_bytes
from tests.factories import BranchFactory, ProjectFactory, cultivating_batch, cultivating_project, progress_report, \
    user_with_role

SECRET_PHONE = "13912345678"
SECRET_EMAIL = "secret.secretary@example.edu.cn"
SECRET_MARKERS = [SECRET_PHONE, SECRET_EMAIL, "草稿机密", "异议机密", "评分意见机密", "自评机密", "退回机密",
                  "未通过机密", "撤回机密", "验收材料未定稿机密", "中期等次", "优秀", "良好"]


@dataclass
class ShowcaseWorld:
    tree: object
    batch: object
    shown: list = field(default_factory=list)
    hidden: list = field(default_factory=list)
    pictures: list = field(default_factory=list)
    private_files: list = field(default_factory=list)


def showcased(tree, branch, *, batch, title, state=ProjectState.ACCEPTED, index=0):
    """A project of `branch` in `state`, with an outcome, an experience deliverable and a picture approved to publish."""
    secretary = user_with_role(Role.SECRETARY, branch, username=f"showcase_secretary_{batch.pk}_{branch.pk}_{index}",
                               email=SECRET_EMAIL)
    project = cultivating_project(branch, batch=batch, title=title)
    picture = attachment_add(project=project, actor=secretary, caption=f"主题党日{index}",
                             file=SimpleUploadedFile("活动.png", png_bytes()))
    picture = publish_picture(picture, secretary=secretary, unit=tree.staff, school=tree.staff)
    Outcome.objects.create(project=project, kind="method", title=f"工作法{index}", created_by=secretary)
    Outcome.objects.create(project=project, kind="brand", title=f"育人品牌{index}", created_by=secretary)
    FinalDeliverable.objects.create(project=project, kind=DeliverableKind.EXPERIENCE, title=f"“三联三促”{index}",
                                    description="支部建在一线，党建业务同频共振。", created_by=secretary)
    Project.objects.filter(pk=project.pk).update(state=state, midterm_grade="excellent", final_grade="good")
    project.refresh_from_db()
    return project, picture, secretary


def showcase_world(tree, count=2):
    """`count` accepted projects (and one 培育中) of one batch, plus every kind of thing that must stay private."""
    batch = cultivating_batch()
    world = ShowcaseWorld(tree=tree, batch=batch)
    for index in range(count):
        branch = BranchFactory(name=f"展示{index}党支部", parent=tree.unit_a if index % 2 == 0 else tree.unit_b)
        project, picture, secretary = showcased(tree, branch, batch=batch, title=f"红烛先锋{index}号", index=index)
        world.shown.append(project)
        world.pictures.append(picture)
    growing, picture, secretary = showcased(tree, tree.branch_a1, batch=batch, title="培育中的主题",
                                            state=ProjectState.RECTIFYING, index=99)
    world.shown.append(growing)
    world.pictures.append(picture)
    # A 培育中 project's acceptance materials are not final: not shown before the verdict.
    FinalDeliverable.objects.filter(project=growing).update(description="验收材料未定稿机密")
    FinalReport.objects.create(project=growing, summary="验收材料未定稿机密", updated_by=secretary)
    # A draft progress report's picture, outcome and a PDF on a showcased project: not public.
    draft = progress_report(growing, state="draft", narrative="草稿机密")
    world.private_files.append(attachment_add(project=growing, actor=secretary, report=draft, caption="草稿机密",
                                              file=SimpleUploadedFile("草稿.png", png_bytes())))
    Outcome.objects.create(project=growing, report=draft, kind="system", title="草稿机密成果", created_by=secretary)
    world.private_files.append(attachment_add(project=growing, actor=secretary, caption="附件",
                                              file=SimpleUploadedFile("材料.pdf", _pdf_bytes())))
    _hidden_projects(world, tree, batch)
    _private_records(world, tree, growing, batch)
    return world


def _pdf_bytes():
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


def _hidden_projects(world, tree, batch):
    for state, title in [(ProjectState.DRAFT, "草稿机密主题"), (ProjectState.SUBMITTED, "草稿机密已提交"),
                         (ProjectState.SHORTLISTED, "草稿机密拟认定"), (ProjectState.FAILED, "未通过机密"),
                         (ProjectState.WITHDRAWN, "撤回机密"), (ProjectState.REJECTED, "草稿机密未入选")]:
        branch = BranchFactory(name=f"{title}党支部", parent=tree.unit_a)
        project = ProjectFactory(organization=branch, batch=batch, title=title)
        Project.objects.filter(pk=project.pk).update(state=state)
        secretary = user_with_role(Role.SECRETARY, branch, username=f"hidden_{project.pk}")
        Project.objects.filter(pk=project.pk).update(state=ProjectState.RECOGNIZED)  # the upload needs a target
        world.private_files.append(attachment_add(project=project, actor=secretary, caption=title,
                                                  file=SimpleUploadedFile("隐藏.png", png_bytes())))
        Project.objects.filter(pk=project.pk).update(state=state)
        project.refresh_from_db()
        world.hidden.append(project)


def _private_records(world, tree, project, batch):
    """Contact details, objections, an unpublished round's scores and a draft self-evaluation."""
    import datetime

    from cultivation.models import Notice, NoticeItem, Objection
    from evaluations.models import SelfEvaluation
    from tests.factories import RoundFactory, full_scores

    tree.secretary.email = SECRET_EMAIL
    tree.secretary.save(update_fields=["email"])
    notice = Notice.objects.create(batch=batch, kind="recognition", title="拟认定公示", body="公示说明",
                                   starts_on=datetime.date(2020, 1, 6), ends_on=datetime.date(2020, 1, 10),
                                   contact=f"电话 {SECRET_PHONE}", published_by=tree.staff)
    item = NoticeItem.objects.create(notice=notice, project=project, note="拟认定")
    Objection.objects.create(notice=notice, item=item, name="李四", contact=SECRET_PHONE, content="异议机密内容",
                             response="异议机密回复")
    round_ = RoundFactory(batch=batch, phase="midterm")
    from evaluations import services

    sheet = services.assignment_add(round_=round_, project=project, reviewer=tree.reviewer, actor=tree.staff)
    values = {pk: (value, "评分意见机密") for pk, (value, _) in full_scores(round_, project, 7).items()}
    services.sheet_save(sheet=sheet, actor=tree.reviewer, values=values, comment="评分意见机密", submit=True)
    SelfEvaluation.objects.create(round=round_, project=project, narrative="自评机密", author=tree.secretary)
