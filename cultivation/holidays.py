"""Which days are working days, for counting a 公示 period.

The official calendar (法定节假日 and 调休 working weekends, as the State Council publishes them each
year) comes from the `chinesecalendar` package; the Holiday table holds only local changes (a school
day off, a day the school works although the state does not), and a local row always wins.

Why the package is read when a period is counted rather than copied into the table: there is no
load step to forget (a fresh deployment, the tests and the demo all count with the official
calendar), upgrading the package corrects every later count at once, and nothing staff changed can
be overwritten by a reload, because the table holds nothing but their changes.

A year the package does not know yet (its schedule is published each November, the package follows
later) is never counted as weekends only: the count refuses with a message saying so, until either
the package is upgraded or staff enter that year's schedule by hand in the admin and record the year
as entered (HolidayYear).
"""

import datetime
from dataclasses import dataclass

from chinese_calendar import constants as official
from django.conf import settings

from transitions.refusals import MoveRefused

from .models import Holiday, HolidayYear

OFFICIAL_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
OFFICIAL_YEARS = frozenset(day.year for day in official.holidays) | frozenset(day.year for day in official.workdays)


class HolidaysUnknown(MoveRefused):
    """The period reaches a year whose holiday schedule neither the package nor staff have given."""


def official_name(day):
    """The Chinese name of an official holiday or 调休 day, or ""."""
    name = official.holidays.get(day) or official.workdays.get(day)
    return OFFICIAL_NAMES.get(getattr(name, "value", name), "") if name else ""


@dataclass
class Calendar:
    """Working days between two dates: official days, local rows on top, unknown years refused."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self):
        self.local = dict(Holiday.objects.filter(date__gte=self.start, date__lte=self.end)
                          .values_list("date", "is_workday"))
        self.local_years = set(HolidayYear.objects.filter(year__gte=self.start.year, year__lte=self.end.year)
                               .values_list("year", flat=True))
        # Years a deployment has chosen, in its settings, to count as weekends only (the test suite does,
        # so that it does not break on the first of January before the package knows the new year).
        self.local_years |= set(getattr(settings, "HOLIDAYS_WEEKENDS_ONLY_YEARS", ()))

    def is_working(self, day):
        if day in self.local:
            return self.local[day]
        if day.year not in OFFICIAL_YEARS and day.year not in self.local_years:
            raise HolidaysUnknown(
                f"{day.year}年的法定节假日和调休安排尚未载入，无法按工作日计算公示期。"
                f"请升级 chinesecalendar，或由管理员在后台“节假日（本地调整）”中录入{day.year}年的安排，"
                f"并在“本地录入的节假日年度”中登记{day.year}年。")
        if day in official.workdays:
            return True
        if day in official.holidays:
            return False
        return day.weekday() < 5


def add_working_days(start, days):
    """The last day of a period of `days` working days that begins on `start` (start counts if working)."""
    calendar = Calendar(start, start + datetime.timedelta(days=days * 3 + 60))
    day, counted = start, 0
    while True:
        if calendar.is_working(day):
            counted += 1
            if counted >= days:
                return day
        day += datetime.timedelta(days=1)


def working_days_left(today, end):
    """The working days from `today` (counted if working) to `end`, both included; 0 once `end` has passed."""
    if end < today:
        return 0
    calendar = Calendar(today, end)
    return sum(calendar.is_working(today + datetime.timedelta(days=n)) for n in range((end - today).days + 1))
