"""The 成果展示平台 (/public/showcase/): what anyone may see, without logging in, read in constant queries.

Which projects: each batch's cultivation targets once recognized (培育中, 中期材料已提交, 整改中,
验收材料已提交) and those that passed acceptance (通过验收). Never an application (草稿 … 拟认定), nor a
rejected, withdrawn or failed (未通过验收) one.

Of a shown project, only what was handed in: the application's 创建主题 and 经验 (submitted before it was
recognized); outcomes and pictures registered on the project itself or in a progress report that was
handed in (never one still in draft or sent back), and of the pictures and the micro-video only those the
二级党组织 and the 组织部 agreed to publish (cultivation.reports.publication); the acceptance deliverables (典型经验) and the
工作总结报告 once the project passed acceptance, since before the verdict they may still change. Never
contact details, grades or scores, review comments, objections: the pages read only the fields named here.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q

from branches.models import Organization
from branches.uploads import INLINE_IMAGE_TYPES
from cultivation.enums import CULTIVATED_STATES, ProjectState
from cultivation.models import Attachment, Batch, Outcome, Project
from cultivation.models.reviews import DeliverableKind, FinalDeliverable
from cultivation.reports.enums import HANDED_IN_STATES, OutcomeType, PublicationState
from planning.selectors import published_commendations_of

from .models import MicroVideo, PublicityPiece

SHOWCASED_STATES = frozenset(CULTIVATED_STATES - {ProjectState.FAILED})
SEARCH_MAX_LENGTH = 50


def booklet_batches():
    """The batches whose 成果汇编 is public: those with a project that passed acceptance."""
    return Batch.objects.filter(pk__in=Project.objects.filter(state=ProjectState.ACCEPTED).values("batch_id"))


def showcased_projects():
    """Every project the showcase shows, unordered."""
    return Project.objects.filter(state__in=SHOWCASED_STATES)


def handed_in_q():
    """Evidence recorded on the project itself, or in a progress report that was handed in."""
    return Q(report__isnull=True) | Q(report__state__in=HANDED_IN_STATES)


def public_outcomes():
    """The outcomes the showcase (and the booklet) may show."""
    return Outcome.objects.filter(handed_in_q(), project__state__in=SHOWCASED_STATES)


def public_pictures():
    """The raster image attachments the showcase may show (and serve, without logging in): only those the
    二级党组织 and the 组织部 agreed to publish (cultivation.reports.publication)."""
    return Attachment.objects.filter(handed_in_q(), project__state__in=SHOWCASED_STATES,
                                     content_type__in=list(INLINE_IMAGE_TYPES), state=PublicationState.PUBLIC)


def public_videos():
    """The micro-videos anyone may watch: of a showcased project, and agreed to publish like the pictures."""
    return MicroVideo.objects.filter(project__state__in=SHOWCASED_STATES, state=PublicationState.PUBLIC)


def _pictures_prefetch():
    return Prefetch("attachments", queryset=public_pictures().order_by("created_at", "id"), to_attr="public_pictures")


# ---- the index ---------------------------------------------------------------------------------

def filter_options():
    """(batches, units) that have a showcased project, for the index's filters: two queries. A batch's
    `has_booklet` says its 成果汇编 is published (a project passed acceptance), for the link to it."""
    accepted = Project.objects.filter(batch=OuterRef("pk"), state=ProjectState.ACCEPTED)
    batches = list(Batch.objects.filter(pk__in=showcased_projects().values("batch_id"))
                   .annotate(has_booklet=Exists(accepted)).order_by("-year", "-id"))
    units = list(Organization.objects.filter(pk__in=showcased_projects().values("organization__unit_id"))
                 .select_related("parent").in_listing_order())
    return batches, units


def showcase_list(*, q="", batch=None, category="", unit=None, year=None):
    """Showcased projects matching the filters, newest batch first, each with its pictures on evaluation.

    `q` searches the branch's name and the 创建主题 (the project's title); the others are a
    Batch, a BranchCategory value, an Organization (the branch's 二级党组织) and a year.
    """
    items = showcased_projects()
    if q:
        items = items.filter(Q(organization__name__icontains=q) | Q(title__icontains=q))
    if batch is not None:
        items = items.filter(batch=batch)
    if category:
        items = items.filter(organization__category=category)
    if unit is not None:
        items = items.filter(organization__unit=unit)
    if year is not None:
        items = items.filter(batch__year=year)
    return (items.select_related("organization__unit", "batch")
            .prefetch_related(_pictures_prefetch())
            .order_by("-batch__year", "-batch_id", "organization__path", "id"))


# ---- a project's page --------------------------------------------------------------------------

@dataclass
class OutcomeGroup:
    label: str
    items: list


@dataclass
class ShowcaseProject:
    project: Project
    experiences: list
    summary: str
    outcome_groups: list
    pictures: list
    pieces: list = field(default_factory=list)
    commendations: list = field(default_factory=list)
    video: MicroVideo | None = None
    four_ones: list = field(default_factory=list)

    @property
    def accepted(self):
        return self.project.state == ProjectState.ACCEPTED


def showcase_project(pk):
    """The showcased project `pk` with what its page shows, in a constant number of queries; else None."""
    project = (
        showcased_projects().filter(pk=pk)
        .select_related("organization__unit", "batch__owner", "final_report", "micro_video")
        .prefetch_related(
            Prefetch("outcomes", queryset=public_outcomes().order_by("achieved_on", "id"),
                     to_attr="public_outcomes"),
            _pictures_prefetch(),
            Prefetch("deliverables", queryset=FinalDeliverable.objects.order_by("id"), to_attr="deliverable_items"),
        )
        .first()
    )
    if project is None:
        return None
    accepted = project.state == ProjectState.ACCEPTED
    # Before the verdict the acceptance materials may still be returned and rewritten: not yet public.
    deliverables = project.deliverable_items if accepted else []
    experiences = [(item.title, item.description) for item in deliverables if item.kind == DeliverableKind.EXPERIENCE]
    if not experiences and project.experience:
        experiences = [("", project.experience)]
    summary = _final_summary(project) if accepted else ""
    return ShowcaseProject(project=project, experiences=experiences, summary=summary,
                           outcome_groups=_grouped(project.public_outcomes), pictures=project.public_pictures,
                           pieces=approved_pieces_of([project]).get(project.pk, []),
                           commendations=published_commendations_of([project]).get(project.pk, []),
                           video=_public_video(project), four_ones=four_ones(deliverables))


def _public_video(project):
    try:
        video = project.micro_video
    except Project.micro_video.RelatedObjectDoesNotExist:
        return None
    return video if video.state == PublicationState.PUBLIC else None


def four_ones(deliverables):
    """The "四个一" filed for acceptance, under their four kinds in order: [(label, [items])], a kind with
    none left out. Registered as FinalDeliverable (acceptance materials), not as 培育成果 (Outcome)."""
    return [(label, items) for kind, label in DeliverableKind.choices
            if (items := [item for item in deliverables if item.kind == kind])]


def _grouped(outcomes):
    """The outcomes under the six types of 培育成果, in their order; a type with none is left out."""
    groups = []
    for kind, label in OutcomeType.choices:
        items = [outcome for outcome in outcomes if outcome.kind == kind]
        if items:
            groups.append(OutcomeGroup(label=label, items=items))
    return groups


def _final_summary(project):
    try:
        return project.final_report.summary
    except Project.final_report.RelatedObjectDoesNotExist:
        return ""


def latest_pieces(limit=6):
    """The newest approved publicity pieces across the showcase, for its front page (one query)."""
    return list(PublicityPiece.objects.published().select_related("project__organization")
                .order_by("-approved_at", "-id")[:limit])


def approved_pieces_of(projects):
    """project id → the approved publicity pieces (宣传稿件) of each project, newest first (one query)."""
    pieces = {project.pk: [] for project in projects}
    if pieces:
        for piece in (PublicityPiece.objects.published().filter(project__in=list(pieces))
                      .order_by("-approved_at", "-id")):
            pieces[piece.project_id].append(piece)
    return pieces