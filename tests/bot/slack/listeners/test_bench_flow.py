"""The manager's bench, through real signed HTTP requests against the fake Slack: the published Home shows
exactly the reports who share, and every recorded call is searched for the words of those who don't; a report
who stops sharing, erases their answers or changes manager leaves the (republished) bench at once; tampered and
cross-workspace clicks are refused privately and change nothing."""

from __future__ import annotations

from datetime import date

import pytest

from bot.career.lines import Line
from bot.career.plan import Goal, GoalKind, Plan, Step
from bot.career.reflection import Direction
from bot.slack import ids
from tests import builders
from tests.fakeslack import TEAM_ID, Call
from tests.slackbot import BOSS, STRANGER, Bot, Modal, after, calls, dms_to, make_manager, next_dm
from tests.slackhttp import app_home_opened, block_action

ANA, BEN, CAI, NEW_BOSS = "U0ANA", "U0BEN", "U0CAI", "U0NEWBOSS"
OTHER_TEAM, OTHER_REPORT = "T0OTHER", "U0OTHERREPORT"
HOSTILE = ("<!channel> <@U0STRANGER> & <https://evil.example|click> " * 60)[:3000]
# What each person wrote, distinctive enough to search every call for.
ANA_STEP, ANA_GAP, ANA_ENERGY = "Ana's step: staff engineer", "Ana's gap: leading design reviews", "Ana's energy"
BEN_STEP, BEN_GAP = "Ben's step: engineering manager", "Ben's gap: hiring"
CAI_STEP, CAI_GAP, CAI_ENERGY = "Cai's step: principal", "Cai's gap: public speaking", "Cai's energy: leaving"
OTHER_STEP = "Other workspace's step"
NOT_SHARED = (CAI_STEP, CAI_GAP, CAI_ENERGY, "Cai's goal", "Cai's year")
NEVER_ON_ANY_BENCH = (ANA_ENERGY, CAI_ENERGY, "why words", "a year from now")  # reflections: only the direction


def plan_of(step: str, gap: str, goal: str = "A goal") -> Plan:
    """A plan whose next step is `step` (by 30 Sep 2027) and whose focus, `gap`, is three weeks old."""
    return Plan(
        Goal(GoalKind.OWN, goal, year_from_now="a year from now"),
        (Step("Tech lead", date(2026, 3, 31), done=True), Step(step, date(2027, 9, 30))),
        (gap, "Something else"),
        focus_since=date(2026, 10, 31),
    )


@pytest.fixture
def team(bot: Bot) -> dict[str, Line]:
    """Boss's three reports: Ana and Ben share, Cai does not (each has a plan and a reflection); and a report in
    another workspace who shares with a manager of the same Slack id."""
    with bot.db.session() as session:
        lines = {
            ANA: builders.active_line(session, ANA, BOSS, shared=True),
            BEN: builders.active_line(session, BEN, BOSS, shared=True),
            CAI: builders.active_line(session, CAI, BOSS),
        }
        builders.plan_version(session, ANA, plan_of(ANA_STEP, ANA_GAP))
        builders.reflection(session, ANA, builders.a_reflection(ANA_ENERGY, why_words="why words"))
        builders.plan_version(session, BEN, plan_of(BEN_STEP, BEN_GAP))
        ben_leans = builders.a_reflection(direction=Direction.GROW_IN_ROLE, why_words="why words")
        builders.reflection(session, BEN, ben_leans)
        builders.plan_version(session, CAI, plan_of(CAI_STEP, CAI_GAP, "Cai's goal"))
        builders.reflection(session, CAI, builders.a_reflection(CAI_ENERGY, year_from_now="Cai's year"))
        builders.active_line(session, OTHER_REPORT, BOSS, shared=True, team=OTHER_TEAM)
        builders.plan_version(session, OTHER_REPORT, plan_of(OTHER_STEP, HOSTILE), team=OTHER_TEAM)
    return lines


def open_home(bot: Bot, user: str = BOSS) -> str:
    before = calls(bot, "views.publish")
    assert bot.send.event(app_home_opened(user)).status == 200
    bot.slack.wait_for("views.publish", before + 1)
    return home_of(bot, user)


def home_of(bot: Bot, user: str = BOSS) -> str:
    """The Home last published for `user`, once the listeners still at work are done."""
    bot.settle()
    published = [c for c in bot.slack.calls_to("views.publish") if c.params.get("user_id") == user]
    assert published, f"no Home published for {user}"
    return str(published[-1].params["view"])


