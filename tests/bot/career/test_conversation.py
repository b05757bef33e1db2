"""Logging a conversation: what is accepted, what is cleaned, and errors that say what would work."""

from __future__ import annotations

from datetime import date

import pytest

from bot.career.cadence import ExperimentKind
from bot.career.conversation import (
    MAX_EXPERIMENTS,
    MAX_NOTES,
    MAX_SKIP_REASON,
    MAX_WHAT,
    AgreedExperiment,
    Checked,
    ConversationEntry,
    ConversationForm,
    ExperimentForm,
    LogError,
    LogField,
    check_conversation,
    check_skip_reason,
)

TODAY = date(2026, 3, 10)
STARTED = date(2025, 6, 2)


def check(form: ConversationForm, *, started_on: date | None = STARTED, default_months: int = 3) -> Checked:
    return check_conversation(form, today=TODAY, started_on=started_on, default_months=default_months)


def entry(form: ConversationForm, *, started_on: date | None = STARTED, default_months: int = 3) -> ConversationEntry:
    checked = check(form, started_on=started_on, default_months=default_months)
    assert isinstance(checked, ConversationEntry), checked
    return checked


def errors(form: ConversationForm, *, default_months: int = 3) -> list[LogError]:
    checked = check(form, default_months=default_months)
    assert isinstance(checked, list), checked
    assert checked, "an invalid form has at least one error"
    return checked


def fields(found: list[LogError]) -> list[tuple[LogField, int | None]]:
    return [(error.field, error.row) for error in found]


def shadowing(ends_on: date = date(2026, 5, 1), what: str = "Shadow Dana's design reviews") -> ExperimentForm:
    return ExperimentForm(ExperimentKind.SHADOWING, what, ends_on)


def test_a_filled_form_gives_clean_values_ready_to_store() -> None:
    form = ConversationForm(
        held_on=date(2026, 3, 9),
        notes="  Wants to lead the platform team.\n\x00Talked about mentoring.  ",
        notes_shared=True,
        next_in_months=4,
        experiments=[
            shadowing(),
            ExperimentForm(),
            ExperimentForm(ExperimentKind.MENTORSHIP, "  Weekly hour with Sam  ", date(2026, 9, 1)),
        ],
    )
    assert entry(form) == ConversationEntry(
        held_on=date(2026, 3, 9),
        notes="Wants to lead the platform team.\nTalked about mentoring.",
        notes_shared=True,
        next_in_months=4,
        experiments=[
            AgreedExperiment(ExperimentKind.SHADOWING, "Shadow Dana's design reviews", date(2026, 5, 1)),
            AgreedExperiment(ExperimentKind.MENTORSHIP, "Weekly hour with Sam", date(2026, 9, 1)),
        ],
    )


def test_only_the_day_held_is_required_and_the_next_one_defaults_to_the_line_cadence() -> None:
    logged = entry(ConversationForm(held_on=TODAY, experiments=[ExperimentForm()] * MAX_EXPERIMENTS), default_months=5)
    assert logged == ConversationEntry(held_on=TODAY, notes="", notes_shared=False, next_in_months=5, experiments=[])


@pytest.mark.parametrize("held_on", [TODAY, STARTED, date(2025, 12, 31)])
def test_any_day_from_the_line_start_to_today_is_accepted(held_on: date) -> None:
    assert entry(ConversationForm(held_on=held_on)).held_on == held_on


def test_a_line_of_unknown_start_accepts_any_past_day() -> None:
    assert entry(ConversationForm(held_on=date(2020, 1, 1)), started_on=None).held_on == date(2020, 1, 1)


@pytest.mark.parametrize(
    ("held_on", "says"),
    [
        (None, "Pick the day you held the conversation."),
        (date(2026, 3, 11), "11 Mar 2026 is still to come: pick the day you held it, 10 Mar 2026 at the latest."),
        (date(2025, 6, 1), "You became their manager here on 2 Jun 2025: pick a day from then on."),
    ],
)
def test_a_missing_future_or_too_early_day_held_says_which_days_work(held_on: date | None, says: str) -> None:
    assert errors(ConversationForm(held_on=held_on)) == [LogError(LogField.HELD_ON, None, says)]


def test_notes_up_to_the_limit_are_kept_and_longer_ones_say_the_limit() -> None:
    at_limit = "n" * MAX_NOTES
    assert entry(ConversationForm(held_on=TODAY, notes=f"  {at_limit}\n")).notes == at_limit
    assert errors(ConversationForm(held_on=TODAY, notes="n" * (MAX_NOTES + 1))) == [
        LogError(LogField.NOTES, None, f"Keep the notes to {MAX_NOTES} characters (they have {MAX_NOTES + 1}).")
    ]


@pytest.mark.parametrize("months", [3, 4, 5, 6])
def test_the_next_conversation_in_3_to_6_months_is_accepted(months: int) -> None:
    assert entry(ConversationForm(held_on=TODAY, next_in_months=months)).next_in_months == months


@pytest.mark.parametrize(("chosen", "default"), [(0, 3), (2, 3), (7, 3), (99, 3), (None, 12)])
def test_a_next_conversation_outside_3_to_6_months_is_refused(chosen: int | None, default: int) -> None:
    assert errors(ConversationForm(held_on=TODAY, next_in_months=chosen), default_months=default) == [
        LogError(LogField.NEXT_IN, None, "Choose 3 to 6 months: how long until you talk again.")
    ]


