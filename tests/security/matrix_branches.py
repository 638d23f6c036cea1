"""Access-matrix rows for the URLs of config/urls.py and branches/urls.py (format: see matrix.Row)."""

from tests.branches.xlsx import row as roster_row
from tests.branches.xlsx import upload

from .matrix import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row, expect

NEW_PASSWORD = "Dangzhibu-2024-xin"


def organization(world, which):
    return {"pk": world.branch(which).pk}


def declaration(world, which):
    return {"no_violation": "on", "no_conduct_issue": "on"}


def export_file(world, which):
    """An export the worker made for the own (甲一) or the foreign (乙一) branch's secretary."""
    import io

    from openpyxl import Workbook

    from branches.exports import XLSX
    from branches.tasks import folder_of
    from branches.uploads import CheckedUpload, _sha256, store_upload

    user = world.tree.secretary if which == "own" else world.tree.other_secretary
    content = io.BytesIO()
    Workbook().save(content)
    upload = CheckedUpload(file=content, display_name="培育项目.xlsx", type="xlsx", kind="office", extension=".xlsx",
                           content_type=XLSX, size=len(content.getvalue()), sha256=_sha256(content))
    path = store_upload(upload, folder=folder_of(user.pk))
    return {"name": path.rsplit("/", 1)[-1].removesuffix(".xlsx")}


def sign_in(world, which):
    return {"username": "secretary", "password": "demo12345"}


def password_change(world, which):
    return {"old_password": "demo12345", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}


def roster_dry_run(world, which):
    return {"file": upload([roster_row("MX1", "矩阵测试党支部", parent=world.unit("own").code)]), "dry_run": "on"}


def roster_import_own(world, which):
    """The import itself (no dry run) of a new branch under the own unit: 组织部 is sent back to the page."""
    return {"file": upload([roster_row("MX3", "矩阵导入党支部", parent=world.unit("own").code)])}


def roster_foreign_rows(world, which):
    """An import (no dry run) renaming an organization outside the Tree's school (another school, made here)
    and hanging a new branch under it: for the Tree's 组织部 two row errors, so the page lists them and
    nothing is written (a successful import redirects; tests/branches/test_roster_scope.py has the rest)."""
    from branches.enums import OrgKind
    from tests.factories import OrganizationFactory

    other = OrganizationFactory(kind=OrgKind.SCHOOL, name="矩阵外校党委")
    return {"file": upload([roster_row(other.code, "被改名的外校党委", kind="学校党委", branch_type="", category=""),
                            roster_row("MX2", "外校新党支部", parent=other.code)])}


SIGNED_IN = expect(OK, anonymous=LOGIN)
ORG_STAFF_ONLY = expect(FORBIDDEN, anonymous=LOGIN, org_staff=OK)

ROWS = [
    Row("home", SIGNED_IN),
    Row("healthz", expect(OK)),
    # Open by address, not by role: the test client is 127.0.0.1, which METRICS_ALLOWED_ADDRESSES names by
    # default; tests/notifications/test_metrics.py shows every other address a 404.
    Row("metrics", expect(OK)),
    Row("favicon", expect(REDIRECT)),
    Row("login", expect(REDIRECT, anonymous=OK)),
    # A signed-in user posting the form is sent home without a new sign-in; a visitor signs in.
    Row("login", expect(REDIRECT), method="post", data=sign_in),
    Row("logout", expect(NOT_ALLOWED)),
    Row("logout", expect(LOGIN), method="post"),
    Row("password_change", SIGNED_IN),
    Row("password_change", expect(REDIRECT, anonymous=LOGIN), method="post", data=password_change),
    Row("password_change_done", SIGNED_IN),
    # Everyone signed in has a list; what it holds is scoped (tests/branches/test_views.py).
    Row("branches:organization_list", SIGNED_IN),
    Row(
        "branches:organization_detail",
        own=expect(NOT_FOUND, anonymous=LOGIN, org_staff=OK, unit_staff=OK, secretary=OK),
        foreign=expect(NOT_FOUND, anonymous=LOGIN, org_staff=OK, other_unit_staff=OK, other_secretary=OK),
        kwargs=organization,
    ),
    Row(
        "branches:organization_declare",
        own=expect(NOT_FOUND, anonymous=LOGIN, org_staff=REDIRECT, unit_staff=REDIRECT, secretary=REDIRECT),
        foreign=expect(NOT_FOUND, anonymous=LOGIN, org_staff=REDIRECT, other_unit_staff=REDIRECT,
                       other_secretary=REDIRECT),
        kwargs=organization,
        method="post",
        data=declaration,
    ),
    Row(
        "branches:organization_declare",
        own=expect(NOT_ALLOWED, anonymous=LOGIN),
        foreign=expect(NOT_ALLOWED, anonymous=LOGIN),
        kwargs=organization,
    ),
    Row("branches:roster_template", ORG_STAFF_ONLY),
    Row("branches:roster_export", ORG_STAFF_ONLY),
    Row("branches:roster_import", ORG_STAFF_ONLY),
    Row("branches:roster_import", ORG_STAFF_ONLY, method="post", data=roster_dry_run),
    Row("branches:roster_import", expect(FORBIDDEN, anonymous=LOGIN, org_staff=REDIRECT), method="post",
        data=roster_import_own, label="import"),
    Row("branches:roster_import", ORG_STAFF_ONLY, method="post", data=roster_foreign_rows, label="foreign-rows"),
    Row("branches:event_list", ORG_STAFF_ONLY),
    Row("branches:event_export", ORG_STAFF_ONLY),
    # Only the user the worker made it for: anyone else's folder has no such file.
    Row("branches:export_file", kwargs=export_file, own=expect(NOT_FOUND, anonymous=LOGIN, secretary=OK),
        foreign=expect(NOT_FOUND, anonymous=LOGIN, other_secretary=OK)),
    # Campus sign-on is off in the tests: the administrators' password page sends everyone to /login/.
    Row("login_local", expect(LOGIN)),
]
