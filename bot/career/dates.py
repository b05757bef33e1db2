"""Read the target dates people type for their career steps.

A target is a deadline, so whenever someone names a period (a month, a quarter, a half
or a whole year) the target is the LAST day of that period.  A year is required for
absolute dates: "June" or "15 June" could mean this year or next, so we ask instead of
guessing.

Words people type, and what they mean (``today`` is the day the form is checked):

- "in six months", "in 2 years", "three weeks": counted from today; the number is in
  figures or a word from one to twenty ("a"/"an" is one).  Vaguer counts ("a couple of",
  "a few", "umpteen") are refused with the list of what works.  Month ends are kept:
  31 January + 1 month is 28 (or 29) February.
- "this year" / "next year": 31 December of this year / of next year.
- "this month" / "next month": the last day of this month / of next month.
- "this quarter" / "next quarter" (also "end of next quarter"): the last day of this /
  the next calendar quarter (Q1 ends 31 March, Q2 30 June, Q3 30 September, Q4 31 December).
- "early 2027" is 31 March 2027, "mid 2027" 30 June 2027, "late 2027" 31 December 2027;
  "by" or "in" in front changes nothing ("by mid 2027", "in early 2027").
- Seasons are the northern-hemisphere meteorological ones and mean their last day:
  "spring 2027" is 31 May 2027, "summer 2027" 31 August 2027, "autumn 2027" or
  "fall 2027" 30 November 2027, and "winter 2027" (also "winter 2027/28") is the winter
  that starts in December 2027, so it ends on the last day of February 2028.

A result in the past is returned as it is: the plan rules decide what to say about it.

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

ACCEPTED_FORMS: Final[str] = '2027-06-30, June 2027, Q3 2027, mid 2027, summer 2027, next year or "in six months"'

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
_NUMBER_WORDS: Final[dict[str, int]] = {
    word: number
    for number, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
    if number
} | {"a": 1, "an": 1}
_RELATIVE = re.compile(r"^(?:in\s+)?(" + "|".join(_NUMBER_WORDS) + r"|\d{1,6})\s+(day|week|month|year)s?$", re.ASCII)
# "in umpteen months", "in a couple of years": a count we do not read.
_RELATIVE_UNKNOWN_COUNT = re.compile(
    r"^(?:in\s+[a-z][a-z\s-]{0,40}\s(?:day|week|month|year)s?|[a-z][a-z\s-]{0,40}\s(?:day|week|month|year)s)$", re.ASCII
)
_THIS_OR_NEXT = re.compile(r"^(?:the\s+)?(this|next)\s+(year|month|quarter)$", re.ASCII)
_YEAR_PART = re.compile(r"^(?:in\s+)?(?:the\s+)?(early|mid|late)[\s-]*(\d{4})$", re.ASCII)
_SEASON = re.compile(
    r"^(?:in\s+)?(?:the\s+)?(spring|summer|autumn|fall|winter)(?:\s+of)?[\s-]*(\d{4})(?:\s*/\s*(\d{2}|\d{4}))?$",
    re.ASCII,
)
_YEAR_PART_MONTH: Final[dict[str, int]] = {"early": 3, "mid": 6, "late": 12}
_SEASON_LAST_MONTH: Final[dict[str, int]] = {"spring": 5, "summer": 8, "autumn": 11, "fall": 11}
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
    count = _NUMBER_WORDS[count_word] if count_word in _NUMBER_WORDS else int(count_word)
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


def _this_or_next(which: str, unit: str, today: datetime.date) -> datetime.date:
    ahead = 1 if which == "next" else 0
    if unit == "year":
        year, month = today.year + ahead, 12
    else:
        month = today.month if unit == "month" else (today.month - 1) // 3 * 3 + 3
        month += ahead * (1 if unit == "month" else 3)
        year = today.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
    if year > 9999:
        raise _too_far()
    return _month_end(year, month)


def _season_end(season: str, year: int, second_year: str | None) -> datetime.date:
    if season != "winter":
        if second_year is not None:
            raise _generic()
        return _month_end(year, _SEASON_LAST_MONTH[season])
    if second_year is not None and int(second_year) not in (year + 1, (year + 1) % 100):
        raise _not_understood("A winter runs from December into the next year, as in winter 2027/28.")
    if year + 1 > 9999:
        raise _too_far()
    return _month_end(year + 1, 2)


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
    if match := _THIS_OR_NEXT.match(body):
        return _this_or_next(match.group(1), match.group(2), today)
    if match := _YEAR_PART.match(body):
        return _month_end(int(match.group(2)), _YEAR_PART_MONTH[match.group(1)])
    if match := _SEASON.match(body):
        return _season_end(match.group(1), int(match.group(2)), match.group(3))
    if _RELATIVE_UNKNOWN_COUNT.match(body):
        raise _not_understood("Write how many in figures or as a word from one to twenty.")
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
    "2027" is 2027-12-31, "mid 2027" is 2027-06-30, "summer 2027" is 2027-08-31);
    "in six months", "next quarter" and the like count from ``today`` (see the module
    docstring for every form).  Raises
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