def test_a_started_experiment_row_needs_a_kind_a_description_and_an_end() -> None:
    form = ConversationForm(
        held_on=date(2026, 3, 1),
        experiments=[
            ExperimentForm(what="Join the architecture guild"),
            ExperimentForm(kind=ExperimentKind.STRETCH),
            ExperimentForm(ends_on=date(2026, 6, 1), what="   \x00 "),
        ],
    )
    found = errors(form)
    assert fields(found) == [
        (LogField.EXPERIMENT_KIND, 0),
        (LogField.EXPERIMENT_ENDS, 0),
        (LogField.EXPERIMENT_WHAT, 1),
        (LogField.EXPERIMENT_ENDS, 1),
        (LogField.EXPERIMENT_KIND, 2),
        (LogField.EXPERIMENT_WHAT, 2),
    ]
    messages = {(e.field, e.row): e.message for e in found}
    assert messages[LogField.EXPERIMENT_KIND, 0] == "Choose a kind of experiment, or clear this row."
    assert messages[LogField.EXPERIMENT_WHAT, 1] == "Say what the experiment is, e.g. “shadow Dana's design reviews”."
    assert messages[LogField.EXPERIMENT_ENDS, 0] == "Pick the day the experiment ends, to review it then."


def test_an_experiment_description_longer_than_the_limit_says_the_limit() -> None:
    too_long = shadowing(what="w" * (MAX_WHAT + 1))
    assert errors(ConversationForm(held_on=TODAY, experiments=[ExperimentForm(), too_long])) == [
        LogError(LogField.EXPERIMENT_WHAT, 1, f"Keep this to {MAX_WHAT} characters (it has {MAX_WHAT + 1}).")
    ]
    assert entry(ConversationForm(held_on=TODAY, experiments=[shadowing(what="w" * MAX_WHAT)])).experiments


@pytest.mark.parametrize(
    ("ends_on", "says"),
    [
        (date(2026, 3, 1), "Pick an end after 1 Mar 2026, the day you talked."),
        (date(2026, 2, 27), "Pick an end after 1 Mar 2026, the day you talked."),
        (date(2027, 3, 2), "Keep experiments short: pick an end by 1 Mar 2027, then review and agree the next."),
    ],
)
def test_an_experiment_ends_after_the_day_held_and_within_a_year(ends_on: date, says: str) -> None:
    form = ConversationForm(held_on=date(2026, 3, 1), experiments=[shadowing(ends_on)])
    assert errors(form) == [LogError(LogField.EXPERIMENT_ENDS, 0, says)]


@pytest.mark.parametrize("ends_on", [date(2026, 3, 2), date(2027, 3, 1)])
def test_an_experiment_may_end_from_the_next_day_to_a_year_later(ends_on: date) -> None:
    form = ConversationForm(held_on=date(2026, 3, 1), experiments=[shadowing(ends_on)])
    assert entry(form).experiments[0].ends_on == ends_on


def test_while_the_day_held_is_wrong_experiment_ends_are_checked_against_today() -> None:
    form = ConversationForm(held_on=None, experiments=[shadowing(TODAY)])
    assert errors(form) == [
        LogError(LogField.HELD_ON, None, "Pick the day you held the conversation."),
        LogError(LogField.EXPERIMENT_ENDS, 0, "Pick an end after 10 Mar 2026, today."),
    ]


def test_every_error_is_reported_at_once() -> None:
    form = ConversationForm(
        held_on=date(2030, 1, 1),
        notes="x" * (MAX_NOTES + 5),
        next_in_months=1,
        experiments=[ExperimentForm(what="y" * (MAX_WHAT + 1))],
    )
    assert fields(errors(form)) == [
        (LogField.HELD_ON, None),
        (LogField.NOTES, None),
        (LogField.NEXT_IN, None),
        (LogField.EXPERIMENT_KIND, 0),
        (LogField.EXPERIMENT_WHAT, 0),
        (LogField.EXPERIMENT_ENDS, 0),
    ]


def test_hostile_text_is_kept_as_typed_for_the_builders_to_escape() -> None:
    hostile = ("<!channel> *bold* & <@U123> " * 200)[:MAX_NOTES]
    logged = entry(ConversationForm(held_on=TODAY, notes=hostile, experiments=[shadowing(what=hostile[:MAX_WHAT])]))
    assert logged.notes == hostile.strip()
    assert logged.experiments[0].what == hostile[:MAX_WHAT].strip()


def test_a_skip_reason_is_trimmed_and_required() -> None:
    assert check_skip_reason("  On leave until March \x00\n") == "On leave until March"
    blank = LogError(
        LogField.SKIP_REASON, None, "Say in a few words why you are skipping, e.g. “on leave until March”."
    )
    assert check_skip_reason("") == blank
    assert check_skip_reason(" \n\x00\t") == blank


def test_a_skip_reason_longer_than_the_limit_says_the_limit() -> None:
    assert check_skip_reason("r" * MAX_SKIP_REASON) == "r" * MAX_SKIP_REASON
    assert check_skip_reason("r" * (MAX_SKIP_REASON + 1)) == LogError(
        LogField.SKIP_REASON, None, f"Keep the reason to {MAX_SKIP_REASON} characters (it has {MAX_SKIP_REASON + 1})."
    )
