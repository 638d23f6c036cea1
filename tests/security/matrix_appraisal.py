"""Access-matrix rows of 述职考核评议 (planning/appraisal_views.py).

Whoever holds a role in the tree reads the records of their scope (reviewers hold none: 403); an
organization outside one's scope answers 404. The result is recorded by the level above: 组织部, or the
branch's 二级党组织 — its own secretary is refused (403).
"""

from .matrix import FORBIDDEN, LOGIN, NOT_FOUND, OK, REDIRECT, Row, expect


def _organization(world, which):
    return {"pk": world.branch(which).pk}


def _result(world, which):
    from django.utils import timezone

    return {"year": timezone.localdate().year, "result": "good", "note": "抓党建责任落实到位"}


READERS = expect(OK, anonymous=LOGIN, reviewers=FORBIDDEN)
OWN = expect(NOT_FOUND, anonymous=LOGIN, org_staff=OK, unit_staff=OK, secretary=OK, reviewers=FORBIDDEN)
FOREIGN = expect(NOT_FOUND, anonymous=LOGIN, org_staff=OK, other_unit_staff=OK, other_secretary=OK,
                 reviewers=FORBIDDEN)

ROWS = [
    Row("planning:appraisal_list", READERS),
    Row("planning:appraisal_export", READERS),
    Row("planning:appraisal_detail", OWN, FOREIGN, kwargs=_organization),
    Row("planning:appraisal_save",
        expect(NOT_FOUND, anonymous=LOGIN, org_staff=REDIRECT, unit_staff=REDIRECT, secretary=FORBIDDEN),
        expect(NOT_FOUND, anonymous=LOGIN, org_staff=REDIRECT, other_unit_staff=REDIRECT, other_secretary=FORBIDDEN),
        kwargs=_organization, method="post", data=_result),
]
