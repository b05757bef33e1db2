"""The checks on each of the three questions: what a person sees when an answer will not do."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum

import pytest

from bot.career.plan import (
    CLOSED_NOTE_MAX,
    GAP_MAX,
    GOAL_TEXT_MAX,
    MAX_GAPS,
    STEP_TITLE_MAX,
    ClosedGap,
    Field,
    FormInvalid,
    GapsUnchanged,
    Goal,
    GoalKind,
    Plan,
    PlanForm,
    Step,
    StepForm,
    check_gaps,
    check_goal,
    check_plan,
    check_steps,
    close_focus,
    focus_age,
    reopen,
    revision,
)

TODAY = date(2026, 11, 21)


def steps(*rows: StepForm) -> PlanForm:
    form = PlanForm()
    form.steps[: len(rows)] = list(rows)
    return form


def errors_of(check: object, form: PlanForm) -> list[tuple[StrEnum, int | None, str]]:
    with pytest.raises(FormInvalid) as caught:
        check(form, TODAY)  # type: ignore[operator]
    return [(e.field, e.index, e.message) for e in caught.value.errors]


def test_the_two_default_goals_need_no_words() -> None:
    for kind in (GoalKind.REACH_SENIOR, GoalKind.KEEP_IMPROVING):
        goal = check_goal(PlanForm(goal_kind=kind.value), TODAY)
        assert goal.kind is kind
        assert goal.title  # named after the default


@pytest.mark.parametrize(("is_senior", "kind"), [(False, GoalKind.REACH_SENIOR), (True, GoalKind.KEEP_IMPROVING)])
def test_with_no_goal_chosen_the_senior_answer_picks_the_default(is_senior: bool, kind: GoalKind) -> None:
    form = PlanForm(is_senior=is_senior)
    form.pick_default_goal()
    assert check_goal(form, TODAY).kind is kind
    # Still editable: a goal chosen afterwards is kept, and an own goal is never replaced.
    own = PlanForm(goal_kind="own", goal_text="Found a studio", is_senior=is_senior)
    own.pick_default_goal()
    assert check_goal(own, TODAY).kind is GoalKind.OWN


@pytest.mark.parametrize("kind", [GoalKind.OWN, GoalKind.REACH_SENIOR, GoalKind.KEEP_IMPROVING])
def test_a_saved_plan_reopens_with_the_senior_answer_its_goal_implies(kind: GoalKind) -> None:
    plan = Plan(goal=Goal(kind=kind, text="x" if kind is GoalKind.OWN else ""), steps=(), gaps=())
    expected = {GoalKind.OWN: None, GoalKind.REACH_SENIOR: False, GoalKind.KEEP_IMPROVING: True}[kind]
    assert PlanForm.from_plan(plan).is_senior is expected


def test_a_draft_from_before_the_senior_question_still_opens() -> None:
    data = json.loads(PlanForm(goal_kind="own").to_json())
    del data["is_senior"]
    assert PlanForm.from_json(json.dumps(data)).is_senior is None


@pytest.mark.parametrize(
    ("form", "field", "words"),
    [
        (PlanForm(), Field.GOAL_KIND, "Choose a goal"),
        (PlanForm(goal_kind="reach_senior", is_senior=True), Field.IS_SENIOR, "Keep improving"),
        (PlanForm(goal_kind="keep_improving", is_senior=False), Field.IS_SENIOR, "Reach the senior level"),
        (PlanForm(goal_kind="ceo"), Field.GOAL_KIND, "Choose a goal"),
        (PlanForm(goal_kind="own", goal_text="   "), Field.GOAL_TEXT, "Write your goal"),
        (PlanForm(goal_kind="own", goal_text="x" * (GOAL_TEXT_MAX + 1)), Field.GOAL_TEXT, "Keep this to 600"),
        (PlanForm(goal_kind="own", goal_text="x", goal_words="someday"), Field.GOAL_WORDS, "Q3 2027"),
        (PlanForm(goal_kind="own", goal_text="x", goal_words="2020"), Field.GOAL_WORDS, "has passed"),
        (PlanForm(goal_kind="own", goal_text="x", goal_picked="2027-13-45"), Field.GOAL_PICKED, "Pick the date"),
        (
            PlanForm(goal_kind="own", goal_text="x", goal_picked="2027-06-30", goal_words="Q1 2027"),
            Field.GOAL_WORDS,
            "keep one",
        ),
    ],
)
def test_goal_errors_point_at_the_field(form: PlanForm, field: Field, words: str) -> None:
    found = errors_of(check_goal, form)
    assert any(f is field and words in message for f, _, message in found), found


def test_goal_keeps_text_exactly_and_reads_the_target_words() -> None:
    text = "<!channel> lead & grow <@U1> <http://x|y>"
    goal = check_goal(PlanForm(goal_kind="own", goal_text=f"  {text} ", goal_words="June 2028"), TODAY)
    assert goal.text == text
    assert goal.target == date(2028, 6, 30)
    assert goal.target_text == "June 2028"


def test_picker_and_matching_words_agree() -> None:
    goal = check_goal(PlanForm(goal_kind="own", goal_text="x", goal_picked="2027-09-30", goal_words="Q3 2027"), TODAY)
    assert goal.target == date(2027, 9, 30)


def test_steps_read_from_picker_or_words_in_order() -> None:
    result = check_steps(
        steps(
            StepForm(title="Tech lead", picked="2026-03-31", done=True),
            StepForm(title="Senior", words="Q3 2027"),
            StepForm(),
            StepForm(title="Staff", words="in 2 years"),
        ),
        TODAY,
    )
    assert [(s.title, s.target, s.done) for s in result] == [
        ("Tech lead", date(2026, 3, 31), True),
        ("Senior", date(2027, 9, 30), False),
        ("Staff", date(2028, 11, 21), False),
    ]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ((), [(Field.STEP_TITLE, 0, "at least one step")]),
        ((StepForm(words="Q3 2027"),), [(Field.STEP_TITLE, 0, "Name this step")]),
        ((StepForm(title="Senior"),), [(Field.STEP_WORDS, 0, "Give this step a target")]),
        ((StepForm(title="Senior", words="when I'm ready"),), [(Field.STEP_WORDS, 0, "Q3 2027")]),
        ((StepForm(title="Senior", picked="2026-01-31"),), [(Field.STEP_PICKED, 0, "has passed")]),
        ((StepForm(title="Senior", words="2025"),), [(Field.STEP_WORDS, 0, "tick it as done")]),
        ((StepForm(title="x" * (STEP_TITLE_MAX + 1), words="2027"),), [(Field.STEP_TITLE, 0, "Keep this to 150")]),
        (
            (StepForm(title="Staff", words="2029"), StepForm(title="Senior", words="2027")),
            [(Field.STEP_WORDS, 1, "put the steps in order")],
        ),
    ],
)
def test_step_errors(rows: tuple[StepForm, ...], expected: list[tuple[Field, int, str]]) -> None:
    found = errors_of(check_steps, steps(*rows))
    assert [(f, i) for f, i, _ in found] == [(f, i) for f, i, _ in expected]
    for (_, _, message), (_, _, words) in zip(found, expected, strict=True):
        assert words in message


def test_a_past_step_is_fine_once_done() -> None:
    (step,) = check_steps(steps(StepForm(title="Senior", words="2025", done=True)), TODAY)
    assert step.done and step.target == date(2025, 12, 31)


def test_gaps_keep_their_order_and_skip_blank_rows() -> None:
    form = PlanForm(gaps=["  Design reviews ", "", "Mentoring", "", ""])
    assert check_gaps(form) == ("Design reviews", "Mentoring")


def test_gaps_need_one_and_each_within_limit() -> None:
    with pytest.raises(FormInvalid) as caught:
        check_gaps(PlanForm())
    assert caught.value.errors[0].field is Field.GAP
    with pytest.raises(FormInvalid) as caught:
        check_gaps(PlanForm(gaps=["ok", "y" * (GAP_MAX + 1), "", "", ""]))
    assert (caught.value.errors[0].index, caught.value.errors[0].field) == (1, Field.GAP)


def test_whole_plan_collects_errors_from_every_question() -> None:
    with pytest.raises(FormInvalid) as caught:
        check_plan(PlanForm(), TODAY)
    assert {e.field for e in caught.value.errors} == {Field.GOAL_KIND, Field.STEP_TITLE, Field.GAP}


def test_form_survives_json_round_trip_and_old_drafts_are_padded() -> None:
    form = PlanForm(goal_kind="own", goal_text="🚀 <&>", steps=[StepForm(title="a", words="2027")], step_rows=9)
    again = PlanForm.from_json(form.to_json())
    assert again.goal_text == "🚀 <&>"
    assert len(again.steps) == 5 and again.steps[0].title == "a"
    assert again.step_rows == 5


# --- One gap at a time: closing, reopening, and since when the focus is the focus ---------------------------

EARLIER = date(2026, 9, 1)


def gapped(*gaps: str, closed: tuple[ClosedGap, ...] = (), since: date | None = EARLIER) -> Plan:
    return Plan(
        goal=Goal(kind=GoalKind.REACH_SENIOR),
        steps=(Step("Senior", date(2027, 6, 30)),),
        gaps=gaps,
        closed_gaps=closed,
        focus_since=since,
    )


def test_closing_the_focus_moves_it_to_the_closed_gaps_and_the_next_is_the_focus_from_today() -> None:
    closed = close_focus(gapped("Design reviews", "Mentoring"), TODAY, "  Ran three reviews \x00")
    assert closed.gaps == ("Mentoring",)
    assert closed.focus_gap == "Mentoring" and closed.focus_since == TODAY
    assert closed.closed_gaps == (ClosedGap("Design reviews", TODAY, "Ran three reviews"),)


def test_the_latest_closed_gap_comes_first_and_closing_the_last_leaves_no_focus() -> None:
    once = close_focus(gapped("Design reviews", "Mentoring"), date(2026, 10, 1))
    twice = close_focus(once, TODAY)
    assert [gap.description for gap in twice.closed_gaps] == ["Mentoring", "Design reviews"]
    assert twice.gaps == () and twice.focus_gap is None and twice.focus_since is None


@pytest.mark.parametrize(
    ("plan", "note", "says"),
    [
        (gapped(), "", "no open gap"),
        (gapped("Design reviews"), "x" * (CLOSED_NOTE_MAX + 1), f"to {CLOSED_NOTE_MAX} characters"),
    ],
)
def test_closing_is_refused_with_a_reason(plan: Plan, note: str, says: str) -> None:
    with pytest.raises(GapsUnchanged, match=says):
        close_focus(plan, TODAY, note)


def test_reopening_puts_the_gap_back_on_top_as_the_focus_from_today() -> None:
    plan = gapped("Mentoring", closed=(ClosedGap("Talks", EARLIER), ClosedGap("Design reviews", EARLIER, "done")))
    reopened = reopen(plan, 1, TODAY)
    assert reopened.gaps == ("Design reviews", "Mentoring")
    assert reopened.closed_gaps == (ClosedGap("Talks", EARLIER),)
    assert reopened.focus_since == TODAY


@pytest.mark.parametrize(
    ("plan", "index", "says"),
    [
        (gapped("a", closed=(ClosedGap("b", EARLIER),)), 1, "no longer in your plan"),
        (gapped("a", closed=(ClosedGap("b", EARLIER),)), -1, "no longer in your plan"),
        (gapped("a"), 0, "no longer in your plan"),
        (gapped(*"abcde", closed=(ClosedGap("f", EARLIER),)), 0, f"already has {MAX_GAPS} open gaps"),
    ],
)
def test_reopening_is_refused_with_a_reason(plan: Plan, index: int, says: str) -> None:
    with pytest.raises(GapsUnchanged, match=says):
        reopen(plan, index, TODAY)


@pytest.mark.parametrize(
    ("previous", "edited_gaps", "since"),
    [
        (None, ("Design reviews",), TODAY),  # a first plan: the focus from today
        (gapped("Design reviews", "Mentoring"), ("Design reviews", "Talks"), EARLIER),  # same focus: kept
        (gapped("Design reviews", "Mentoring"), ("Mentoring", "Design reviews"), TODAY),  # reordered: new focus
        (gapped("Design reviews"), ("Design reviews, in public",), TODAY),  # its text changed
        (gapped(), ("Design reviews",), TODAY),  # everything was closed: a new focus
    ],
)
def test_a_new_version_keeps_the_focus_date_only_while_the_focus_gap_is_unchanged(
    previous: Plan | None, edited_gaps: tuple[str, ...], since: date
) -> None:
    assert revision(previous, gapped(*edited_gaps, since=None), TODAY).focus_since == since


def test_a_new_version_from_the_wizard_keeps_the_closed_gaps() -> None:
    closed = (ClosedGap("Talks", EARLIER, "gave two"),)
    edited = gapped("Mentoring", since=None)
    assert revision(gapped("Design reviews", closed=closed), edited, TODAY).closed_gaps == closed
    assert revision(None, edited, TODAY).closed_gaps == ()


@pytest.mark.parametrize(
    ("since", "age"),
    [
        (TODAY, "since today"),
        (date(2026, 11, 20), "for 1 day"),
        (date(2026, 11, 8), "for 13 days"),
        (date(2026, 11, 7), "for 2 weeks"),
        (date(2026, 10, 1), "for 7 weeks"),
        (date(2026, 9, 21), "for 2 months"),
        (date(2025, 11, 22), "for 11 months"),
        (date(2024, 11, 21), "for 2 years"),
        (date(2027, 1, 1), "since today"),  # a date ahead (another time zone, a clock moved): never negative
    ],
)
def test_the_focus_age_reads_as_people_say_it(since: date, age: str) -> None:
    assert focus_age(since, TODAY) == age
