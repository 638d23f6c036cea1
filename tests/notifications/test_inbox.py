"""The in-app inbox: the unread badge, mark read, mark all read; nobody touches another's notifications."""

import pytest
from django.urls import reverse

from branches.models import Event
from notifications.models import Notification
from notifications.services import notify
from tests.factories import cultivating_project, progress_report

pytestmark = pytest.mark.django_db


def send(user, n=1, url="/cultivation/reports/"):
    for i in range(n):
        notify([user], title=f"进展报告已退回{i}", body="请补充党课记录", url=url)


def badge(client):
    content = client.get(reverse("notifications:inbox_list")).content.decode()
    if 'data-testid="inbox-unread"' not in content:
        return 0
    after = content.split('data-testid="inbox-unread"', 1)[1]
    return int(after.split(">", 1)[1].split("<", 1)[0])


def test_the_navbar_badge_counts_unread_notifications(tree, client_for):
    client = client_for(tree.secretary)
    assert badge(client) == 0
    send(tree.secretary, 3)
    send(tree.other_secretary, 2)
    assert badge(client) == 3


def test_mark_one_read_then_all(tree, client_for):
    send(tree.secretary, 3)
    client = client_for(tree.secretary)
    first = Notification.objects.filter(user=tree.secretary).first()
    response = client.post(reverse("notifications:inbox_read", args=[first.pk]))
    assert response.status_code == 302 and response.url == reverse("notifications:inbox_list")
    assert Notification.objects.get(pk=first.pk).read_at is not None
    assert badge(client) == 2
    response = client.post(reverse("notifications:inbox_read_all"), follow=True)
    assert "已将 2 条通知标为已读" in response.content.decode()
    assert badge(client) == 0
    assert not Notification.objects.filter(user=tree.secretary, read_at__isnull=True).exists()
    assert Event.objects.filter(action="notification.read_all", actor=tree.secretary).count() == 1


def test_opening_a_notification_marks_it_read_and_follows_its_link(tree, client_for):
    report = progress_report(cultivating_project(tree.branch_a1))
    send(tree.secretary, url=f"/cultivation/reports/{report.pk}/")
    note = Notification.objects.get()
    response = client_for(tree.secretary).post(reverse("notifications:inbox_read", args=[note.pk]), {"open": "1"})
    assert response.status_code == 302 and response.url == f"/cultivation/reports/{report.pk}/"
    assert Notification.objects.get().read_at is not None


def test_a_link_to_another_site_is_not_followed(tree, client_for):
    send(tree.secretary, url="https://evil.example.com/")
    note = Notification.objects.get()
    response = client_for(tree.secretary).post(reverse("notifications:inbox_read", args=[note.pk]), {"open": "1"})
    assert response.url == reverse("notifications:inbox_list")


def test_another_users_notification_is_404_and_untouched(tree, client_for):
    send(tree.other_secretary)
    note = Notification.objects.get()
    response = client_for(tree.secretary).post(reverse("notifications:inbox_read", args=[note.pk]))
    assert response.status_code == 404
    assert Notification.objects.get().read_at is None
    client_for(tree.secretary).post(reverse("notifications:inbox_read_all"))
    assert Notification.objects.get().read_at is None


def test_the_inbox_lists_only_ones_own_and_filters_unread(tree, client_for):
    send(tree.secretary, 2)
    send(tree.other_secretary)
    Notification.objects.filter(user=tree.secretary, title="进展报告已退回0").update(read_at="2026-01-01T00:00Z")
    client = client_for(tree.secretary)
    everything = client.get(reverse("notifications:inbox_list")).content.decode()
    assert "进展报告已退回0" in everything and "进展报告已退回1" in everything
    assert everything.count("请补充党课记录") == 2
    unread = client.get(reverse("notifications:inbox_list") + "?unread=1").content.decode()
    assert "进展报告已退回1" in unread and "进展报告已退回0" not in unread


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("notifications:inbox_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("size", [1, 3])
def test_the_inbox_runs_a_constant_number_of_queries(tree, client_for, django_assert_num_queries, size):
    send(tree.secretary, size)
    client = client_for(tree.secretary)
    # session, user, role assignments; count and page of notifications; the unread badge; the session's first
    # save after signing in (savepoint, update, release).
    with django_assert_num_queries(9):
        response = client.get(reverse("notifications:inbox_list"))
    assert response.content.decode().count("请补充党课记录") == size
