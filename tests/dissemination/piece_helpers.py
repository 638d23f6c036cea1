"""Pieces for the dissemination tests: a cultivated project with pictures, and pieces in any state."""

from django.core.files.uploadedfile import SimpleUploadedFile

from cultivation.reports.evidence import attachment_add
from dissemination import pieces as services
from tests.dissemination.booklet_helpers import png_bytes
from tests.factories import cultivating_project


def picture(project, actor, caption="主题党日合影"):
    return attachment_add(project=project, actor=actor, caption=caption,
                          file=SimpleUploadedFile("合影.png", png_bytes()))


def draft(tree, project=None, **fields):
    project = project or cultivating_project(tree.branch_a1)
    fields.setdefault("kind", "story")
    fields.setdefault("title", "把支部建在学科上")
    fields.setdefault("body", "支部以“三联三促”为抓手，党建业务同频共振。")
    return services.piece_create(project=project, actor=tree.secretary, **fields)


def approved(tree, project=None, **fields):
    piece = draft(tree, project, **fields)
    piece = services.piece_move(piece=piece, name="submit", actor=tree.secretary)
    piece = services.piece_move(piece=piece, name="endorse", actor=tree.unit_staff)
    return services.piece_move(piece=piece, name="approve", actor=tree.staff)
