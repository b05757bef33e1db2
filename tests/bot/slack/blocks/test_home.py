"""App Home: the plan at a glance, escaped, within Slack's limits whatever the data."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from bot.career.cadence import ExperimentKind
from bot.career.conversation import Experiment
from bot.career.home import HomeData, TeamMember, WorkspaceCounts
from bot.career.lines import Line, LineStatus, RequestedBy
from bot.career.plan import CLOSED_NOTE_MAX, MAX_GAPS, MAX_STEPS, ClosedGap, Goal, GoalKind, Plan, SavedPlan, Step
from bot.career.reflection import Direction, Reflection, SavedReflection, Why
from bot.career.sharing import Reader
from bot.slack import ids
from bot.slack.blocks.home import home_view, team_blocks
from bot.slack.blocks.lines import report_plan_view
from tests import builders
from tests.slackstate import assert_slack_accepts

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


# --- One gap at a time ---------------------------------------------------------------------------


def gapped(gaps: tuple[str, ...], closed: tuple[ClosedGap, ...] = (), since: date | None = date(2026, 10, 31)) -> Plan:
    return Plan(Goal(GoalKind.REACH_SENIOR), (Step("Senior", date(2027, 6, 30)),), gaps, closed, since)


def accessories(view: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(action_id, value, the section's text) of each button beside a section."""
    return [
        (block["accessory"]["action_id"], block["accessory"]["value"], block["text"]["text"])
        for block in view["blocks"]
        if block["type"] == "section" and "accessory" in block and "value" in block["accessory"]
    ]


def test_the_focus_gap_says_how_long_it_has_been_the_focus_and_can_be_closed() -> None:
    shown = SavedPlan(gapped(("Design reviews", "Mentoring")), version=4, saved_at=SAVED_AT, id=77)
    view = home_view(HomeData(TODAY, shown))
    assert_slack_accepts(view)
    assert "*Focus gap:* Design reviews — the focus for 3 weeks" in text_of(view)
    assert accessories(view) == [(ids.ACTION_CLOSE_GAP, "77", "*Focus gap:* Design reviews — the focus for 3 weeks")]


def test_closed_gaps_are_listed_latest_first_with_their_date_note_and_a_reopen_button() -> None:
    closed = (
        ClosedGap("Talks", date(2026, 11, 14), "Gave two <!here> & more"),
        ClosedGap("Estimates", date(2026, 9, 2)),
    )
    shown = SavedPlan(gapped(("Mentoring",), closed), version=4, saved_at=SAVED_AT, id=77)
    view = home_view(HomeData(TODAY, shown))
    assert_slack_accepts(view)
    assert accessories(view)[1:] == [
        (ids.ACTION_REOPEN_GAP, "77:0", "✓ Talks — closed 14 Nov 2026: “Gave two &lt;!here&gt; &amp; more”"),
        (ids.ACTION_REOPEN_GAP, "77:1", "✓ Estimates — closed 2 Sep 2026"),
    ]
    assert "*Closed gaps*" in text_of(view)


def test_with_every_gap_closed_home_says_so_and_offers_no_close() -> None:
    shown = SavedPlan(gapped((), (ClosedGap("Talks", date(2026, 11, 14)),), None), version=4, saved_at=SAVED_AT, id=7)
    view = home_view(HomeData(TODAY, shown))
    assert "*No open gap:*" in text_of(view)
    assert [action for action, _, _ in accessories(view)] == [ids.ACTION_REOPEN_GAP]


def test_a_long_history_of_closed_gaps_shows_the_latest_few_and_counts_the_rest() -> None:
    closed = tuple(ClosedGap("<!channel>" * 200, date(2026, 1, 1), "&" * CLOSED_NOTE_MAX) for _ in range(40))
    plan = replace(gapped(tuple(">" * 400 for _ in range(MAX_GAPS)), closed), goal=Goal(GoalKind.OWN, "<" * 600))
    view = home_view(HomeData(TODAY, SavedPlan(plan, version=9, saved_at=SAVED_AT, id=3)))
    assert_slack_accepts(view)
    assert sum(1 for action, _, _ in accessories(view) if action == ids.ACTION_REOPEN_GAP) == 5
    assert "…and 35 closed before those." in text_of(view)
    assert "<!channel>" not in text_of(view)


