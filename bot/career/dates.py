"""Read the target dates people type for their career steps.

A target is a deadline, so whenever someone names a period (a month, a quarter, a half
or a whole year) the target is the LAST day of that period.  A year is required for
absolute dates: "June" or "15 June" could mean this year or next, so we ask instead of
guessing.

Pure functions only: no Slack, no database.  Every failure, however hostile the input,
comes out as :class:`DateNotUnderstood` whose message can be shown to the person as is
(it never echoes their text back, so nothing they typed can turn into a Slack mention).
"""

from __future__ import annotations

import calendar
import datetime
import re
from typing import Final

from dateutil import parser as dateutil_parser
from dateutil.relativedelta import relativedelta

__all__ = ["ACCEPTED_FORMS", "DateNotUnderstood", "read_target"]

ACCEPTED_FORMS: Final[str] = '2027-06-30, 2027-06, June 2027, Q3 2027, H2 2027, 2027 or "in 6 months"'

MAX_TEXT_LENGTH: Final[int] = 100
MAX_YEARS_AHEAD: Final[int] = 50
MIN_YEAR: Final[int] = 1900

# Two defaults that differ in year, month and day.  Whatever dateutil fills in from the
# default was not in the text, so comparing the two results tells us what was typed.
# Both years are leap years so that "29 Feb" (no year) is reported as a missing year.
# The days are far apart so that a weekday nudge ("Monday June 2027") cannot make the
# two results agree by accident; 28 exists in every month, so dateutil never clips it.
_DEFAULT_A: Final = datetime.datetime(2000, 1, 1)
_DEFAULT_B: Final = datetime.datetime(2004, 2, 28)

_PREFIX = re.compile(r"^(?:(?:by|before)\s+)?(?:the\s+)?(?:end\s+of\s+)?", re.ASCII)
_RELATIVE = re.compile(r"^(?:in\s+)?(a|an|one|\d{1,6})\s+(day|week|month|year)s?$", re.ASCII)
_PERIOD_FIRST = re.compile(r"^([qh])(\d{1,3})[\s/-]*(\d{4})$", re.ASCII)
_YEAR_FIRST = re.compile(r"^(\d{4})[\s/-]*([qh])(\d{1,3})$", re.ASCII)
_YEAR_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$", re.ASCII)
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$", re.ASCII)

_PARSE_ERRORS: Final = (ValueError, OverflowError, TypeError, ArithmeticError)


class DateNotUnderstood(ValueError):
    """The text is not a target date we can read.

    ``str(exc)`` is a user-facing message that says what was wrong and lists
    :data:`ACCEPTED_FORMS`.
    """


def _not_understood(problem: str) -> DateNotUnderstood:
    return DateNotUnderstood(f"{problem} Try one of these: {ACCEPTED_FORMS}.")


def _generic() -> DateNotUnderstood:
    return _not_understood("I couldn't read that as a date with a year.")


def _month_end(year: int, month: int) -> datetime.date:
    if not 1 <= month <= 12:
        raise _not_understood("Months go from 1 to 12.")
    if not 1 <= year <= 9999:
        raise _generic()
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _period_end(kind: str, number: int, year: int) -> datetime.date:
    if kind == "q":
        if not 1 <= number <= 4:
            raise _not_understood("A year has four quarters, Q1 to Q4.")
        return _month_end(year, number * 3)
    if not 1 <= number <= 2:
        raise _not_understood("A year has two halves, H1 and H2.")
    return _month_end(year, number * 6)


def _relative(count_word: str, unit: str, today: datetime.date) -> datetime.date:
    count = 1 if count_word in ("a", "an", "one") else int(count_word)
    if unit == "day":
        step = relativedelta(days=count)
    elif unit == "week":
        step = relativedelta(weeks=count)
    elif unit == "month":
        step = relativedelta(months=count)
    else:
        step = relativedelta(years=count)
    try:
        result: datetime.date = today + step
    except _PARSE_ERRORS:
        raise _too_far() from None
    return result