def homes_of(bot: Bot, user: str) -> int:
    return len([c for c in bot.slack.calls_to("views.publish") if c.params.get("user_id") == user])


def bench_part(home: str) -> str:
    return home[home.index("Your bench") :] if "Your bench" in home else ""


def reached(call: Call) -> str | None:
    """The person a call showed something to (None: nobody we can name, e.g. auth.test)."""
    params = call.params
    if call.method == "chat.postEphemeral":
        return str(params.get("user"))
    if call.method in ("chat.postMessage", "chat.update"):
        return str(params.get("channel")).removeprefix("D")
    if call.method == "views.publish":
        return str(params.get("user_id"))
    if call.method in ("views.open", "views.push", "views.update"):
        return str(params.get("view", {}).get("private_metadata", "someone unknown")).split("|")[0]
    return None


def assert_nothing_leaked(bot: Bot) -> None:
    """Search every recorded call: Cai's words reached nobody but Cai, the reflections' words nobody but their
    writer, the other workspace's nobody at all."""
    for call in bot.slack.calls:
        shown, who = str(call.params), reached(call)
        assert OTHER_STEP not in shown, call.method
        if who != CAI:
            for secret in NOT_SHARED:
                assert secret not in shown, (call.method, who, secret)
        if who not in (ANA, CAI):
            for secret in NEVER_ON_ANY_BENCH:
                assert secret not in shown, (call.method, who, secret)


def click_home(bot: Bot, action_id: str, value: str, user: str, *, team: str = TEAM_ID) -> None:
    payload = block_action(
        {"action_id": action_id, "value": value},
        container="home",
        view={"type": "home", "blocks": []},
        user_id=user,
        team_id=team,
    )
    assert bot.send.interactive(payload).status == 200


def refused(bot: Bot, action_id: str, value: str, user: str, *, team: str = TEAM_ID) -> str:
    """`user` clicks a Home button and is refused: the private note they get (a DM: Home has no channel)."""
    return str(after(bot, user, lambda: click_home(bot, action_id, value, user, team=team)).params["text"])


def test_the_managers_home_shows_exactly_the_reports_who_share(bot: Bot, team: dict[str, Line]) -> None:
    home = open_home(bot)
    bench = bench_part(home)
    assert "*2 of 3* share their plans with you · leaning next step: 1, grow in this role: 1." in bench
    assert (
        f"<@{ANA}> — leaning *next step* · next step: *{ANA_STEP}* by 30 Sep 2027 · focus: *{ANA_GAP}* (for 3 weeks)"
    ) in bench
    assert f"<@{BEN}> — leaning *grow in this role* · next step: *{BEN_STEP}* by 30 Sep 2027" in bench
    assert bench.index(ANA) < bench.index(BEN)  # the next step first: the succession view
    assert CAI not in bench  # counted, never named on the bench
    assert f"<@{CAI}>" in home  # the team list names Cai, with dates only
    assert_nothing_leaked(bot)


def test_a_report_who_stops_sharing_on_home_leaves_the_managers_bench_at_once(bot: Bot, team: dict[str, Line]) -> None:
    assert ANA_GAP in open_home(bot)
    seen = homes_of(bot, BOSS)
    click_home(bot, ids.ACTION_STOP_SHARING, str(team[ANA].id), ANA)
    home = home_of(bot)
    assert homes_of(bot, BOSS) == seen + 1  # republished without the manager opening Home
    assert ANA_GAP not in home and ANA_STEP not in home
    assert ANA not in bench_part(home) and "*1 of 3* shares their plan" in home
    # Sharing again puts her back, at once too.
    click_home(bot, ids.ACTION_SHARE, str(team[ANA].id), ANA)
    assert ANA_GAP in bench_part(home_of(bot)) and "*2 of 3*" in home_of(bot)
    assert_nothing_leaked(bot)


def test_a_report_who_erases_their_answers_leaves_nothing_on_the_bench(bot: Bot, team: dict[str, Line]) -> None:
    assert BEN_GAP in open_home(bot)
    before = calls(bot, "views.open")
    assert bot.send.slash_command("delete", user_id=BEN).status == 200
    confirm = bot.slack.wait_for("views.open", before + 1)[-1].params["view"]
    seen = homes_of(bot, BOSS)
    Modal(bot, confirm, "VDELETE1", BEN).submit()
    home = home_of(bot)
    assert homes_of(bot, BOSS) == seen + 1
    assert BEN_GAP not in home and BEN_STEP not in home and "*1 of 3*" in home


