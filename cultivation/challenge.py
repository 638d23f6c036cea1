"""The small question the public objection form asks (验证题), answered without any outside service.

Why this guard: a 公示 is read by colleagues on a campus intranet, often from one office behind one
NAT address, on old phones and with scripts blocked. A proof-of-work in JavaScript would fail with
scripts off and cost a phone far more than a bot; a CAPTCHA service is an outside service. So the
form asks a sum written in Chinese numerals ("七加五等于几？"), which any person answers in a second
and a generic form-filling bot does not. The question travels in a signed, timestamped token in a
hidden field (no server session is created for anonymous visitors), expires after a while, and
each token is answered once: a wrong answer spends it (a row in SpentChallenge) and the form asks a
new question, since the answers are few (2 to 18) and a script could otherwise try them all on one
question; a right one spends it when its objection is lodged.

The challenge only turns away blind bots. What bounds a determined sender is elsewhere: the limits
per person (real name + contact) and per address in `notices.objection_lodge`, and the gathered
notifications, so a flood neither shuts the form for an office nor buries the staff's inbox.
"""

import datetime
import secrets
import unicodedata
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Objection, SpentChallenge

SALT = "cultivation.objection-challenge"
MAX_AGE = 2 * 60 * 60  # seconds; a long objection takes time to write
NUMERALS = "零一二三四五六七八九十"
DIGITS = {character: value for value, character in enumerate(NUMERALS)}


@dataclass(frozen=True)
class Challenge:
    token: str
    question: str


class ChallengeFailed(Exception):
    def __init__(self, message, *, renew):
        super().__init__(message)
        self.message = message
        self.renew = renew  # the token itself is unusable: ask a new question


def chinese(number):
    """0–20 in Chinese numerals: 七, 十, 十五, 二十."""
    if number <= 10:
        return NUMERALS[number]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else NUMERALS[tens]) + "十" + (NUMERALS[ones] if ones else "")


def _question(a, b):
    return f"验证题：{chinese(a)}加{chinese(b)}等于几？"


def issue(a=None, b=None):
    """A fresh question; tests pass `a` and `b` to know the answer."""
    a = a if a is not None else secrets.randbelow(9) + 1
    b = b if b is not None else secrets.randbelow(9) + 1
    token = signing.TimestampSigner(salt=SALT).sign_object({"a": a, "b": b, "n": secrets.token_hex(12)})
    return Challenge(token=token, question=_question(a, b))


def read(token):
    """The question of a posted token, or None if the token is forged, too old or absurdly long."""
    if len(token or "") > 300:
        return None
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(token or "", max_age=MAX_AGE)
        a, b, nonce = int(data["a"]), int(data["b"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return Challenge(token=token, question=_question(a, b)), a + b, nonce


def usable(token):
    """The posted question while it may still be answered (signed, fresh, not spent); else None."""
    read_back = read(token)
    if read_back is None:
        return None
    question, _, nonce = read_back
    if SpentChallenge.objects.filter(nonce=nonce).exists() or Objection.objects.filter(challenge=nonce).exists():
        return None
    return question


def spend(nonce):
    """Marks the question used; False if it already was. The first of two at the same instant wins."""
    # A spent question expires anyway after MAX_AGE; older rows only take room.
    SpentChallenge.objects.filter(spent_at__lt=timezone.now() - datetime.timedelta(seconds=MAX_AGE)).delete()
    try:
        with transaction.atomic():
            SpentChallenge.objects.create(nonce=nonce[:32])
    except IntegrityError:
        return False
    return True


def parse_answer(text):
    """The number a person typed: 12, １２ (full width) or 十二; None if it is not one."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= 3:
        return int(text)
    if not text or len(text) > 3 or any(character not in DIGITS for character in text):
        return None
    if "十" not in text:
        return DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in tens + ones:
        return None
    return (DIGITS[tens] if tens else 1) * 10 + (DIGITS[ones] if ones else 0)


def check(token, answer):
    """The token's nonce when `answer` solves it; ChallengeFailed with a Chinese message otherwise.

    A wrong answer spends the question (renew: ask another); an empty one does not, as it tells nothing."""
    read_back = read(token)
    if read_back is None:
        raise ChallengeFailed("验证题已过期或无效，请回答下面的新验证题后再提交", renew=True)
    _, expected, nonce = read_back
    if not (answer or "").strip():
        raise ChallengeFailed("请回答验证题", renew=False)
    if parse_answer(answer) != expected:
        spend(nonce)
        raise ChallengeFailed("验证题回答不正确，已换一道新题，请计算后重新提交", renew=True)
    return nonce
