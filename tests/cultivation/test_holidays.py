"""公示 periods count working days with the official calendar (chinesecalendar), local rows on top,
and refuse, saying so, to count in a year whose holidays nobody has given."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cultivation import notices
from cultivation.holidays import OFFICIAL_YEARS, HolidaysUnknown
from cultivation.models import Holiday, HolidayYear

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_year_assumed(settings):
    """The suite's settings count the years after the package as weekends only; these tests do not."""
    settings.HOLIDAYS_WEEKENDS_ONLY_YEARS = ()

D = datetime.date
UNKNOWN_YEAR = max(OFFICIAL_YEARS) + 1


def unknown_start():
    """A notice's first day in a year the package does not know, and not in the past: a notice may not
    start before today, so once the calendar passes March of that year the day moves with it."""
    return max(D(UNKNOWN_YEAR, 3, 2), timezone.localdate() + datetime.timedelta(days=7))


def test_national_day_week_and_its_saturday_make_up_day_count_officially():
    # 2025: 国庆+中秋 1–8 October off, Saturday 11 October worked (调休). Nothing typed by hand.
    assert not Holiday.objects.exists()
    # Mon 29 Sep, Tue 30 Sep, then Thu 9, Fri 10, Sat 11 October.
    assert notices.notice_end(D(2025, 9, 29), 5) == D(2025, 10, 11)
    # Sunday 28 September 2025 was worked too: a notice starting that day counts it.
    assert notices.notice_end(D(2025, 9, 28), 3) == D(2025, 9, 30)


def test_spring_festival_and_its_make_up_saturdays_count_officially():
    # 2024: 10–17 February off; Sunday 4 and Saturday 18 February worked.
    assert notices.notice_end(D(2024, 2, 8), 3) == D(2024, 2, 18)  # Thu 8, Fri 9, then Sun 18


def test_a_local_row_wins_over_the_official_calendar():
    assert notices.notice_end(D(2025, 9, 29), 5) == D(2025, 10, 11)
    # The school works on Wednesday 8 October, an official day off: Mon 29, Tue 30, Wed 8, Thu 9, Fri 10.
    Holiday.objects.create(date=D(2025, 10, 8), name="校内补课", is_workday=True)
    assert notices.notice_end(D(2025, 9, 29), 5) == D(2025, 10, 10)
    # And gives Tuesday 30 September off, an official working day: Mon 29, Wed 8 … Sat 11 (调休).
    Holiday.objects.create(date=D(2025, 9, 30), name="校庆日", is_workday=False)
    assert notices.notice_end(D(2025, 9, 29), 5) == D(2025, 10, 11)


def test_a_year_the_package_does_not_know_is_refused_not_counted_as_weekends():
    with pytest.raises(HolidaysUnknown, match=f"{UNKNOWN_YEAR}年的法定节假日和调休安排尚未载入"):
        notices.notice_end(D(UNKNOWN_YEAR, 3, 2), 5)
    # A period that only reaches into the unknown year from the last days of a known one, too.
    with pytest.raises(HolidaysUnknown, match=f"{UNKNOWN_YEAR}年"):
        notices.notice_end(D(UNKNOWN_YEAR - 1, 12, 29), 5)


def test_a_year_staff_entered_by_hand_is_counted_with_their_rows():
    monday = D(UNKNOWN_YEAR, 3, 1)
    monday += datetime.timedelta(days=(7 - monday.weekday()) % 7)
    Holiday.objects.create(date=monday + datetime.timedelta(days=1), name="本地假日", is_workday=False)
    with pytest.raises(HolidaysUnknown):
        notices.notice_end(monday, 5)
    HolidayYear.objects.create(year=UNKNOWN_YEAR, note="按国务院办公厅通知录入")
    # Mon, (Tue off), Wed, Thu, Fri, next Mon.
    assert notices.notice_end(monday, 5) == monday + datetime.timedelta(days=7)


def test_publishing_a_notice_into_an_unknown_year_is_refused_with_the_reason(tree):
    from tests.cultivation.test_notices import shortlisted

    project = shortlisted(tree)
    with pytest.raises(HolidaysUnknown, match=f"{unknown_start().year}年的法定节假日和调休安排尚未载入"):
        notices.notice_publish(batch=project.batch, kind="recognition", title="拟认定公示", body="现予公示",
                               starts_on=unknown_start(), items=[(project, "")], actor=tree.staff)
    assert not project.batch.notices.exists()


def test_the_holiday_admin_shows_the_official_day_beside_the_local_one(tree, client_for):
    Holiday.objects.create(date=D(2025, 10, 8), name="校内补课", is_workday=True)
    tree.staff.is_staff = tree.staff.is_superuser = True
    tree.staff.save()
    client = client_for(tree.staff)
    page = client.get(reverse("admin:cultivation_holiday_changelist")).content.decode()
    assert "校内补课" in page and "国庆节" in page


def test_the_notice_form_shows_the_unknown_year_refusal_and_keeps_what_was_typed(tree, client_for):
    from tests.cultivation.test_notices import shortlisted

    project = shortlisted(tree)
    start = unknown_start()
    page = client_for(tree.staff).post(
        reverse("cultivation:notice_create", args=[project.batch.pk]),
        {"kind": "recognition", "title": "拟认定公示", "body": "现予公示", "starts_on": start.isoformat(),
         "contact": "", "projects": [project.pk]}, follow=True)
    content = page.content.decode()
    assert page.status_code == 200 and f"{start.year}年的法定节假日和调休安排尚未载入" in content
    assert "拟认定公示" in content and not project.batch.notices.exists()
