"""The 成果汇编 of a batch: one chapter per project that passed acceptance (通过验收).

典型经验 comes from the acceptance materials: the project's "四个一" deliverable 一套可复制推广的典型经验
(FinalDeliverable of kind experience: its title and description), falling back to the 经验 written in the
application when none was filed; the 工作总结报告 (FinalReport.summary) follows it. Outcomes and pictures are
those the public showcase shows (showcase.py decides: never a draft or sent-back report's), since the
booklet is published too. Compiled in a constant number of queries; the print page, the .docx and the
.docx the worker builds all read it.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from cultivation.enums import ProjectState
from cultivation.models import Project
from cultivation.models.reviews import DeliverableKind, FinalDeliverable
from planning.selectors import published_commendations_of

from .showcase import four_ones, public_outcomes, public_pictures


def pieces_of(projects):
    """project id → its approved publicity pieces (宣传稿件) for the booklet, oldest first (one query)."""
    from .models import PublicityPiece

    pieces = {project.pk: [] for project in projects}
    if pieces:
        for piece in PublicityPiece.objects.published().filter(project__in=list(pieces)).order_by("approved_at", "id"):
            pieces[piece.project_id].append(piece)
    return pieces


@dataclass
class Chapter:
    number: int
    project: Project
    experiences: list
    summary: str
    outcomes: list
    pictures: list
    pieces: list = field(default_factory=list)
    commendations: list = field(default_factory=list)
    four_ones: list = field(default_factory=list)

    @property
    def heading(self):
        return f"第{self.number}章 {self.project.organization.name}：{self.project.title}"


def compile_booklet(batch):
    projects = list(
        Project.objects.filter(batch=batch, state=ProjectState.ACCEPTED)
        .select_related("organization", "final_report")
        .prefetch_related(
            Prefetch("outcomes", queryset=public_outcomes()),
            Prefetch("attachments", queryset=public_pictures().order_by("created_at", "id"), to_attr="pictures"),
            Prefetch("deliverables", queryset=FinalDeliverable.objects.order_by("id"), to_attr="deliverable_items"),
        )
        .order_by("unit__path", "organization__path", "id")
    )
    pieces = pieces_of(projects)
    commendations = published_commendations_of(projects)
    chapters = []
    for number, project in enumerate(projects, start=1):
        experiences = [(item.title, item.description) for item in project.deliverable_items
                       if item.kind == DeliverableKind.EXPERIENCE]
        if not experiences and project.experience:
            experiences = [("", project.experience)]
        summary = getattr(getattr(project, "final_report", None), "summary", "") if _has_final(project) else ""
        chapters.append(Chapter(number=number, project=project, experiences=experiences, summary=summary,
                                outcomes=list(project.outcomes.all()), pictures=project.pictures,
                                pieces=pieces.get(project.pk, []), commendations=commendations.get(project.pk, []),
                                four_ones=four_ones(project.deliverable_items)))
    return chapters


def _has_final(project):
    try:
        return project.final_report is not None
    except Project.final_report.RelatedObjectDoesNotExist:
        return False
