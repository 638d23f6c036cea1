"""Pages of the publicity pieces (宣传稿件) and of the branch's micro-video upload.

Views read through dissemination.selectors and write through dissemination.pieces / video; they never
set a state. A project or piece the user may not see is 404; a page they may see but whose action
their role never allows is 403; a refusal for now (wrong state, bad input) is flashed in Chinese.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST, require_safe

from branches import access
from branches.audit import action_label
from branches.exports import xlsx_response
from branches.models import Event
from branches.pagination import paginate, query_without_page
from cultivation.enums import Actor
from cultivation.models import Project
from cultivation.reports.enums import PublicationState
from cultivation.workflow import actor_roles
from transitions.views import run as _run

from . import pieces as piece_services
from . import exports, listings, selectors, video_publication
from .enums import PIECE_MOVES, PIECE_PROJECT_STATES, VIDEO_PUBLICATION_MOVES
from .forms import MoveForm, PieceForm, VideoLinkForm, VideoUploadForm, error_text
from .showcase import SHOWCASED_STATES
from .video import MicroVideo, serve_video, video_link, video_upload


def _project(user, pk):
    project = (Project.objects.visible_to(user).select_related("batch__owner", "organization", "unit")
               .filter(pk=pk).first())
    if project is None:
        access.refuse(user, f"pieces of project {pk}")
    return project


def _secretary_only(user, project, what):
    if Actor.SECRETARY not in actor_roles(user, project):
        access.refuse(user, f"{what} of project {project.pk}", not_found=False)


def _piece(user, pk):
    piece = selectors.visible_piece(user, pk)
    if piece is None:
        access.refuse(user, f"piece {pk}")
    return piece




# ---- a project's pieces --------------------------------------------------------------------

@login_required
@require_GET
def piece_list(request, pk):
    project = _project(request.user, pk)
    roles = actor_roles(request.user, project)
    return render(request, "dissemination/pieces/piece_list.html", {
        "project": project, "pieces": selectors.pieces_of_project(project),
        "can_create": Actor.SECRETARY in roles and project.state in PIECE_PROJECT_STATES,
    })


def _form_page(request, project, form, piece=None):
    return render(request, "dissemination/pieces/piece_form.html", {
        "project": project, "piece": piece, "form": form, "images": list(form.images.values())})


@login_required
def piece_create(request, pk):
    project = _project(request.user, pk)
    _secretary_only(request.user, project, "writing a piece")
    if project.state not in PIECE_PROJECT_STATES:
        messages.info(request, "该项目尚未确定为培育对象或已未通过验收，不能撰写宣传稿件")
        return redirect("dissemination:piece_list", pk=project.pk)
    images = list(piece_services.image_attachments(project))
    form = PieceForm(request.POST or None, images=images)
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, error_text(form))
        else:
            created = {}

            def create():
                data = form.cleaned_data
                created["piece"] = piece_services.piece_create(
                    project=project, actor=request.user, kind=data["kind"], title=data["title"], body=data["body"],
                    picture_ids=data["pictures"])

            if _run(request, create, success="已保存宣传稿件草稿"):
                return redirect("dissemination:piece_detail", pk=created["piece"].pk)
    return _form_page(request, project, form)


# ---- one piece -----------------------------------------------------------------------------

def _history(piece):
    events = list(Event.objects.filter(content_type__app_label="dissemination", content_type__model="publicitypiece",
                                       object_id=str(piece.pk)).select_related("actor").order_by("created_at", "pk"))
    for event in events:
        event.action_label = action_label(event.action)
    return events


@login_required
@require_GET
def piece_detail(request, pk):
    piece = _piece(request.user, pk)
    roles = actor_roles(request.user, piece.project)
    return render(request, "dissemination/pieces/piece_detail.html", {
        "piece": piece, "project": piece.project, "pictures": list(piece.pictures.all()),
        "moves": piece_services.allowed_piece_moves(request.user, piece), "history": _history(piece),
        "can_edit": Actor.SECRETARY in roles and piece.is_editable and piece.project.state in PIECE_PROJECT_STATES,
    })


@login_required
def piece_edit(request, pk):
    piece = _piece(request.user, pk)
    project = piece.project
    _secretary_only(request.user, project, f"editing piece {pk}")
    if not piece.is_editable:
        messages.info(request, "宣传稿件已提交审核或已发布，不能再修改")
        return redirect("dissemination:piece_detail", pk=piece.pk)
    images = list(piece_services.image_attachments(project))
    initial = {"kind": piece.kind, "title": piece.title, "body": piece.body, "version": piece.version,
               "pictures": [picture.pk for picture in piece.pictures.all()]}
    form = PieceForm(request.POST or None, images=images, initial=initial)
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, error_text(form))
        else:
            data = form.cleaned_data
            if _run(request, lambda: piece_services.piece_edit(
                    piece=piece, actor=request.user, kind=data["kind"], title=data["title"], body=data["body"],
                    picture_ids=data["pictures"], expected_version=data["version"]), success="已保存修改"):
                return redirect("dissemination:piece_detail", pk=piece.pk)
    return _form_page(request, project, form, piece)


@login_required
@require_POST
def piece_move(request, pk, name):
    if name not in PIECE_MOVES:
        raise Http404("未找到该页面")
    piece = _piece(request.user, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
    else:
        _run(request, lambda: piece_services.piece_move(piece=piece, name=name, actor=request.user,
                                                        comment=form.cleaned_data["comment"],
                                                        expected_version=form.cleaned_data["version"]),
             success=f"宣传稿件{PIECE_MOVES[name].done}")
    return redirect("dissemination:piece_detail", pk=piece.pk)


@login_required
@require_GET
def piece_print(request, pk):
    piece = _piece(request.user, pk)
    return render(request, "dissemination/pieces/piece_print.html", {
        "piece": piece, "project": piece.project, "pictures": list(piece.pictures.all())})


@login_required
@require_GET
def piece_queue(request):
    """待审核宣传稿件, for 二级党组织 and 组织部 staff."""
    if not selectors.is_reviewer_staff(request.user):
        access.refuse(request.user, "piece review queue", not_found=False)
    return render(request, "dissemination/pieces/piece_queue.html", {
        "page": paginate(request, listings.piece_queue(request.user).items), "query": query_without_page(request)})


@login_required
@require_GET
def piece_queue_export(request):
    if not selectors.is_reviewer_staff(request.user):
        access.refuse(request.user, "piece review queue", not_found=False)
    return xlsx_response(name="待审核宣传稿件", columns=exports.PIECE_QUEUE_COLUMNS,
                         items=listings.piece_queue(request.user).items, request=request)


# ---- the branch's micro-video ----------------------------------------------------------------

def _video_page(request, project, upload_form=None, link_form=None):
    video = MicroVideo.objects.filter(project=project).first()
    roles = actor_roles(request.user, project)
    return render(request, "dissemination/video_manage.html", {
        "project": project, "video": video, "is_secretary": Actor.SECRETARY in roles,
        "publication_moves": video_publication.offered(roles, video) if video else [],
        "is_public": bool(video) and video.state == PublicationState.PUBLIC and project.state in SHOWCASED_STATES,
        "upload_form": upload_form or VideoUploadForm(initial={"title": video.title if video else ""}),
        "link_form": link_form or VideoLinkForm(initial={"title": video.title if video else "",
                                                         "url": video.external_url if video else ""}),
    })


@login_required
def video_manage(request, pk):
    """The project's micro-video: its player and review for whoever sees the project (the 二级党组织 and the
    组织部 decide its publication here); the secretary also uploads (or replaces) the MP4 and its poster."""
    project = _project(request.user, pk)
    if request.method != "POST":
        return _video_page(request, project)
    _secretary_only(request.user, project, "the micro-video")
    form = VideoUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return _video_page(request, project, upload_form=form)
    data = form.cleaned_data
    if _run(request, lambda: video_upload(project=project, actor=request.user, file=data["file"], title=data["title"],
                                          poster=data["poster"]), success="已上传示范建设微视频"):
        return redirect("dissemination:video_manage", pk=project.pk)
    return _video_page(request, project, upload_form=form)


@login_required
@require_POST
def video_link_set(request, pk):
    project = _project(request.user, pk)
    _secretary_only(request.user, project, "the micro-video link")
    form = VideoLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return _video_page(request, project, link_form=form)
    if _run(request, lambda: video_link(project=project, actor=request.user, url=form.cleaned_data["url"],
                                        title=form.cleaned_data["title"]), success="已设置外部视频链接"):
        return redirect("dissemination:video_manage", pk=project.pk)
    return _video_page(request, project, link_form=form)


def _video(user, pk):
    project = _project(user, pk)
    video = MicroVideo.objects.filter(project=project).select_related(
        "project__organization", "project__batch__owner", "project__unit").first()
    if video is None:
        access.refuse(user, f"micro-video of project {pk}")
    return video


@login_required
@require_POST
def video_publication_move(request, pk, name):
    """申请公开, 同意公开, 不同意公开, 撤回, 撤下: the video's review before publication."""
    if name not in VIDEO_PUBLICATION_MOVES:
        raise Http404("未找到该页面")
    video = _video(request.user, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
    else:
        _run(request, lambda: video_publication.video_move(
            video=video, name=name, actor=request.user, comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["version"]), success=f"微视频{VIDEO_PUBLICATION_MOVES[name].done}")
    return redirect("dissemination:video_manage", pk=video.project_id)


@login_required
@require_safe  # HEAD too: the player asks the size first
def video_stream(request, pk):
    """The stored MP4 for the page's own player, public or not, to whoever sees the project."""
    video = _video(request.user, pk)
    if not video.is_file:
        raise Http404("该视频是外部链接")
    return serve_video(request, video)
