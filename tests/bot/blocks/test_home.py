"""App Home: the plan at a glance, escaped, within Slack's limits whatever the data."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot import ids
from bot.blocks.home import home_view
from bot.career.home import HomeData
from bot.career.plan import MAX_GAPS, MAX_STEPS, Goal, GoalKind, Plan, SavedPlan, Step
from tests.bot.blocks.slack_state import assert_slack_accepts

TODAY = date(2026, 11, 21)
SAVED_AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def saved(plan: Plan) -> SavedPlan:
    return SavedPlan(plan=plan, version=2, saved_at=SAVED_AT)


def text_of(view: dict[str, object]) -> str:
    return str(view["blocks"])


def test_empty_state_invites_to_write_a_plan() -> None:
    view = home_view(HomeData(TODAY))
    assert_slack_accepts(view)
    assert view["type"] == "home"
    assert ids.ACTION_EDIT_PLAN in text_of(view)
    assert "three questions" in text_of(view)


def test_plan_shows_goal_steps_focus_gap_and_when_revised() -> None:
    plan = Plan(
        Goal(GoalKind.OWN, "Lead a platform team", target=date(2029, 6, 30), is_own_want=True),
        (
            Step("Tech lead", date(2026, 3, 31), done=True),
            Step("Senior engineer", date(2026, 10, 31)),
            Step("Staff engineer", date(2028, 12, 31)),
        ),
        ("Design reviews", "Mentoring"),
    )
    view = home_view(HomeData(TODAY, saved(plan)))
    assert_slack_accepts(view)
    text = text_of(view)
    assert "Lead a platform team" in text
    assert "30 Jun 2029" in text
    assert "✅ ~Tech lead~ reached" in text
    assert "⚠️ *Senior engineer*: target 31 Oct 2026 has passed" in text
    assert "• *Staff engineer*: by 31 Dec 2028" in text
    assert "*Focus gap:* Design reviews" in text
    assert "2. Mentoring" in text
    assert "Version 2" in text and "20 Nov 2026" in text
    assert "Edit plan" in text


def test_default_goals_are_named_when_no_words_were_given() -> None:
    view = home_view(
        HomeData(TODAY, saved(Plan(Goal(GoalKind.KEEP_IMPROVING), (Step("Ownership", date(2027, 6, 30)),), ("x",))))
    )
    assert "Keep improving myself and the value I deliver" in text_of(view)


def test_largest_possible_plan_of_control_characters_fits_slack_limits_and_is_escaped() -> None:
    hostile = "<!channel>&<@U1>"
    plan = Plan(
        Goal(GoalKind.OWN, (hostile * 100)[:600], year_from_now=("&" * 1000)),
        tuple(Step(("<" * 150), date(2027, 1, 1)) for _ in range(MAX_STEPS)),
        tuple(">" * 400 for _ in range(MAX_GAPS)),
    )
    view = home_view(HomeData(TODAY, saved(plan)))
    assert_slack_accepts(view)
    assert "<!channel>" not in text_of(view)
    assert "<@U1>" not in text_of(view)
