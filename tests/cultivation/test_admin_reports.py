import pytest
from django.urls import reverse

from tests.factories import cultivating_project, progress_report

pytestmark = pytest.mark.django_db

PAGES = ["progressreport", "attachment", "publication", "outcome", "exemplar", "spending"]


@pytest.mark.parametrize("model", PAGES)
def test_staff_can_look_up_reports_in_the_admin_but_not_change_them(client_for, tree, model):
    tree.staff.is_staff = tree.staff.is_superuser = True
    tree.staff.save()
    report = progress_report(cultivating_project(tree.branch_a1))
    client = client_for(tree.staff)
    assert client.get(reverse(f"admin:cultivation_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:cultivation_{model}_add")).status_code == 403
    if model == "progressreport":
        page = client.get(reverse("admin:cultivation_progressreport_change", args=[report.pk])).content.decode()
        assert 'name="_save"' not in page
