"""The month grid of the Terminarz tab: weeks from Monday to Sunday, with each day's tasks."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.dates import WEEKDAYS_ABBR

from kartoteka.core.filtering import FIRST_DAY, LAST_DAY
from kartoteka.planner.models import Task

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass
class Day:
    date: dt.date
    in_month: bool
    is_today: bool
    tasks: list[Task] = field(default_factory=list)


@dataclass
class Month:
    first: dt.date  # the 1st of the month shown
    weeks: list[list[Day]]
    weekdays: list[str]  # Monday first, translated abbreviations ("pon", "wt", ...)
    previous: str | None  # "YYYY-MM" of the month before (None at the edge of the calendar)
    next: str | None

    @property
    def grid_first(self) -> dt.date:
        return self.weeks[0][0].date

    @property
    def grid_last(self) -> dt.date:
        return self.weeks[-1][-1].date

    @property
    def last(self) -> dt.date:
        return self.first.replace(day=calendar.monthrange(self.first.year, self.first.month)[1])


def parse_month(raw: str | None, *, default: dt.date) -> dt.date:
    """The 1st of the month named "YYYY-MM" (the default's month when absent or not a month we show)."""
    match = _MONTH.match(raw or "")
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12 and FIRST_DAY.year <= year <= LAST_DAY.year:
            return dt.date(year, month, 1)
    return default.replace(day=1)


def _shift(first: dt.date, months: int) -> str | None:
    index = first.year * 12 + first.month - 1 + months
    year, month = divmod(index, 12)
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        return None
    return f"{year:04d}-{month + 1:02d}"


def month_grid(first: dt.date, *, today: dt.date) -> Month:
    """The weeks covering the month of `first` (Monday first); days outside it are marked."""
    weeks = [
        [Day(date=day, in_month=day.month == first.month, is_today=day == today) for day in week]
        for week in calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(first.year, first.month)
    ]
    return Month(
        first=first,
        weeks=weeks,
        weekdays=[str(WEEKDAYS_ABBR[i]) for i in range(7)],
        previous=_shift(first, -1),
        next=_shift(first, 1),
    )


def place(month: Month, tasks: list[Task]) -> None:
    """Put each task on its day of the grid (tasks outside the grid are left out)."""
    days = {day.date: day for week in month.weeks for day in week}
    for task in tasks:
        day = days.get(task.due_date)
        if day is not None:
            day.tasks.append(task)
