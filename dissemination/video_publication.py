"""The micro-video's review before publication: the same moves and Machine as the evidence pictures
(cultivation.reports.publication), for the one video of a project. Until the 组织部 has agreed, the video
is neither on the showcase nor at its public address."""

from cultivation.reports import publication
from cultivation.reports.enums import PublicationState

from .enums import VIDEO_PUBLICATION_MOVES
from .video import MicroVideo

MACHINE = publication.publication_machine(
    model=MicroVideo, moves=VIDEO_PUBLICATION_MOVES, prefix="video", noun="示范建设微视频",
    url=lambda video: f"/dissemination/projects/{video.project_id}/video/", title=lambda video: video.title,
)
EVENT_LABELS = MACHINE.event_labels()


def video_move(*, video, name, actor, comment="", expected_version=None):
    """A move of the video's publication review; MoveRefused in Chinese when it may not happen now."""
    return publication.run_move(MACHINE, video, name, actor=actor, comment=comment, expected_version=expected_version)


def offered(roles, video):
    return publication.offered(MACHINE.moves, roles, video)


def withdraw_for_replacement(video, *, actor):
    """New content is not what was approved: a video under review or public goes back to 不公开 (logged)."""
    if video.pk and video.state != PublicationState.PRIVATE:
        return video_move(video=video, name="withdraw", actor=actor)
    return video
