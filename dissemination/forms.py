"""Forms of the dissemination pages. They only validate input; dissemination.pieces and
dissemination.video decide and write."""

from django import forms

from branches.inputs import VersionField
from branches.plain_text import PlainTextForm

from .enums import PieceKind
from .video import max_bytes

# Said where the branch uploads, so it knows before uploading what may become public.
VIDEO_PUBLIC_HELP = ("上传后仅本项目的书记、二级党组织和党委组织部可见；书记“申请公开”并经二级党组织和组织部同意后，"
                     "才在公开的成果展示中播放；更换视频或链接后须重新申请")


def size_limit_text():
    """The largest MP4 accepted, as the setting that enforces it (MICRO_VIDEO_MAX_BYTES) says."""
    return f"{round(max_bytes() / (1024 * 1024), 1):g} MB"


class PieceForm(PlainTextForm):
    kind = forms.ChoiceField(label="稿件类型", choices=PieceKind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "请选择稿件类型", "invalid_choice": "请选择稿件类型"})
    title = forms.CharField(label="标题", max_length=150, error_messages={"required": "请填写稿件标题"})
    body = forms.CharField(label="正文", max_length=20000, widget=forms.Textarea(attrs={"rows": 14}),
                           error_messages={"required": "请填写稿件正文"})
    pictures = forms.TypedMultipleChoiceField(
        label="配图", required=False, coerce=int, widget=forms.CheckboxSelectMultiple,
        help_text="从本项目已上传的图片中选择（在“进展报告”页上传佐证图片）",
        error_messages={"invalid_choice": "所选配图不是本项目上传的图片，请刷新页面后重新选择"})
    version = VersionField(required=False)

    def __init__(self, *args, images=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.images = {image.pk: image for image in images}
        self.fields["pictures"].choices = [(image.pk, image.caption or image.original_name) for image in images]


class MoveForm(PlainTextForm):
    comment = forms.CharField(label="意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    version = VersionField(required=False)


class VideoUploadForm(PlainTextForm):
    title = forms.CharField(label="视频标题", max_length=150, error_messages={"required": "请填写视频标题"})
    file = forms.FileField(label="视频文件", help_text="H.264 编码的 MP4 文件",
                           error_messages={"required": "请选择要上传的视频文件", "empty": "文件是空的，请重新选择文件。"})
    poster = forms.FileField(label="封面图片（可选）", required=False, help_text="PNG、JPEG、GIF 或 WebP 图片",
                             error_messages={"empty": "封面文件是空的，请重新选择文件。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = f"H.264 编码的 MP4 文件，不超过 {size_limit_text()}。{VIDEO_PUBLIC_HELP}"


class VideoLinkForm(PlainTextForm):
    title = forms.CharField(label="视频标题", max_length=150, error_messages={"required": "请填写视频标题"})
    url = forms.CharField(label="外部视频链接", max_length=500,
                          help_text=f"以 https:// 开头，如学习强国、微信视频号的视频页面。{VIDEO_PUBLIC_HELP}",
                          error_messages={"required": "请填写外部视频链接"})


def error_text(form):
    """A form's errors as one Chinese sentence, for a flashed message."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields and name != "__all__" else ""
        parts += [f"{label}：{e}" if label else str(e) for e in errors]
    return "；".join(parts)
