"""The log and skip modals read back what they show; confirmations are escaped and keep private notes private."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from bot.career.cadence import EXPERIMENT_LABELS, ConversationKind, ExperimentKind, Outcome
from bot.career.conversation import (
    MAX_EXPERIMENTS,
    MAX_NOTES,
    MAX_SKIP_REASON,
    MAX_WHAT,
    AgreedExperiment,
    Conversation,
    ConversationForm,
    Experiment,
    ExperimentForm,
    LogError,
    LogField,
    check_conversation,
    check_skip_reason,
)
from bot.career.nudges import HONESTY_PROMPT
from bot.slack import ids
from bot.slack.blocks.conversations import (
    escaped_pieces,
    log_errors,
    log_view,
    logged_text,
    outcome_recorded_text,
    parse_log,
    parse_skip,
    report_logged_dm,
    skip_view,
    skipped_text,
    snoozed_text,
)
from tests.slackstate import assert_slack_accepts, state_from_initial

TODAY = date(2026, 3, 10)
REPORT = "U0REPORT"
MANAGER = "U0MANAGER"
# 3,000 characters of mrkdwn control characters: broadcasts, mentions, bold, entities.
HOSTILE = ("<!channel> *x* & <@U123> <http://evil|ok> " * 100)[:MAX_NOTES]
MENTION_OR_BROADCAST = re.compile(r"<[!@#]|<http")

EMPTY_ROWS = [ExperimentForm()] * MAX_EXPERIMENTS


def filled() -> ConversationForm:
    return ConversationForm(
        held_on=date(2026, 3, 2),
        notes="Wants to lead the platform team.\nTalked about mentoring.",
        notes_shared=True,
        next_in_months=5,
        experiments=[
            ExperimentForm(ExperimentKind.SHADOWING, "Shadow Dana's design reviews", date(2026, 5, 1)),
            ExperimentForm(),
            ExperimentForm(ExperimentKind.CROSS_FUNCTIONAL, "Pair with the data team", date(2026, 8, 31)),
        ],
    )


def hostile() -> ConversationForm:
    return ConversationForm(
        held_on=TODAY,
        notes=HOSTILE,
        notes_shared=True,
        next_in_months=3,
        experiments=[
            ExperimentForm(kind, HOSTILE[i : i + MAX_WHAT], date(2026, 4, 1)) for i, kind in enumerate(ExperimentKind)
        ][:MAX_EXPERIMENTS],
    )


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}


def mrkdwn_of(blocks: list[dict[str, Any]]) -> str:
    """The mrkdwn of the section and context blocks, where mentions and broadcasts would act."""
    texts: list[str] = []
    for block in blocks:
        if block["type"] == "section":
            texts.append(block["text"]["text"])
        elif block["type"] == "context":
            texts += [element["text"] for element in block["elements"]]
    return "\n".join(texts)


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# --- The log modal ------------------------------------------------------------------------------


@pytest.mark.parametrize("form", [filled(), hostile(), ConversationForm(held_on=TODAY, next_in_months=3)])
def test_the_log_view_reads_back_exactly_what_it_shows(form: ConversationForm) -> None:
    read = parse_log(state_from_initial(log_view(REPORT, TODAY, form, 3)))
    rows = form.experiments + EMPTY_ROWS[len(form.experiments) :]
    assert read == ConversationForm(form.held_on, form.notes, form.notes_shared, form.next_in_months, rows)


def test_a_fresh_log_view_is_held_today_with_the_line_cadence_and_no_experiments() -> None:
    read = parse_log(state_from_initial(log_view(REPORT, TODAY, ConversationForm(), 4)))
    assert read == ConversationForm(held_on=TODAY, next_in_months=4, experiments=EMPTY_ROWS)
    logged = check_conversation(read, today=TODAY, started_on=None, default_months=4)
    assert not isinstance(logged, list)
    assert (logged.held_on, logged.next_in_months, logged.experiments) == (TODAY, 4, [])


def test_what_is_typed_picked_and_ticked_is_what_is_read() -> None:
    view = log_view(REPORT, TODAY, ConversationForm(), 3)
    values = state_from_initial(
        view,
        {
            ids.BLOCK_HELD_ON: {"selected_date": "2026-03-04"},
            ids.BLOCK_NOTES: {"value": "Energy: teaching"},
            ids.BLOCK_NOTES_SHARED: {"selected_options": [{"value": "shared"}]},
            ids.BLOCK_NEXT_IN: {"selected_option": {"value": "6"}},
            ids.BLOCK_EXPERIMENT_KIND.format(1): {"selected_option": {"value": "mentorship"}},
            ids.BLOCK_EXPERIMENT_WHAT.format(1): {"value": "Weekly hour with Sam"},
            ids.BLOCK_EXPERIMENT_ENDS.format(1): {"selected_date": "2026-06-30"},
        },
    )
    assert parse_log(values) == ConversationForm(
        held_on=date(2026, 3, 4),
        notes="Energy: teaching",
        notes_shared=True,
        next_in_months=6,
        experiments=[
            ExperimentForm(),
            ExperimentForm(ExperimentKind.MENTORSHIP, "Weekly hour with Sam", date(2026, 6, 30)),
            ExperimentForm(),
        ],
    )


@pytest.mark.parametrize("form", [ConversationForm(), filled(), hostile()])
def test_the_log_view_is_one_slack_accepts_with_only_the_day_held_required(form: ConversationForm) -> None:
    view = log_view(REPORT, TODAY, form, 3)
    assert_slack_accepts(view)
    assert view["callback_id"] == ids.VIEW_LOG
    assert "private_metadata" not in view  # the listener stamps owner and line
    shown = inputs(view)
    rows = [
        block.format(i)
        for i in range(MAX_EXPERIMENTS)
        for block in (ids.BLOCK_EXPERIMENT_KIND, ids.BLOCK_EXPERIMENT_WHAT, ids.BLOCK_EXPERIMENT_ENDS)
    ]
    assert list(shown) == [ids.BLOCK_HELD_ON, ids.BLOCK_NOTES, ids.BLOCK_NOTES_SHARED, ids.BLOCK_NEXT_IN, *rows]
    assert [k for k, b in shown.items() if not b["optional"]] == [ids.BLOCK_HELD_ON]
    assert all(b["element"]["action_id"] == ids.ELEMENT for b in shown.values())
    assert shown[ids.BLOCK_HELD_ON]["element"]["type"] == "datepicker"
    assert shown[ids.BLOCK_NOTES]["element"]["multiline"] is True
    assert shown[ids.BLOCK_NOTES]["element"]["max_length"] == MAX_NOTES
    assert shown[ids.BLOCK_EXPERIMENT_WHAT.format(2)]["element"]["max_length"] == MAX_WHAT
    months = shown[ids.BLOCK_NEXT_IN]["element"]["options"]
    assert [(o["text"]["text"], o["value"]) for o in months] == [(f"{n} months", str(n)) for n in (3, 4, 5, 6)]
    kinds = shown[ids.BLOCK_EXPERIMENT_KIND.format(0)]["element"]["options"]
    assert [o["text"]["text"] for o in kinds] == list(EXPERIMENT_LABELS.values())


def test_the_share_box_names_the_report_and_starts_unticked() -> None:
    share = inputs(log_view(REPORT, TODAY, ConversationForm(), 3))[ids.BLOCK_NOTES_SHARED]["element"]
    assert share["options"] == [
        {"text": {"type": "mrkdwn", "text": f"Share these notes with <@{REPORT}>"}, "value": "shared"}
    ]
    assert "initial_options" not in share


def test_prefilled_options_are_exactly_options_of_their_element() -> None:
    for block in inputs(log_view(REPORT, TODAY, filled(), 3)).values():
        element = block["element"]
        if "initial_option" in element:
            assert element["initial_option"] in element["options"]
        for option in element.get("initial_options", []):
            assert option in element["options"]


def test_a_cadence_outside_3_to_6_months_is_not_preselected() -> None:
    element = inputs(log_view(REPORT, TODAY, ConversationForm(), 12))[ids.BLOCK_NEXT_IN]["element"]
    assert "initial_option" not in element


def test_the_log_view_mentions_the_report_by_id_only() -> None:
    view = log_view("U1<!channel>", TODAY, ConversationForm(), 3)
    assert "<!channel>" not in str(view)
    assert "<@U1&lt;!channel&gt;>" in mrkdwn_of(view["blocks"])


@pytest.mark.parametrize(
    "values",
    [
        {},
        {ids.BLOCK_HELD_ON: None, ids.BLOCK_NOTES: "junk", ids.BLOCK_NEXT_IN: [], ids.BLOCK_NOTES_SHARED: 3},
        {
            ids.BLOCK_HELD_ON: {ids.ELEMENT: {"selected_date": None}},
            ids.BLOCK_NOTES: {ids.ELEMENT: {"value": None}},
            ids.BLOCK_NOTES_SHARED: {ids.ELEMENT: {"selected_options": None}},
            ids.BLOCK_NEXT_IN: {ids.ELEMENT: {"selected_option": None}},
            ids.BLOCK_EXPERIMENT_KIND.format(0): {ids.ELEMENT: {"selected_option": None}},
            ids.BLOCK_EXPERIMENT_WHAT.format(0): {ids.ELEMENT: {"value": None}},
            ids.BLOCK_EXPERIMENT_ENDS.format(0): {ids.ELEMENT: {"selected_date": None}},
        },
        {
            ids.BLOCK_HELD_ON: {ids.ELEMENT: {"selected_date": "yesterday"}},
            ids.BLOCK_NOTES: {ids.ELEMENT: {"value": 12345}},
            ids.BLOCK_NOTES_SHARED: {ids.ELEMENT: {"selected_options": ["shared", None, {"value": 1}]}},
            ids.BLOCK_NEXT_IN: {ids.ELEMENT: {"selected_option": {"value": "soon"}}},
            ids.BLOCK_EXPERIMENT_KIND.format(0): {ids.ELEMENT: {"selected_option": {"value": "ceo"}}},
            ids.BLOCK_EXPERIMENT_ENDS.format(0): {ids.ELEMENT: {"selected_date": "2026-02-30"}},
        },
        {ids.BLOCK_HELD_ON: {ids.ELEMENT: None}, ids.BLOCK_EXPERIMENT_WHAT.format(1): {ids.ELEMENT: "x"}},
    ],
)
def test_absent_null_and_junk_state_reads_as_left_empty_and_is_refused_with_a_message(values: dict[str, Any]) -> None:
    read = parse_log(values)
    assert read == ConversationForm(experiments=EMPTY_ROWS)
    checked = check_conversation(read, today=TODAY, started_on=None, default_months=3)
    assert log_errors(checked if isinstance(checked, list) else []) == {
        ids.BLOCK_HELD_ON: "Pick the day you held the conversation."
    }


@pytest.mark.parametrize(
    ("value", "months"), [("3", 3), ("6", 6), ("10", 10), ("999999999", None), ("٣", None), ("-3", None)]
)
def test_forged_month_choices_read_as_out_of_range_or_missing(value: str, months: int | None) -> None:
    read = parse_log({ids.BLOCK_NEXT_IN: {ids.ELEMENT: {"selected_option": {"value": value}}}})
    assert read.next_in_months == months


def test_a_nul_typed_into_notes_is_dropped_and_another_action_id_is_tolerated() -> None:
    read = parse_log({ids.BLOCK_NOTES: {"other_action": {"value": "a\x00b"}}})
    assert read.notes == "ab"


def test_errors_land_on_the_block_of_their_field_and_row() -> None:
    values = state_from_initial(
        log_view(REPORT, TODAY, ConversationForm(), 3),
        {
            ids.BLOCK_HELD_ON: {"selected_date": "2026-03-11"},
            ids.BLOCK_NOTES: {"value": "n" * (MAX_NOTES + 1)},
            ids.BLOCK_EXPERIMENT_WHAT.format(2): {"value": "Lead the retro"},
        },
    )
    checked = check_conversation(parse_log(values), today=TODAY, started_on=None, default_months=3)
    assert isinstance(checked, list)
    errors = log_errors(checked)
    assert errors == {
        ids.BLOCK_HELD_ON: "11 Mar 2026 is still to come: pick the day you held it, 10 Mar 2026 at the latest.",
        ids.BLOCK_NOTES: f"Keep the notes to {MAX_NOTES} characters (they have {MAX_NOTES + 1}).",
        "experiment_kind_2": "Choose a kind of experiment, or clear this row.",
        "experiment_ends_2": "Pick the day the experiment ends, to review it then.",
    }
    assert set(errors) <= set(inputs(log_view(REPORT, TODAY, ConversationForm(), 3)))


def test_the_first_error_of_a_block_wins_and_a_row_out_of_range_lands_on_the_first_row() -> None:
    errors = [
        LogError(LogField.EXPERIMENT_WHAT, 7, "first"),
        LogError(LogField.EXPERIMENT_WHAT, None, "second"),
        LogError(LogField.NEXT_IN, None, "choose"),
        LogError(LogField.SKIP_REASON, None, "why"),
    ]
    assert log_errors(errors) == {
        "experiment_what_0": "first",
        ids.BLOCK_NEXT_IN: "choose",
        ids.BLOCK_SKIP_REASON: "why",
    }


# --- The skip modal -----------------------------------------------------------------------------


@pytest.mark.parametrize("due_on", [date(2026, 3, 31), None])
def test_the_skip_view_asks_for_one_required_reason(due_on: date | None) -> None:
    view = skip_view(REPORT, due_on)
    assert_slack_accepts(view)
    assert view["callback_id"] == ids.VIEW_SKIP
    assert "private_metadata" not in view
    (reason,) = inputs(view).values()
    assert reason["block_id"] == ids.BLOCK_SKIP_REASON
    assert reason["optional"] is False
    assert reason["element"]["max_length"] == MAX_SKIP_REASON
    assert f"<@{REPORT}>" in mrkdwn_of(view["blocks"])
    assert ("due 31 Mar 2026" in mrkdwn_of(view["blocks"])) is (due_on is not None)


def test_the_skip_reason_reads_back_as_typed_and_missing_reads_as_empty() -> None:
    view = skip_view(REPORT, None)
    assert parse_skip(state_from_initial(view, {ids.BLOCK_SKIP_REASON: {"value": " On leave\x00 "}})) == " On leave "
    assert parse_skip(state_from_initial(view)) == ""
    assert parse_skip({}) == ""
    assert parse_skip({ids.BLOCK_SKIP_REASON: {ids.ELEMENT: {"value": None}}}) == ""
    error = check_skip_reason(parse_skip({}))
    assert isinstance(error, LogError)
    assert list(log_errors([error])) == [ids.BLOCK_SKIP_REASON]


# --- What each side is told ---------------------------------------------------------------------


def agreed(what: str = "Shadow Dana's design reviews") -> list[AgreedExperiment]:
    return [
        AgreedExperiment(ExperimentKind.SHADOWING, what, date(2026, 5, 1)),
        AgreedExperiment(ExperimentKind.STRETCH, "Run the Q2 planning", date(2026, 6, 30)),
    ]


def conversation(
    *, notes: str = "Wants to lead.", shared: bool, what: str = "Shadow Dana's design reviews"
) -> Conversation:
    experiments = [Experiment(n, e.kind, e.what, e.ends_on) for n, e in enumerate(agreed(what), start=1)]
    return Conversation(
        id=1,
        line_id=2,
        kind=ConversationKind.HELD,
        held_on=date(2026, 3, 2),
        notes=notes,
        notes_shared=shared,
        skip_reason="",
        next_in_months=3,
        experiments=experiments,
    )


def test_the_manager_is_told_the_day_held_the_next_due_date_and_the_experiments() -> None:
    text = logged_text(REPORT, date(2026, 3, 2), date(2026, 6, 2), agreed())
    assert text == (
        f"Logged your career conversation with <@{REPORT}> of 2 Mar 2026. The next one is due 2 Jun 2026.\n"
        "Experiments agreed:\n"
        "• Shadowing: Shadow Dana's design reviews (until 1 May 2026)\n"
        "• Stretch assignment: Run the Q2 planning (until 30 Jun 2026)"
    )
    assert "Experiments" not in logged_text(REPORT, date(2026, 3, 2), date(2026, 6, 2), [])


def test_the_report_sees_shared_notes_and_experiments() -> None:
    text, blocks = report_logged_dm(MANAGER, conversation(shared=True))
    assert text == f"<@{MANAGER}> logged your career conversation of 2 Mar 2026."
    shown = mrkdwn_of(blocks)
    assert "Wants to lead." in shown
    assert "• Shadowing: Shadow Dana's design reviews (until 1 May 2026)" in shown
    assert "Next conversation due around 2 Jun 2026" in shown


def test_the_report_never_sees_notes_the_manager_kept_private() -> None:
    text, blocks = report_logged_dm(MANAGER, conversation(notes="Might not promote yet", shared=False))
    assert "Might not promote" not in text + str(blocks)
    assert "Shadowing" in mrkdwn_of(blocks)


def test_hostile_notes_and_experiments_reach_the_report_escaped_whole_and_within_limits() -> None:
    _, blocks = report_logged_dm(MANAGER, conversation(notes=HOSTILE, shared=True, what=HOSTILE[:MAX_WHAT]))
    shown = mrkdwn_of(blocks)
    assert not MENTION_OR_BROADCAST.search(shown.replace(f"<@{MANAGER}>", ""))
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")
    assert len(blocks) <= 50
    # The notes are shown whole, across sections, not cut.
    notes = "".join(b["text"]["text"] for b in blocks[2:-1]).removeprefix("*Their notes, shared with you*\n")
    assert unescape(notes) == HOSTILE.strip()


def test_every_confirmation_escapes_what_was_typed() -> None:
    texts = [
        logged_text(REPORT, TODAY, date(2026, 6, 10), agreed(HOSTILE[:MAX_WHAT])),
        outcome_recorded_text(Outcome.KEEP_GOING, what=HOSTILE[:MAX_WHAT]),
    ]
    for text in texts:
        assert not MENTION_OR_BROADCAST.search(text.replace(f"<@{REPORT}>", ""))
        assert "&lt;!channel&gt;" in text


def test_skip_snooze_and_outcome_confirmations_say_what_happens_next() -> None:
    assert skipped_text(REPORT, date(2026, 6, 10)) == (
        f"Skipped this cycle with <@{REPORT}>: no more reminders for it. "
        "The next career conversation is due 10 Jun 2026."
    )
    assert snoozed_text(REPORT, date(2026, 3, 17)) == (
        f"Snoozed for a week: I'll remind you about your career conversation with <@{REPORT}> again on 17 Mar 2026."
    )
    assert outcome_recorded_text(Outcome.CHANGED_GOAL) == "Thanks: recorded “It changed the goal”."
    assert outcome_recorded_text(Outcome.STOP, what="Shadowing") == "Thanks: recorded “Stop” for “Shadowing”."


@pytest.mark.parametrize("text", ["", "plain", "&" * 3000, "<>&" * 1000, "a<b" * 1500])
def test_escaped_pieces_fit_and_never_split_an_entity(text: str) -> None:
    pieces = escaped_pieces(text, 2900)
    assert all(len(piece) <= 2900 for piece in pieces)
    # Each piece unescapes on its own: no entity is cut in two.
    assert "".join(unescape(piece) for piece in pieces) == text


# --- The article's honesty prompt, for the manager logging a talk -------------------------------------------


def test_the_log_form_reminds_the_manager_to_be_honest_about_fit_beside_the_notes() -> None:
    for form in (ConversationForm(), filled(), hostile()):
        view = log_view(REPORT, TODAY, form, 3)
        blocks = view["blocks"]
        prompts = [b for b in blocks if b["type"] == "context" and HONESTY_PROMPT in mrkdwn_of([b])]
        assert len(prompts) == 1  # one quiet line, not an input: the form reads back as before
        at = blocks.index(prompts[0])
        assert blocks[at + 1]["block_id"] == ids.BLOCK_NOTES  # right above the notes
        assert "block_id" not in prompts[0] and "strengths" not in str(inputs(view))
        assert_slack_accepts(view)


def test_the_report_is_never_shown_the_managers_honesty_prompt() -> None:
    for shared in (True, False):
        text, blocks = report_logged_dm(MANAGER, conversation(shared=shared))
        assert "strengths" not in text + str(blocks)