def test_the_managers_view_of_the_plan_shows_the_focus_age_and_closed_gaps_without_buttons() -> None:
    closed = (ClosedGap("Talks", date(2026, 11, 14), "Gave two"),)
    shown = SavedPlan(gapped(("Mentoring",), closed), version=4, saved_at=SAVED_AT, id=77)
    view = report_plan_view("U0EMP", Reader.MANAGER, shown, None, TODAY)
    assert_slack_accepts(view)
    assert "*Focus gap:* Mentoring — the focus for 3 weeks" in text_of(view)
    assert "✓ Talks — closed 14 Nov 2026: “Gave two”" in text_of(view)
    assert ids.ACTION_CLOSE_GAP not in text_of(view) and ids.ACTION_REOPEN_GAP not in text_of(view)


# --- The manager's team -------------------------------------------------------------------------

HOSTILE_WHAT = ("<!channel> *x* & <@U123> " * 20)[:300]


def report_line(n: int, *, due: date | None, held: date | None = None, shared: bool = False) -> Line:
    return Line(
        id=100 + n,
        team_id="T1",
        report=f"U0R{n:03d}",
        manager="U0MGR",
        status=LineStatus.ACTIVE,
        requested_by=RequestedBy.MANAGER,
        started_on=date(2026, 1, 5),
        cadence_months=3,
        shared=shared,
        next_due_on=due,
        last_held_on=held,
    )


def running(n: int, what: str = "Shadow Dana's design reviews") -> list[Experiment]:
    kinds = list(ExperimentKind)
    return [Experiment(i, kinds[i % len(kinds)], what, date(2026, 12, 1 + i)) for i in range(n)]


def team_sections(view: dict[str, Any]) -> dict[str, str]:
    """Each report's section text, by report id."""
    found: dict[str, str] = {}
    for block in view["blocks"]:
        text = block.get("text", {}).get("text", "") if block["type"] == "section" else ""
        match = re.match(r"<@(U0R\d+)>", text)
        if match:
            found[match.group(1)] = text
    return found


