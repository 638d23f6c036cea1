"""Reads of the publicity pieces, already scoped to the user, each in a fixed number of queries."""

from django.db.models import Prefetch, Q

from branches import access
from branches.enums import OrgKind, Role
from branches.models import subtree_q
from cultivation.models import Attachment

from .enums import PieceState
from .models import PublicityPiece

RELATED = ("project__organization", "project__batch__owner", "project__unit")


def visible_piece(user, pk):
    """A piece of a project the user may see, with its pictures; None otherwise."""
    return (PublicityPiece.objects.visible_to(user).filter(pk=pk).select_related(*RELATED, "created_by")
            .prefetch_related(Prefetch("pictures", queryset=Attachment.objects.order_by("created_at", "id")))
            .first())


def pieces_of_project(project):
    """The project's pieces, newest first (one query)."""
    return list(PublicityPiece.objects.filter(project=project).select_related("created_by")
                .order_by("-updated_at", "-id"))


def review_queue(user):
    """待审核宣传稿件: what waits for this user's review.

    二级党组织 staff: the submitted pieces in their sub-tree. 组织部 staff: the endorsed pieces in
    theirs, and the submitted pieces of 直属党支部, which have no 二级党组织 to review them first.
    """
    pieces = PublicityPiece.objects.select_related(*RELATED).order_by("updated_at", "id")
    if user.is_superuser:
        return pieces.filter(state__in=[PieceState.SUBMITTED, PieceState.ENDORSED])
    prefix = "project__organization__"
    unit_paths = [a.organization.path for a in access.assignments(user) if a.role == Role.UNIT_STAFF]
    condition = Q(pk__in=[])
    if unit_paths:
        condition |= Q(subtree_q(unit_paths, prefix), state=PieceState.SUBMITTED)
    if access.is_org_staff(user):
        staff = access.staff_scope_q(user, prefix)
        condition |= Q(staff, state=PieceState.ENDORSED)
        condition |= Q(staff, state=PieceState.SUBMITTED, project__organization__kind=OrgKind.DIRECT_BRANCH)
    return pieces.filter(condition)


def is_reviewer_staff(user):
    """Whether the user reviews pieces at all (二级党组织 or 组织部 staff): who may open the queue."""
    return user.is_superuser or access.has_role(user, Role.UNIT_STAFF) or access.has_role(user, Role.ORG_STAFF)


def published_pieces():
    """Approved pieces, newest first, with their branch: the public feed's entries."""
    return (PublicityPiece.objects.published().select_related("project__organization", "project__batch")
            .order_by("-approved_at", "-id"))


def published_piece(pk):
    return (published_pieces().filter(pk=pk)
            .prefetch_related(Prefetch("pictures", queryset=Attachment.objects.order_by("created_at", "id")))
            .first())
