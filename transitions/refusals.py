"""How a move says no: a Chinese message meant for the user, and the objects it is about."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Offender:
    """One object a refusal is about: its name, the page that shows it, and what is wrong with it."""

    label: str
    url: str
    detail: str = ""

    @property
    def text(self):
        return f"{self.label}（{self.detail}）" if self.detail else self.label


class MoveRefused(Exception):
    """A move that may not happen now; the message is Chinese and meant for the user.

    A refusal that concerns several objects carries them as `offenders`, so the page can name and
    link each one (cultivation.views.common.refusal_message); `message` is the headline and `text`
    the whole refusal as plain text, for the event log, the admin and mail.
    """

    def __init__(self, message, *, offenders=()):
        self.message = message
        self.offenders = list(offenders)
        super().__init__(self.text)

    @property
    def text(self):
        if not self.offenders:
            return self.message
        return f"{self.message}{'；'.join(offender.text for offender in self.offenders)}"

    def __str__(self):
        return self.text


class NotAllowed(MoveRefused):
    """The actor's role does not allow this at all (views answer 403), as opposed to "not now"."""