def buttons(view: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    return [
        (element["action_id"], element["value"], element.get("style"))
        for block in view["blocks"]
        if block["type"] == "actions" and block["block_id"].startswith("team_")
        for element in block["elements"]
    ]


def test_an_employee_without_reports_sees_no_team() -> None:
    assert "Your team" not in text_of(home_view(HomeData(TODAY)))


def test_the_team_shows_each_report_due_or_overdue_last_held_and_experiments() -> None:
    team = [
        TeamMember(report_line(1, due=date(2026, 11, 2), held=date(2026, 8, 2)), running(1)),
        TeamMember(report_line(2, due=TODAY, shared=True)),
        TeamMember(report_line(3, due=date(2027, 1, 20), held=date(2026, 10, 20))),
    ]
    view = home_view(HomeData(TODAY, team=team, team_size=3))
    assert_slack_accepts(view)
    assert "Your team" in text_of(view)
    sections = team_sections(view)
    assert sections["U0R001"] == (
        "<@U0R001>\n⚠️ *overdue* since 2 Nov 2026 · last held 2 Aug 2026 · plan not shared\n"
        "*Experiments running*\n• Shadowing: Shadow Dana's design reviews (until 1 Dec 2026)"
    )
    assert sections["U0R002"] == (
        "<@U0R002>\nnext conversation due *today* · no conversation yet · plan shared with you"
    )
    assert sections["U0R003"] == (
        "<@U0R003>\nnext conversation due 20 Jan 2027 · last held 20 Oct 2026 · plan not shared"
    )
    assert buttons(view) == [
        (ids.ACTION_LOG, "101", "primary"),
        (ids.ACTION_VIEW_PLAN, "U0R001", None),
        (ids.ACTION_LOG, "102", "primary"),
        (ids.ACTION_VIEW_PLAN, "U0R002", None),
        (ids.ACTION_LOG, "103", None),
        (ids.ACTION_VIEW_PLAN, "U0R003", None),
    ]
    assert "more:" not in text_of(view)


def test_the_employee_part_stays_first_and_unchanged_for_a_manager() -> None:
    alone = home_view(HomeData(TODAY))
    with_team = home_view(HomeData(TODAY, team=[TeamMember(report_line(1, due=TODAY))], team_size=1))
    assert with_team["blocks"][: len(alone["blocks"])] == alone["blocks"]


def test_running_experiments_are_escaped_cut_and_counted() -> None:
    member = TeamMember(report_line(1, due=TODAY), running(5, HOSTILE_WHAT))
    view = home_view(HomeData(TODAY, team=[member], team_size=1))
    assert_slack_accepts(view)
    text = team_sections(view)["U0R001"]
    assert "<!channel>" not in text and "<@U123>" not in text
    assert "&lt;!channel&gt; *x* &amp; &lt;@U123&gt;" in text
    assert text.count("• ") == 3
    assert text.endswith("…and 2 more")


def test_the_whole_home_stays_within_100_blocks_however_large_the_team() -> None:
    hostile = "<!channel>&<@U1>"
    plan = Plan(
        Goal(GoalKind.OWN, (hostile * 100)[:600], year_from_now=("&" * 1000)),
        tuple(Step(("<" * 150), date(2027, 1, 1)) for _ in range(MAX_STEPS)),
        tuple(">" * 400 for _ in range(MAX_GAPS)),
    )
    reflection = SavedReflection(
        Reflection("&" * 1000, "<" * 1000, tuple(Why), ">" * 1000, Direction.NOT_SURE), SAVED_AT
    )
    manager = report_line(0, due=TODAY, shared=True)
    team = [
        TeamMember(report_line(n, due=date(2026, 10, 1), held=date(2026, 7, 1)), running(9, HOSTILE_WHAT))
        for n in range(1, 61)  # more than a page: the builder still cuts
    ]
    workspace = WorkspaceCounts(builders.a_report())  # an admin's: the Workspace section too
    view = home_view(HomeData(TODAY, saved(plan), reflection, manager, team=team, team_size=400, workspace=workspace))
    assert_slack_accepts(view)
    assert len(view["blocks"]) <= 100
    assert ids.ACTION_SEND_REPORT in text_of(view)
    shown = team_sections(view)
    assert 0 < len(shown) <= 15
    assert list(shown) == [f"U0R{n:03d}" for n in range(1, len(shown) + 1)]  # the use case's order is kept
    assert f"…and {400 - len(shown)} more: type `/careerplan team`." in text_of(view)
    assert "<!channel>" not in text_of(view) and "<@U123>" not in text_of(view)


def test_a_page_of_the_team_says_how_many_more_there_are() -> None:
    team = [TeamMember(report_line(n, due=date(2027, 1, n))) for n in range(1, 16)]
    view = home_view(HomeData(TODAY, team=team, team_size=42))
    assert_slack_accepts(view)
    assert len(team_sections(view)) == 15
    assert "…and 27 more: type `/careerplan team`." in text_of(view)


def test_the_team_never_takes_more_blocks_than_there_is_room_for() -> None:
    data = HomeData(TODAY, team=[TeamMember(report_line(n, due=TODAY)) for n in range(1, 16)], team_size=15)
    for room in range(40):
        blocks = team_blocks(data, room=room)
        assert len(blocks) <= room
        if blocks:
            shown = sum(1 for b in blocks if b["type"] == "actions")
            assert shown >= 1
            assert f"…and {15 - shown} more" in str(blocks) or shown == 15
