"""Wizard builders and readers come in pairs: build a page, fill state.values, read it back."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import pytest

from bot.career.plan import (
    GOAL_TEXT_MAX,
    MAX_GAPS,
    MAX_STEPS,
    Field,
    FieldError,
    Goal,
    GoalKind,
    Plan,
    PlanForm,
    SavedPlan,
    Step,
    StepForm,
    WizardPage,
)
from bot.slack import ids
from bot.slack.blocks.plans import PAGES, build_page, error_messages, saved_view
from tests.slackstate import assert_slack_accepts, state_from_initial

HOSTILE = "<!channel> <@U0BOSS> <http://x|y> & 🚀"


def full_form() -> PlanForm:
    return PlanForm(
        goal_kind="own",
        goal_text="Lead a platform team " + HOSTILE,
        goal_picked=None,
        goal_words="Q2 2029",
        is_own_want=True,
        fits_values=False,
        year_from_now="Owning deploys",
        is_senior=False,
        steps=[
            StepForm(title="Tech lead", picked="2027-03-31", words="", done=True),
            StepForm(title="Senior engineer", picked=None, words="Q3 2027"),
            StepForm(title="Staff", picked="2028-12-31", words="2028", done=False),
            StepForm(),
            StepForm(),
        ],
        gaps=["Design reviews " + HOSTILE, "Mentoring", "", "", ""],
        step_rows=4,
        gap_rows=3,
    )


@pytest.mark.parametrize("page", ids.WIZARD_VIEWS)
def test_each_page_reads_back_exactly_what_it_shows(page: str) -> None:
    form = full_form()
    view = build_page(PAGES[page].page, form)
    read_back = copy.deepcopy(PlanForm())
    read_back.step_rows, read_back.gap_rows = form.step_rows, form.gap_rows
    # Start from a blank form: everything on the page must come from state.values.
    PAGES[page].read(state_from_initial(view), read_back)
    if page == ids.VIEW_GOAL:
        shown = (
            "goal_kind",
            "goal_text",
            "goal_picked",
            "goal_words",
            "is_own_want",
            "fits_values",
            "year_from_now",
            "is_senior",
        )
        assert {k: getattr(read_back, k) for k in shown} == {k: getattr(form, k) for k in shown}
    elif page == ids.VIEW_STEPS:
        assert read_back.steps[: form.step_rows] == form.steps[: form.step_rows]
    else:
        assert read_back.gaps[: form.gap_rows] == form.gaps[: form.gap_rows]


@pytest.mark.parametrize("page", ids.WIZARD_VIEWS)
def test_every_page_is_a_view_slack_accepts_even_when_full(page: str) -> None:
    form = full_form()
    form.goal_text = "&" * GOAL_TEXT_MAX
    form.step_rows, form.gap_rows = MAX_STEPS, MAX_GAPS
    form.steps = [StepForm(title="<" * 150, words="in 6 months") for _ in range(MAX_STEPS)]
    form.gaps = [">" * 400 for _ in range(MAX_GAPS)]
    view = build_page(PAGES[page].page, form)
    assert_slack_accepts(view)
    assert view["callback_id"] == page
    assert view["notify_on_close"] is True


def test_typed_changes_overwrite_the_form_and_absent_blocks_keep_it() -> None:
    form = full_form()
    view = build_page(WizardPage.GOAL, form)
    values = state_from_initial(view, {ids.BLOCK_GOAL_TEXT: {"value": "New words"}})
    del values[ids.BLOCK_YEAR_FROM_NOW]  # Slack may leave an untouched input out
    values[ids.BLOCK_GOAL_WORDS][ids.ELEMENT]["value"] = None  # a cleared input comes back null
    PAGES[ids.VIEW_GOAL].read(values, form)
    assert form.goal_text == "New words"
    assert form.year_from_now == "Owning deploys"
    assert form.goal_words == ""


@pytest.mark.parametrize(
    "values",
    [
        {},
        {ids.BLOCK_GOAL_KIND: "not a dict"},
        {ids.BLOCK_GOAL_KIND: {ids.ELEMENT: {"selected_option": {"value": "ceo_by_friday"}}}},
        {ids.BLOCK_GOAL_TEXT: {ids.ELEMENT: {"value": 12345}}},
        {ids.BLOCK_GOAL_CHECKS: {ids.ELEMENT: {"selected_options": "all"}}},
        {ids.BLOCK_GOAL_DATE: {ids.ELEMENT: {"selected_date": ["2027-01-01"]}}},
    ],
)
def test_hostile_state_values_never_crash_the_reader(values: dict[str, Any]) -> None:
    form = PlanForm()
    PAGES[ids.VIEW_GOAL].read(values, form)
    assert form.goal_kind in {None, *(k.value for k in GoalKind)}
    assert isinstance(form.goal_text, str)


def test_nul_characters_are_dropped_as_no_database_can_store_them() -> None:
    form = PlanForm()
    PAGES[ids.VIEW_GOAL].read({ids.BLOCK_GOAL_TEXT: {ids.ELEMENT: {"value": "a\x00b"}}}, form)
    assert form.goal_text == "ab"


def test_errors_are_keyed_by_the_block_of_the_field_and_row() -> None:
    errors = [
        FieldError(Field.STEP_WORDS, "unreadable", 2),
        FieldError(Field.STEP_WORDS, "second message for the same block", 2),
        FieldError(Field.GOAL_TEXT, "missing"),
    ]
    assert error_messages(errors) == {"step_words_2": "unreadable", ids.BLOCK_GOAL_TEXT: "missing"}


def test_user_text_is_escaped_wherever_it_is_shown_as_mrkdwn() -> None:
    form = full_form()
    steps = build_page(WizardPage.STEPS, form)
    gaps = build_page(WizardPage.GAPS, form)
    mrkdwn = [str(b) for v in (steps, gaps) for b in v["blocks"] if b["type"] in {"section", "context"}]
    joined = "".join(mrkdwn)
    assert "<!channel>" not in joined and "<@U0BOSS>" not in joined
    assert "&lt;!channel&gt;" in joined


def test_back_and_add_buttons_appear_where_they_make_sense() -> None:
    form = full_form()
    goal_actions = [b for b in build_page(WizardPage.GOAL, form)["blocks"] if b["type"] == "actions"]
    assert goal_actions == []
    steps = build_page(WizardPage.STEPS, form)
    action_ids = [e["action_id"] for b in steps["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert action_ids == [ids.ACTION_BACK, ids.ACTION_ADD_STEP]
    form.step_rows = MAX_STEPS
    steps = build_page(WizardPage.STEPS, form)
    action_ids = [e["action_id"] for b in steps["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert action_ids == [ids.ACTION_BACK]


def test_saved_view_names_the_version_and_focus_escaped() -> None:
    from datetime import UTC, date, datetime

    saved = SavedPlan(
        Plan(Goal(GoalKind.REACH_SENIOR), (Step("Senior", date(2027, 1, 1)),), (HOSTILE,)),
        version=3,
        saved_at=datetime(2026, 11, 21, tzinfo=UTC),
    )
    view = saved_view(saved, None, date(2026, 11, 21))
    assert_slack_accepts(view)
    text = view["blocks"][0]["text"]["text"]
    assert "version 3" in text
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text


@pytest.mark.parametrize("page", list(WizardPage))
def test_an_optional_field_does_not_say_optional_itself_as_slack_adds_it(page: WizardPage) -> None:
    labels = [
        (block["label"]["text"], block.get("optional", False))
        for block in build_page(page, PlanForm())["blocks"]
        if block["type"] == "input"
    ]
    assert labels and not [label for label, optional in labels if optional and "(optional)" in label.lower()]


def test_the_saved_view_and_home_say_what_the_targets_suggest_and_that_the_plan_may_stay() -> None:
    from datetime import UTC, date, datetime

    from bot.career.home import HomeData
    from bot.slack.blocks.home import home_view

    today = date(2026, 12, 2)
    steps = (Step("Senior", date(2027, 6, 1)), Step("Staff", date(2029, 1, 1)))
    late = Plan(Goal(GoalKind.OWN, "Lead <a> team", target=date(2028, 6, 1)), steps, ("A gap",))
    saved = SavedPlan(late, version=1, saved_at=datetime(2026, 12, 2, tzinfo=UTC))
    for view in (saved_view(saved, None, today), home_view(HomeData(today=today, saved=saved))):
        assert_slack_accepts(view)
        shown = str(view["blocks"])
        assert "A word on your targets" in shown and "keep it as it is" in shown
        assert "Step 2 (1 Jan 2029) comes after your goal (1 Jun 2028)" in shown
    sound = SavedPlan(replace(late, goal=replace(late.goal, target=date(2030, 1, 1))), 1, saved.saved_at)
    assert "A word on your targets" not in str(saved_view(sound, None, today)["blocks"])
    assert "A word on your targets" not in str(home_view(HomeData(today=today, saved=sound))["blocks"])
