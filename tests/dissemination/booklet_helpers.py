"""Accepted projects with an outcome, an experience deliverable and a stored picture approved to publish, for the
booklet tests."""
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cultivation.enums import ProjectState
from cultivation.models import Outcome, Project
from cultivation.models.reviews import DeliverableKind, FinalDeliverable
from cultivation.reports.demo import publish_picture
from cultivation.reports.evidence import attachment_add
from tests.factories import BranchFactory, cultivating_batch, cultivating_project, user_with_role


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def accepted_projects(tree, count, batch=None):
    from branches.enums import Role

    batch = batch or cultivating_batch()
    projects = []
    for index in range(count):
        branch = BranchFactory(name=f"汇编{index}党支部", parent=tree.unit_a)
        secretary = user_with_role(Role.SECRETARY, branch, username=f"booklet_secretary_{batch.pk}_{index}")
        project = cultivating_project(branch, batch=batch, title=f"红烛先锋{index}号")
        picture = attachment_add(project=project, actor=secretary, caption=f"主题党日{index}",
                                 file=SimpleUploadedFile("活动.png", png_bytes()))
        publish_picture(picture, secretary=secretary, unit=tree.staff, school=tree.staff)
        Outcome.objects.create(project=project, kind="method", title=f"工作法{index}", created_by=secretary)
        FinalDeliverable.objects.create(project=project, kind=DeliverableKind.EXPERIENCE, title=f"“三联三促”{index}",
                                        description="支部建在一线，党建业务同频共振。", created_by=secretary)
        Project.objects.filter(pk=project.pk).update(state=ProjectState.ACCEPTED)
        projects.append(project)
    return batch, projects