def test_a_sharing_reports_new_focus_reaches_the_bench_and_the_old_one_goes(bot: Bot, team: dict[str, Line]) -> None:
    open_home(bot)
    seen = homes_of(bot, BOSS)
    modal = bot.open_wizard(ANA)
    modal.submit()
    modal.submit()
    modal.submit({"gap_0": {"value": "Ana's new focus"}})
    home = home_of(bot)
    assert homes_of(bot, BOSS) == seen + 1
    assert "Ana's new focus" in bench_part(home) and ANA_GAP not in home


def test_a_former_manager_has_no_bench_once_the_report_confirms_a_new_one(bot: Bot, team: dict[str, Line]) -> None:
    assert ANA_GAP in open_home(bot)
    seen = homes_of(bot, BOSS)
    make_manager(bot, NEW_BOSS, ANA)
    home = home_of(bot)
    assert homes_of(bot, BOSS) == seen + 1  # the former manager's Home, republished at once
    assert ANA not in home and ANA_GAP not in home
    assert "*1 of 2*" in home
    new_home = home_of(bot, NEW_BOSS)
    assert "*0 of 1* share their plans" in new_home and ANA_GAP not in new_home  # sharing never carries over
    assert_nothing_leaked(bot)


def test_the_same_manager_id_in_another_workspace_sees_only_that_workspaces_bench(
    bot: Bot, team: dict[str, Line]
) -> None:
    home = open_home(bot)
    assert OTHER_REPORT not in home and "evil.example" not in home
    assert_nothing_leaked(bot)


@pytest.mark.parametrize(
    ("action_id", "user", "workspace"),
    [
        (ids.ACTION_STOP_SHARING, BOSS, TEAM_ID),  # the manager can't stop it for them
        (ids.ACTION_SHARE, STRANGER, TEAM_ID),  # nor can a stranger share Cai's
        (ids.ACTION_SHARE, BOSS, TEAM_ID),  # nor the manager share Cai's plan with themself
        (ids.ACTION_SHARE, CAI, OTHER_TEAM),  # Cai's id, from another workspace
    ],
)
def test_tampered_sharing_clicks_are_refused_privately_and_the_bench_is_unchanged(
    bot: Bot, team: dict[str, Line], action_id: str, user: str, workspace: str
) -> None:
    before = open_home(bot)
    target = team[ANA] if action_id == ids.ACTION_STOP_SHARING else team[CAI]
    note = refused(bot, action_id, str(target.id), user, team=workspace)
    assert "Nothing changed" in note or "nothing changed" in note
    bot.settle()
    assert home_of(bot) == before
    assert open_home(bot) == before  # and still so when rebuilt
    assert_nothing_leaked(bot)


def test_a_tampered_line_id_naming_no_line_or_junk_changes_nothing(bot: Bot, team: dict[str, Line]) -> None:
    before = open_home(bot)
    for value in ("999999", "-1", HOSTILE, ""):
        seen = len(dms_to(bot, CAI))
        click_home(bot, ids.ACTION_SHARE, value, CAI)
        next_dm(bot, CAI, seen)
    assert open_home(bot) == before
    assert_nothing_leaked(bot)


def test_a_manager_whose_reports_all_keep_their_plans_private_sees_only_the_count(bot: Bot) -> None:
    with bot.db.session() as session:
        builders.active_line(session, CAI, BOSS)
        builders.plan_version(session, CAI, plan_of(CAI_STEP, CAI_GAP, "Cai's goal"))
    home = open_home(bot)
    assert "*0 of 1* share their plans with you" in home
    assert CAI not in bench_part(home)
    assert_nothing_leaked(bot)


def test_hostile_words_of_a_sharing_report_are_escaped_on_the_bench(bot: Bot) -> None:
    with bot.db.session() as session:
        builders.active_line(session, ANA, BOSS, shared=True)
        builders.plan_version(session, ANA, plan_of(HOSTILE[:150], HOSTILE[:400]))
    bench = bench_part(open_home(bot))
    assert "<!channel>" not in bench and "<@U0STRANGER>" not in bench and "<https:" not in bench
    assert "&lt;!channel&gt;" in bench
