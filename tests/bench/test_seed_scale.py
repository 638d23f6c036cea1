import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from bench import seed
from branches.enums import OrgKind
from branches.models import Event, Organization
from cultivation.models import Batch, Project
from cultivation.reports.models import Attachment, ProgressReport
from evaluations.models import ScoreSheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = io.StringIO()
    call_command("seed_scale", "--scale", "S", stdout=out)
    return out.getvalue()


def test_scale_s_has_the_shape_it_promises(small_world):
    wanted = seed.totals("S")
    assert Organization.objects.filter(kind=OrgKind.COMMITTEE).count() == wanted["units"]
    assert Organization.objects.filter(kind=OrgKind.BRANCH).count() == wanted["branches"]
    assert Batch.objects.count() == wanted["batches"]
    assert Project.objects.count() == wanted["projects"]
    assert Attachment.objects.count() == wanted["attachments"]
    assert ScoreSheet.objects.count() == wanted["sheets"]
    assert Event.objects.count() == wanted["events"]
    # Fortnightly periods shared out evenly: within one project's share of the total.
    assert wanted["reports"] - ProgressReport.objects.count() < wanted["reports"] / 10
    assert "完成" in small_world


def test_rows_agree_with_the_tree(small_world):
    # Every project's recommender is its branch's 二级党组织, and every event is scoped to a tree path.
    assert not Project.objects.exclude(unit_id=models_unit_of()).exists()
    assert not Event.objects.filter(scope="").exists()
    assert Event.objects.filter(actor=None).exists()  # reminders have no acting user


def models_unit_of():
    from django.db.models import F
    return F("organization__unit_id")


def test_it_refuses_a_database_that_has_data(small_world):
    with pytest.raises(CommandError, match="空数据库"):
        call_command("seed_scale", "--scale", "S", stdout=io.StringIO())


@pytest.mark.parametrize("username", ["staff0", "unit-SC-0-0", "expert0"])
def test_each_role_can_work_on_the_scale_data(small_world, client, username):
    client.force_login(get_user_model().objects.get(username=username))
    for name in ["home", "cultivation:project_list", "cultivation:report_list", "branches:event_list"]:
        assert client.get(reverse(name)).status_code in (200, 403), name


def test_a_secretary_sees_their_project(small_world, client):
    project = Project.objects.select_related("organization").first()
    secretary = get_user_model().objects.get(username=f"sec-{project.organization_id}")
    client.force_login(secretary)
    response = client.get(reverse("cultivation:project_detail", args=[project.pk]))
    assert response.status_code == 200
    assert project.title in response.content.decode()


def test_the_event_log_holds_exports_of_a_known_size(small_world):
    # The bench's 10,000- and 1,000-row exports at M are these filters; at S a tenth of them.
    assert Event.objects.filter(action="report.edited").count() == 1_000
    assert Event.objects.filter(action="report.started").count() == 100


def test_the_showcase_has_approved_pieces_and_the_province_its_staff(small_world):
    from branches.access import is_org_staff
    from dissemination.enums import PieceState
    from dissemination.models import PublicityPiece
    from dissemination.showcase import SHOWCASED_STATES

    approved = PublicityPiece.objects.filter(state=PieceState.APPROVED)
    assert approved.exists()
    assert not approved.exclude(project__state__in=SHOWCASED_STATES).exists()
    assert PublicityPiece.objects.filter(state=PieceState.SUBMITTED).exists()
    assert is_org_staff(get_user_model().objects.get(username=seed.PROVINCE_STAFF))
