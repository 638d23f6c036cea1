"""Access-matrix rows for the URLs of the `notifications` app (the inbox): everyone signed in has one,
and only their own notifications in it; another's answers 404, as if it did not exist."""

from .matrix import LOGIN, NOT_FOUND, OK, REDIRECT, Row, expect


def _notification(world, which):
    from notifications.models import Notification

    user = world.tree.secretary if which == "own" else world.tree.other_secretary
    return {"pk": Notification.objects.create(user=user, title="进展报告已退回", url="/cultivation/reports/").pk}


ROWS = [
    Row("notifications:inbox_list", expect(OK, anonymous=LOGIN)),
    Row("notifications:inbox_read", method="post", kwargs=_notification,
        own=expect(NOT_FOUND, anonymous=LOGIN, secretary=REDIRECT),
        foreign=expect(NOT_FOUND, anonymous=LOGIN, other_secretary=REDIRECT)),
    Row("notifications:inbox_read_all", expect(REDIRECT, anonymous=LOGIN), method="post"),
]
