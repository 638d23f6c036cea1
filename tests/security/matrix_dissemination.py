"""Access-matrix rows of the publicity pieces (宣传稿件), the branch's micro-video page and the public
piece pages and feed.

The project is a cultivation target (培育中) of the own/foreign branch. Its secretary, its unit's staff
and the 组织部 see its pieces; writing is the secretary's (the others who see it: 403); reviewing is the
staff's (the secretary: 403). Everyone else signed in gets 404, visitors the login page. The public
pages answer anyone.
"""

from pathlib import Path

from .matrix import FORBIDDEN, LOGIN, NOT_FOUND, OK, REDIRECT, Row, expect

PEOPLE = {"own": ("unit_staff", "secretary"), "foreign": ("other_unit_staff", "other_secretary")}
SAMPLE = Path(__file__).resolve().parents[1] / "dissemination" / "sample.mp4"


def answers(which, *, secretary=NOT_FOUND, unit=NOT_FOUND, school=NOT_FOUND):
    unit_role, secretary_role = PEOPLE[which]
    return expect(NOT_FOUND, anonymous=LOGIN, org_staff=school, **{unit_role: unit, secretary_role: secretary})


def row(name, method="get", data=None, *, kwargs, secretary=FORBIDDEN, unit=FORBIDDEN, school=FORBIDDEN):
    roles = dict(secretary=secretary, unit=unit, school=school)
    return Row(name, own=answers("own", **roles), foreign=answers("foreign", **roles), kwargs=kwargs, method=method,
               data=data)


def _project(world, which):
    cache = world.__dict__.setdefault("_piece_projects", {})
    if which not in cache:
        from tests.factories import cultivating_project

        cache[which] = cultivating_project(world.branch(which))
    return cache[which]


def _secretary(world, which):
    return world.tree.secretary if which == "own" else world.tree.other_secretary


def _unit_staff(world, which):
    return world.tree.unit_staff if which == "own" else world.tree.other_unit_staff


def _picture(world, which):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cultivation.reports.evidence import attachment_add
    from tests.dissemination.booklet_helpers import png_bytes

    return attachment_add(project=_project(world, which), actor=_secretary(world, which), caption="合影",
                          file=SimpleUploadedFile("合影.png", png_bytes()))


def _piece(world, which, moves=()):
    from dissemination import pieces

    secretary = _secretary(world, which)
    piece = pieces.piece_create(project=_project(world, which), actor=secretary, kind="story", title="创建纪实",
                                body="支部党建业务同频共振。", picture_ids=[_picture(world, which).pk])
    actors = {"submit": secretary, "endorse": _unit_staff(world, which), "approve": world.tree.staff}
    for name in moves:
        piece = pieces.piece_move(piece=piece, name=name, actor=actors[name])
    return piece


def _project_kwargs(world, which):
    return {"pk": _project(world, which).pk}


def _piece_kwargs(*moves):
    return lambda world, which: {"pk": _piece(world, which, moves).pk}


def _move_kwargs(world, which):
    return {"pk": _piece(world, which, ["submit"]).pk, "name": "endorse"}


def _published_picture(world, which):
    piece = _piece(world, which, ["submit", "endorse", "approve"])
    return {"pk": piece.pk, "picture": piece.pictures.get().pk}


def _piece_data(world, which):
    return {"kind": "brief", "title": "主题党日简讯", "body": "全体党员参加。", "version": 1}


def _video(world, which):
    """The project's uploaded micro-video, not yet public."""
    from dissemination.video import MicroVideo, video_upload

    project = _project(world, which)
    return MicroVideo.objects.filter(project=project).first() or video_upload(
        project=project, actor=_secretary(world, which), title="微视频", file=_video_data(world, which)["file"])


def _video_kwargs(name=None):
    def kwargs(world, which):
        _video(world, which)
        return {"pk": _project(world, which).pk, **({"name": name} if name else {})}
    return kwargs


def _video_data(world, which):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"title": "微视频", "file": SimpleUploadedFile("v.mp4", SAMPLE.read_bytes(), content_type="video/mp4")}


READERS = dict(secretary=OK, unit=OK, school=OK)
ANYONE = expect(OK)

ROWS = [
    row("dissemination:piece_list", kwargs=_project_kwargs, **READERS),
    row("dissemination:piece_create", kwargs=_project_kwargs, secretary=OK),
    row("dissemination:piece_create", "post", _piece_data, kwargs=_project_kwargs, secretary=REDIRECT),
    row("dissemination:piece_detail", kwargs=_piece_kwargs("submit"), **READERS),
    row("dissemination:piece_print", kwargs=_piece_kwargs("submit"), **READERS),
    row("dissemination:piece_edit", kwargs=_piece_kwargs(), secretary=OK),
    row("dissemination:piece_edit", "post", _piece_data, kwargs=_piece_kwargs(), secretary=REDIRECT),
    row("dissemination:piece_move", "post", lambda world, which: {"comment": "同意", "version": 2},
        kwargs=_move_kwargs, unit=REDIRECT, school=REDIRECT),
    # Whoever sees the project watches the video and reviews its publication there; the secretary uploads.
    row("dissemination:video_manage", kwargs=_video_kwargs(), **READERS),
    row("dissemination:video_stream", kwargs=_video_kwargs(), **READERS),
    row("dissemination:video_publication", "post", lambda world, which: {"version": 1},
        kwargs=_video_kwargs("request"), secretary=REDIRECT),
    row("dissemination:video_manage", "post", _video_data, kwargs=_project_kwargs, secretary=REDIRECT),
    row("dissemination:video_link", "post", lambda world, which: {"title": "微视频", "url": "https://www.xuexi.cn/v"},
        kwargs=_project_kwargs, secretary=REDIRECT),
    # The queue is for 二级党组织 and 组织部 staff; secretaries and reviewers review nothing.
    Row("dissemination:piece_queue", expect(FORBIDDEN, anonymous=LOGIN, org_staff=OK, unit_staff=OK,
                                            other_unit_staff=OK)),
    Row("dissemination:piece_queue_export", expect(FORBIDDEN, anonymous=LOGIN, org_staff=OK, unit_staff=OK,
                                                   other_unit_staff=OK)),
    # The public side: an approved piece, its chosen picture and the feed, for anyone.
    Row("showcase:piece", own=ANYONE, foreign=ANYONE, kwargs=_piece_kwargs("submit", "endorse", "approve")),
    Row("showcase:piece_picture", own=ANYONE, foreign=ANYONE, kwargs=_published_picture),
    Row("showcase:feed", ANYONE),
]