def _too_far() -> DateNotUnderstood:
    return _not_understood(f"That is more than {MAX_YEARS_AHEAD} years away; please pick a nearer target.")


_ISO_ORDER = re.compile(r"^\d{4}\D", re.ASCII)  # 2027-06-05 and 2027/06/05 are year-month-day everywhere


def _parse_absolute(text: str) -> datetime.date:
    try:
        first = dateutil_parser.parse(text, default=_DEFAULT_A, dayfirst=False, ignoretz=True)
        second = dateutil_parser.parse(text, default=_DEFAULT_B, dayfirst=False, ignoretz=True)
    except _PARSE_ERRORS:
        raise _generic() from None

    if first.year != second.year:
        raise _not_understood("Please include a year.")
    year = first.year
    has_month = first.month == second.month
    has_day = first.day == second.day

    # A missing part must have come straight from the default.  If it did not, dateutil
    # moved the date (e.g. to the next "Monday"), which is not a form we accept.
    if not has_month and (first.month != _DEFAULT_A.month or second.month != _DEFAULT_B.month):
        raise _generic()
    if not has_day and (first.day != _DEFAULT_A.day or second.day != _DEFAULT_B.day):
        raise _generic()

    if has_day and not has_month:
        raise _generic()
    if not has_month:
        return datetime.date(year, 12, 31)
    if not has_day:
        return _month_end(year, first.month)
    if not _ISO_ORDER.match(text) and _day_first(text) != first.date():
        # 05/06/2027 is 6 May to some and 5 June to others: ask rather than guess.
        raise _not_understood(
            "The day and month could be read either way: write the month as a word (5 June 2027) or use 2027-06-05."
        )
    return first.date()


def _day_first(text: str) -> datetime.date | None:
    try:
        return dateutil_parser.parse(text, default=_DEFAULT_A, dayfirst=True, ignoretz=True).date()
    except _PARSE_ERRORS:
        return None


def _read(text: str, today: datetime.date) -> datetime.date:
    body = _PREFIX.sub("", text, count=1)
    if not body:
        raise _generic()

    if match := _RELATIVE.match(body):
        return _relative(match.group(1), match.group(2), today)
    if match := _PERIOD_FIRST.match(body):
        return _period_end(match.group(1), int(match.group(2)), int(match.group(3)))
    if match := _YEAR_FIRST.match(body):
        return _period_end(match.group(2), int(match.group(3)), int(match.group(1)))
    if match := _YEAR_MONTH.match(body):
        return _month_end(int(match.group(1)), int(match.group(2)))
    if match := _MONTH_YEAR.match(body):
        return _month_end(int(match.group(2)), int(match.group(1)))
    return _parse_absolute(body)


def read_target(text: str, today: datetime.date) -> datetime.date:
    """Read a target date typed by a person. Surrounding whitespace and case do not matter.

    Periods mean their last day ("June 2027" is 2027-06-30, "Q3 2027" is 2027-09-30,
    "2027" is 2027-12-31); "in 6 months" counts from ``today``.  Raises
    :class:`DateNotUnderstood` with a message for the person on anything else.
    """
    if not isinstance(text, str):
        raise _generic()
    if len(text) > MAX_TEXT_LENGTH:
        raise _not_understood(f"That is too long for a date (at most {MAX_TEXT_LENGTH} characters).")
    normalized = " ".join(text.split()).lower()
    if not normalized:
        raise _not_understood("Please type a target date with a year.")
    if not normalized.isprintable():
        raise _generic()

    result = _read(normalized, today)

    if result.year < MIN_YEAR:
        raise _not_understood(f"Dates before {MIN_YEAR} are not accepted.")
    try:
        limit: datetime.date = today + relativedelta(years=MAX_YEARS_AHEAD)
    except _PARSE_ERRORS:
        limit = datetime.date.max
    if result > limit:
        raise _too_far()
    return result
