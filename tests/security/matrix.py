"""The access matrix: who gets what answer from every named URL, for their own and for foreign objects.

Each app keeps its rows in `matrix_<app>.py` (a module-level `ROWS` list of `Row`); the test in
`test_access_matrix.py` runs every row for every role, and a meta-test fails on any URL name that has
no row, so a new view cannot ship without someone deciding who may open it.

The world every row runs in is `tests.factories.Tree().with_reviewers()`:
- the "own" object belongs to 甲一党支部 (`branch_a1`, in 甲学院党委 `unit_a`);
- the "foreign" object belongs to 乙一党支部 (`branch_b1`, in 乙学院党委 `unit_b`);
and the roles are seen from the own object: `unit_staff` and `secretary` are its unit's staff and its
branch's secretary, `other_unit_staff` and `other_secretary` those of 乙学院党委 and 乙一党支部.
"""

from dataclasses import dataclass
from typing import Callable

# The answers a row can expect.
OK = 200
LOGIN = "login"  # 302 to the login page, with ?next=
REDIRECT = "redirect"  # 302 anywhere but the login page (e.g. back to the page after a successful POST)
FORBIDDEN = 403
NOT_FOUND = 404
NOT_ALLOWED = 405
ANSWERS = {OK, LOGIN, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED}
SUCCESS = {OK, REDIRECT}

# role name -> attribute of the Tree holding that user (None: not logged in).
ROLES = {
    "anonymous": None,
    "org_staff": "staff",
    "unit_staff": "unit_staff",
    "other_unit_staff": "other_unit_staff",
    "secretary": "secretary",
    "other_secretary": "other_secretary",
    "reviewer_assigned": "reviewer",
    "reviewer_unassigned": "reviewer_unassigned",
    "reviewer_conflicted": "reviewer_conflicted",
}
REVIEWERS = ("reviewer_assigned", "reviewer_unassigned", "reviewer_conflicted")


def expect(default, **answers):
    """An answer for every role: `default` unless named, e.g. expect(NOT_FOUND, org_staff=OK, anonymous=LOGIN).

    `reviewers=X` sets the three reviewer roles at once (on URLs outside evaluations they are alike).
    """
    if "reviewers" in answers:
        shared = answers.pop("reviewers")
        for role in REVIEWERS:
            answers.setdefault(role, shared)
    unknown = set(answers) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}; the roles are {list(ROLES)}")
    return {role: answers.get(role, default) for role in ROLES}


class World:
    """What a row's builders get: the Tree, plus the own/foreign branch by name."""

    def __init__(self, tree):
        self.tree = tree

    def branch(self, which):
        return {"own": self.tree.branch_a1, "foreign": self.tree.branch_b1}[which]

    def unit(self, which):
        return {"own": self.tree.unit_a, "foreign": self.tree.unit_b}[which]

    def user(self, role):
        attribute = ROLES[role]
        return None if attribute is None else getattr(self.tree, attribute)


@dataclass(frozen=True)
class Row:
    """One URL name and method, with the expected answer per role.

    name     the URL name as `reverse()` takes it ("branches:organization_detail").
    own      expected answer per role (build it with `expect`) for the own object, or for the URL
             itself when it has no object.
    foreign  the same for the foreign object; None when the URL has no object.
    kwargs   `(world, which) -> dict` of URL kwargs, `which` being "own" or "foreign"; it may create
             the objects it needs (a project of `world.branch(which)`, an assignment of
             `world.tree.reviewer` to the own project, ...). None when the URL takes none.
    method   "get" or "post" (one row per method: a URL may have a GET and a POST row).
    data     `(world, which) -> dict` posted (or sent as the query string of a GET). A POST row's
             data should be valid, so that a success is a real success and a refusal is a refusal.

    `kwargs` runs once per row and object (it may cache what it builds on the world); each role's
    request then runs in a savepoint that is rolled back, and `data` runs inside it, once per role.
    label    tells two rows of the same name and method apart in test ids.
    """

    name: str
    own: dict
    foreign: dict | None = None
    kwargs: Callable | None = None
    method: str = "get"
    data: Callable | None = None
    label: str = ""

    def __post_init__(self):
        for answers in filter(None, [self.own, self.foreign]):
            if set(answers) != set(ROLES) or not set(answers.values()) <= ANSWERS:
                raise ValueError(f"row {self.name}: give an answer from {ANSWERS} for each of {list(ROLES)}")
        if (self.foreign is None) != (self.kwargs is None):
            raise ValueError(f"row {self.name}: a URL with kwargs needs `foreign` answers, and only it")
        if self.method not in ("get", "post"):
            raise ValueError(f"row {self.name}: method is 'get' or 'post'")

    @property
    def id(self):
        return "-".join(filter(None, [self.name, self.method, self.label]))

    def cases(self):
        """(which, role, expected) for every object and role of this row."""
        for which, answers in [("own", self.own), ("foreign", self.foreign)]:
            if answers is not None:
                for role, expected in answers.items():
                    yield which, role, expected


def all_rows():
    from . import (
        matrix_appraisal, matrix_branches, matrix_cultivation, matrix_dashboards, matrix_dissemination,
        matrix_evaluations, matrix_guidance, matrix_notifications, matrix_planning, matrix_showcase,
    )

    return [*matrix_branches.ROWS, *matrix_notifications.ROWS, *matrix_cultivation.ROWS, *matrix_evaluations.ROWS,
            *matrix_planning.ROWS, *matrix_guidance.ROWS, *matrix_appraisal.ROWS, *matrix_dashboards.ROWS,
            *matrix_dissemination.ROWS, *matrix_showcase.ROWS]
