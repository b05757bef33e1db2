"""The sweep against a fake Slack: nudges go out once each, in each recipient's working hours, whatever the
clock, the time zones, the daylight-saving changes, the crashes, the rate limits and the other sweepers do."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from bot.career.cadence import CLAIM_LEASE, Audience, ExperimentKind, NudgeKind, NudgeStatus, Outcome, prompts_for
from bot.career.lines import EndReason
from bot.career.plan import Goal, GoalKind, Plan, Step
from bot.jobs.sweep import Sweep, SweepReport
from bot.slack import ids
from storage import conversations as conversation_store
from storage import lines as line_store
from storage import nudges as store
from storage import people
from storage.conversations import NewExperiment, Schedule
from storage.db import as_utc
from storage.models import ReportingLine
from tests import builders
from tests.builders import TEAM
from tests.clock import utc
from tests.fakeslack import Call, FakeResponse, ratelimited, server_error
from tests.sweepworld import World, step

NINE, FIVE = time(9), time(17)


def actions(call: Call) -> list[str]:
    return [
        element["action_id"]
        for block in call.params.get("blocks") or []
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def is_manager_nudge(call: Call) -> bool:
    return ids.ACTION_LOG in actions(call)


def is_invite(call: Call) -> bool:
    return ids.ACTION_EDIT_PLAN in actions(call)


def local(moment: datetime, zone_name: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone_name))


def in_hours(moment: datetime, zone_name: str) -> bool:
    there = local(moment, zone_name)
    return there.weekday() < 5 and NINE <= there.time() < FIVE


# --- working hours, time zones, daylight saving --------------------------------------------------------------


def test_a_due_nudge_waits_for_the_recipients_working_hours_on_both_sides_of_utc(world: World) -> None:
    zones = {"U0KIWI": "Pacific/Auckland", "U0ANGELENO": "America/Los_Angeles", "U0R1": "Europe/Berlin"}
    # Both lines start on Monday 23 November (each manager's own day): the first-month nudge is due then.
    world.line("U0R1", "U0KIWI", date(2026, 11, 23), tz=zones)
    world.line("U0R2", "U0ANGELENO", date(2026, 11, 23), tz={"U0R2": "America/Los_Angeles", **zones})
    sent = step(world, utc(2026, 11, 21, 0, 0), utc(2026, 11, 25, 0, 0))
    first = {call.params["channel"]: moment for moment, call in sent}
    assert Counter(call.params["channel"] for _, call in sent) == {"U0KIWI": 1, "U0ANGELENO": 1, "U0R1": 1, "U0R2": 1}
    # Monday 09:00 in Auckland is Sunday 20:00 UTC; in Los Angeles it is Monday 17:00 UTC.
    assert first["U0KIWI"] == utc(2026, 11, 22, 20, 0)
    assert first["U0ANGELENO"] == utc(2026, 11, 23, 17, 0)
    assert first["U0R1"] == utc(2026, 11, 23, 8, 0)  # 09:00 in Berlin, once the nudge exists
    for moment, call in sent:
        assert in_hours(moment, zones.get(call.params["channel"], "America/Los_Angeles"))


@pytest.mark.parametrize(
    ("zone_name", "change_day"),
    [
        ("America/New_York", date(2026, 3, 8)),
        ("America/New_York", date(2026, 11, 1)),
        ("Europe/London", date(2026, 3, 29)),
        ("Europe/London", date(2026, 10, 25)),
    ],
)
def test_daylight_saving_changes_neither_shift_nor_double_a_nudge(
    world: World, zone_name: str, change_day: date
) -> None:
    # Lines whose first nudge falls on the Friday before, the Saturday, the Sunday of the change and the Monday.
    starts = [change_day + timedelta(days=offset) for offset in (-2, -1, 0, 1)]
    managers = [f"U0BOSS{n}" for n in range(len(starts))]
    for n, (manager, started) in enumerate(zip(managers, starts, strict=True)):
        world.line(f"U0REP{n}", manager, started, tz={manager: zone_name, f"U0REP{n}": zone_name})
    world.clock.now = datetime.combine(starts[0], time(0), tzinfo=UTC) - timedelta(days=1)
    sent = step(world, world.clock.now, datetime.combine(change_day + timedelta(days=3), time(0), tzinfo=UTC))
    per_person = Counter(call.params["channel"] for _, call in sent)
    assert per_person == dict.fromkeys(managers + [f"U0REP{n}" for n in range(4)], 1)
    for moment, _ in sent:
        assert in_hours(moment, zone_name), local(moment, zone_name)
    when = {call.params["channel"]: local(moment, zone_name) for moment, call in sent}
    # Friday's goes out at 09:00 that Friday; the weekend's and Monday's at 09:00 on Monday, on the new clock.
    assert (when["U0BOSS0"].weekday(), when["U0BOSS0"].time()) == (4, NINE)
    monday = change_day + timedelta(days=1)
    for manager in managers[1:]:
        assert (when[manager].date(), when[manager].time()) == (monday, NINE)


def test_a_time_zone_is_asked_of_slack_once_a_week(world: World) -> None:
    world.line("U0REPORT", "U0BOSS", date(2026, 11, 23), tz={"U0BOSS": "Europe/Paris", "U0REPORT": "Europe/Paris"})
    step(world, utc(2026, 11, 23, 6, 0), utc(2026, 11, 23, 12, 0), timedelta(hours=1))
    assert sorted(c.params["user"] for c in world.slack.calls_to("users.info")) == ["U0BOSS", "U0REPORT"]
    with world.db.session() as session:
        person = people.find_person_id(session, TEAM, "U0BOSS")
        assert person is not None
        assert people.get_tz(session, person) == people.CachedTz("Europe/Paris", utc(2026, 11, 23, 6, 0))
    # A month later the manager has moved: the stale cache is checked again when a nudge is next due for them.
    world.slack.users["U0BOSS"] = {"tz": "Asia/Tokyo"}
    due_soon = utc(2026, 12, 21, 6, 0)  # Monday 15:00 in Tokyo, 07:00 in Paris
    assert world.at(due_soon).sent == 1
    assert world.slack.messages[-1].params["channel"] == "U0BOSS"
    with world.db.session() as session:
        assert people.get_tz(session, person) == people.CachedTz("Asia/Tokyo", due_soon)


# --- downtime, crashes, concurrency ----------------------------------------------------------------------


def test_nudges_missed_while_the_bot_was_down_go_out_as_one_on_the_next_pass(world: World) -> None:
    world.line("U0REPORT", "U0BOSS", date(2026, 9, 1))  # first due 1 October; every stage since has passed
    report = world.at(utc(2026, 11, 24, 15, 0))  # Tuesday 10:00 in New York
    assert report == SweepReport(enqueued=1, sent=1)
    (call,) = world.slack.messages
    assert call.params["channel"] == "U0BOSS" and "overdue by 54 days" in call.params["text"]
    assert [(n.kind, n.status) for n in world.nudges()] == [(NudgeKind.OVERDUE_3.value, NudgeStatus.SENT.value)]
    assert step(world, utc(2026, 11, 24, 15, 15), utc(2026, 11, 27, 0, 0), timedelta(hours=1)) == []


def test_a_stage_not_yet_delivered_is_replaced_by_the_next_rather_than_both_sent(world: World) -> None:
    line = world.line("U0REPORT", "U0BOSS", date(2026, 9, 1))
    with world.db.session() as session:  # as if the first month had been handled
        session.get(ReportingLine, line).next_nudge_on = date(2026, 9, 28)  # type: ignore[union-attr]
    assert world.at(utc(2026, 10, 3, 15, 0)) == SweepReport(enqueued=2, waiting=2)  # Saturday: "due soon" waits
    # The bot is down until the first overdue reminder's week.
    report = world.at(utc(2026, 10, 12, 15, 0))
    assert (report.enqueued, report.sent) == (1, 1)
    assert "overdue by 11 days" in world.slack.messages[0].params["text"]
    assert [(n.kind, n.audience, n.status) for n in world.nudges()] == [
        (NudgeKind.DUE_SOON.value, "manager", NudgeStatus.CANCELLED.value),
        (NudgeKind.DUE_SOON.value, "report", NudgeStatus.CANCELLED.value),  # its "due 1 Oct" is past too
        (NudgeKind.OVERDUE_1.value, "manager", NudgeStatus.SENT.value),
    ]
    assert len(world.slack.messages) == 1


def test_sweepers_in_threads_send_each_nudge_exactly_once(world: World) -> None:
    if world.db.engine.dialect.name != "sqlite":
        pytest.skip("threads on SQLite; PostgreSQL runs separate processes (tests/e2e/test_sweep_cli.py)")
    for n in range(200):
        world.line(f"U0R{n:03d}", f"U0M{n:03d}", date(2026, 11, 23))
    world.clock.now = utc(2026, 11, 23, 15, 0)  # Monday 10:00 in New York (the fake's default zone)
    start = threading.Barrier(4)
    reports: list[SweepReport] = []

    def sweeper() -> None:
        # Each its own Sweep and WebClient; allowed to learn all 400 time zones in one pass.
        sweep = Sweep(world.db, world.client(), world.settings, world.clock, tz_lookups_per_pass=400)
        start.wait()
        reports.append(sweep.run_once())

    threads = [threading.Thread(target=sweeper) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(reports) == 4
    assert world.run() == SweepReport()  # nothing left for a later pass
    per_person = Counter(call.params["channel"] for call in world.slack.messages)
    assert len(per_person) == 400 and set(per_person.values()) == {1}
    assert sum(r.sent for r in reports) == 400 and sum(r.enqueued for r in reports) == 400
    assert {n.status for n in world.nudges()} == {NudgeStatus.SENT.value}


def test_a_sweeper_killed_between_claim_and_send_leaves_the_nudge_to_a_later_pass(world: World) -> None:
    world.line("U0REPORT", "U0BOSS", date(2026, 11, 23))
    assert world.at(utc(2026, 11, 23, 12, 0)).waiting == 2  # 07:00 in New York: enqueued, waiting
    (manager_nudge,) = [n for n in world.nudges() if n.audience == Audience.MANAGER.value]
    crash = utc(2026, 11, 23, 14, 0)
    with world.db.session() as session:
        assert store.claim(session, manager_nudge.id, crash) == 1  # ...and the sweeper dies here

    def to_boss() -> int:
        return len(world.slack.messages_to("U0BOSS"))

    world.at(crash + CLAIM_LEASE)
    assert to_boss() == 0  # the dead sweeper's lease still holds
    world.at(crash + CLAIM_LEASE + timedelta(minutes=1))
    assert to_boss() == 1
    world.at(crash + CLAIM_LEASE + timedelta(minutes=30))
    assert to_boss() == 1
    assert {n.status for n in world.nudges()} == {NudgeStatus.SENT.value}


# --- Slack failing -------------------------------------------------------------------------------------------


def test_rate_limits_server_errors_and_timeouts_end_with_every_nudge_delivered_once(world: World) -> None:
    for n in range(3):
        world.line(f"U0R{n}", f"U0M{n}", date(2026, 11, 23))
    world.slack.script(
        "chat.postMessage",
        *[ratelimited(2)] * 3,  # Slack says slow down, three times: each time, every sender waits 2 s
        *[server_error()] * 3,  # a try and the client's two retries
        FakeResponse(delay=3.0, body={"ok": True, "channel": "DX", "ts": "1.1"}),  # answered after the timeout
    )
    client = world.client(timeout=1)
    now = utc(2026, 11, 23, 15, 0)
    world.clock.now = now

    started = world.timer.time()
    first = world.sweep(client).run_once()
    # The rate-limited reminder is sent in the same pass once Slack's Retry-After is over; the others wait.
    assert first == SweepReport(enqueued=6, sent=4, retried=2, slowed=3)
    assert world.timer.time() - started >= 3 * 2.0
    pending = {n.last_error: n for n in world.nudges() if n.status == NudgeStatus.PENDING.value}
    assert set(pending) == {"internal_error", "timeout"}
    for failed in pending.values():
        assert as_utc(failed.not_before) == now + timedelta(minutes=5)  # the first retry's delay
    assert len(world.slack.messages) == 4

    assert world.at(now + timedelta(minutes=4)).sent == 0
    assert world.at(now + timedelta(minutes=5)).sent == 2
    per_person = Counter(call.params["channel"] for call in world.slack.messages)
    assert per_person == {**{f"U0M{n}": 1 for n in range(3)}, **{f"U0R{n}": 1 for n in range(3)}}
    assert {(n.status, n.last_error) for n in world.nudges()} == {(NudgeStatus.SENT.value, None)}
    assert world.at(now + timedelta(hours=1)) == SweepReport()


def test_a_timeout_leaves_the_nudge_pending_with_its_error_and_a_later_time(world: World) -> None:
    world.line("U0REPORT", "U0BOSS", date(2026, 11, 23))
    world.slack.script("chat.postMessage", FakeResponse(delay=3.0))
    now = utc(2026, 11, 23, 15, 0)
    world.clock.now = now
    report = world.sweep(world.client(timeout=1)).run_once()
    assert (report.sent, report.retried) == (1, 1)
    (failed,) = [n for n in world.nudges() if n.status == NudgeStatus.PENDING.value]
    assert failed.last_error == "timeout" and as_utc(failed.not_before) == now + timedelta(minutes=5)
    assert world.at(now + timedelta(minutes=5)).sent == 1
    assert len(world.slack.messages) == 2


def line_end(world: World, line_id: int) -> tuple[str, str | None]:
    with world.db.session() as session:
        line = session.get(ReportingLine, line_id)
        assert line is not None
        return line.status, line.end_reason


@pytest.mark.parametrize("error", ["account_inactive", "user_not_found", "user_disabled"])
def test_a_manager_slack_says_is_gone_has_left_and_their_report_is_told_once(world: World, error: str) -> None:
    line = world.line("U0REPORT", "U0GONE", date(2026, 11, 23))
    world.slack.script("chat.postMessage", FakeResponse(body={"ok": False, "error": error}))
    report = world.at(utc(2026, 11, 23, 15, 0))
    assert (report.sent, report.failed) == (0, 1)
    failed = [n for n in world.nudges() if n.status == NudgeStatus.FAILED.value]
    assert len(failed) == 1 and failed[0].last_error == error
    assert line_end(world, line) == ("ended", EndReason.LEFT.value)
    # The report's own invitation to revise their plan is no longer owed; they hear why, once.
    (note,) = world.slack.messages_to("U0REPORT")
    assert "<@U0GONE> has left Slack" in note.params["text"]
    assert [c.params["user_id"] for c in world.slack.calls_to("views.publish")] == ["U0REPORT"]
    calls = len(world.slack.calls)
    for later in (utc(2026, 11, 30, 15, 0), utc(2027, 1, 4, 15, 0)):
        assert world.at(later) == SweepReport()
    assert len(world.slack.calls) == calls  # never tried again, nobody told twice


def test_a_recipient_who_cannot_be_messaged_for_another_reason_fails_without_ending_the_line(world: World) -> None:
    line = world.line("U0REPORT", "U0BOSS", date(2026, 11, 23))
    world.slack.script("chat.postMessage", FakeResponse(body={"ok": False, "error": "cannot_dm_bot"}))
    assert world.at(utc(2026, 11, 23, 15, 0)).failed == 1
    assert line_end(world, line) == ("active", None)


def test_a_deactivated_account_is_not_messaged_and_its_lines_end(world: World) -> None:
    line = world.line("U0REPORT", "U0LEFT", date(2026, 11, 23))
    other = world.line("U0LEFT", "U0BIGBOSS", date(2026, 11, 23))
    world.slack.users["U0LEFT"] = {"deleted": True}
    report = world.at(utc(2026, 11, 23, 15, 0))
    assert report.sent == 0
    assert "U0LEFT" not in [c.params["channel"] for c in world.slack.messages]
    assert {n.last_error for n in world.nudges() if n.status == NudgeStatus.FAILED.value} == {"user_deleted"}
    assert line_end(world, line) == line_end(world, other) == ("ended", EndReason.LEFT.value)
    notes = {c.params["channel"]: c.params["text"] for c in world.slack.messages}
    assert "no longer your manager" in notes["U0REPORT"]
    assert "no longer report to you" in notes["U0BIGBOSS"]
    assert len(world.slack.messages) == 2  # one note each; the reminder about U0LEFT is not sent
    assert step(world, utc(2026, 11, 23, 15, 15), utc(2026, 12, 31, 15, 0), timedelta(days=1)) == []


def test_a_manager_who_moved_is_reminded_on_their_new_local_day(world: World) -> None:
    """Their zone was learnt in Berlin ten days ago; Slack now says Los Angeles. The first-month stage is due
    on Wednesday 25 November: at 00:30 Berlin time on that day it is still Tuesday 15:30 in Los Angeles."""
    world.line("U0REPORT", "U0MOVER", date(2026, 11, 25), tz={"U0REPORT": "America/Los_Angeles"})
    with world.db.session() as session:
        mover = people.ensure_person(session, TEAM, "U0MOVER", utc(2026, 11, 1))
        people.set_tz(session, mover, "Europe/Berlin", utc(2026, 11, 14, 12, 0))
    world.slack.users["U0MOVER"] = {"tz": "America/Los_Angeles"}
    sent = step(world, utc(2026, 11, 24, 16, 0), utc(2026, 11, 26, 3, 0))
    to_mover = [local(moment, "America/Los_Angeles") for moment, call in sent if call.params["channel"] == "U0MOVER"]
    assert [(moment.date(), moment.time()) for moment in to_mover] == [(date(2026, 11, 25), NINE)]


# --- what the DM says, read when it is sent --------------------------------------------------------------------


def save_plan(world: World, user: str, goal: str, gap: str) -> None:
    plan = Plan(
        goal=Goal(kind=GoalKind.OWN, text=goal, is_own_want=True, fits_values=True),
        steps=(Step(title="Senior", target=date(2027, 6, 1)),),
        gaps=(gap, "something less pressing"),
    )
    with world.db.session() as session:
        builders.plan_version(session, user, plan, now=world.clock())


def test_the_manager_sees_the_goal_and_focus_gap_only_when_shared(world: World) -> None:
    shared = world.line("U0SHARES", "U0BOSS", date(2026, 11, 23))
    world.line("U0PRIVATE", "U0BOSS", date(2026, 11, 23))
    save_plan(world, "U0SHARES", "Become a <!channel> staff engineer", "System design")
    save_plan(world, "U0PRIVATE", "Secret goal", "Secret gap")
    with world.db.session() as session:
        line_store.set_shared(session, shared, True, world.clock())
    world.at(utc(2026, 11, 23, 15, 0))
    to_boss = {
        "<@U0SHARES>" in c.params["text"]: str(c.params["blocks"])
        for c in world.slack.messages
        if c.params["channel"] == "U0BOSS"
    }
    assert "Become a &lt;!channel&gt; staff engineer" in to_boss[True] and "System design" in to_boss[True]
    assert "Secret" not in to_boss[False]
    assert "Their goal" not in to_boss[False]


def test_nothing_is_sent_for_a_line_that_ended_or_a_conversation_already_logged(world: World) -> None:
    ended = world.line("U0R1", "U0BOSS", date(2026, 11, 23))
    logged = world.line("U0R2", "U0BOSS", date(2026, 11, 23))
    assert world.at(utc(2026, 11, 23, 12, 0)).waiting == 4  # before 09:00 in New York
    with world.db.session() as session:
        line_store.end_active_line(
            session, people.find_person_id(session, TEAM, "U0R1") or 0, EndReason.REPLACED, world.clock()
        )
        line = session.get(ReportingLine, logged)
        assert line is not None
        line.next_due_on, line.next_nudge_on, line.last_held_on = (
            date(2027, 2, 23),
            date(2027, 2, 20),
            date(2026, 11, 23),
        )
    assert world.at(utc(2026, 11, 23, 15, 0)).sent == 0
    assert world.slack.messages == []
    assert {n.status for n in world.nudges()} == {NudgeStatus.CANCELLED.value}
    assert ended != logged


def test_both_people_are_asked_what_an_ended_experiment_taught_once(world: World) -> None:
    line = world.line("U0REPORT", "U0BOSS", date(2026, 6, 1))
    with world.db.session() as session:
        talk = builders.held_conversation(
            session,
            line,
            date(2026, 10, 1),
            experiments=[
                NewExperiment(ExperimentKind.SHADOWING, "Shadow <@U0X>", date(2026, 11, 20)),
                NewExperiment(ExperimentKind.STRETCH, "Already answered by the manager", date(2026, 11, 20)),
            ],
            schedule=Schedule(next_due_on=date(2027, 1, 1), next_nudge_on=None, cadence_months=3),
            now=world.clock(),
        )
        answered = talk.experiments[1]
        assert conversation_store.record_outcome(session, answered.id, Audience.MANAGER, Outcome.STOP, world.clock())
    report = world.at(utc(2026, 11, 23, 15, 0))
    assert (report.enqueued, report.sent) == (2, 2)
    by_person = {c.params["channel"]: c for c in world.slack.messages}
    assert set(by_person) == {"U0BOSS", "U0REPORT"}
    assert actions(by_person["U0BOSS"]) == [ids.ACTION_OUTCOME_PREFIX + o.value for o in Outcome]
    assert len(actions(by_person["U0REPORT"])) == 6  # both experiments, three answers each
    assert "<@U0REPORT>" in by_person["U0BOSS"].params["text"]
    assert "&lt;@U0X&gt;" in str(by_person["U0BOSS"].params["blocks"])
    assert world.at(utc(2026, 11, 24, 15, 0)) == SweepReport()


def test_the_report_line_reads_as_one_line() -> None:
    assert SweepReport(1, 2, 3, 4, 5).line() == (
        "enqueued 1, sent 2, retried 3, failed 4, waiting outside working hours 5"
    )


# --- Add to calendar -----------------------------------------------------------------------------------------


def calendar_links(call: Call) -> dict[str, dict[str, str]]:
    """The DM's url buttons, by action id: each link's query parameters."""
    return {
        element["action_id"]: {key: values[0] for key, values in parse_qs(urlsplit(element["url"]).query).items()}
        for block in call.params.get("blocks") or []
        if block["type"] == "actions"
        for element in block["elements"]
        if "url" in element
    }


def due_soon_world(world: World) -> int:
    """A line due Wednesday 2 December whose first month is behind it: "due soon" comes on Sunday 29 November,
    and waits for Monday's working hours. The manager works in New York, the report in Berlin."""
    line = world.line("U0REPORT", "U0BOSS", date(2026, 11, 2), tz={"U0BOSS": "America/New_York"})
    world.slack.users["U0REPORT"] = {"tz": "Europe/Berlin", "profile": {"display_name": "Ana & Bo #2"}}
    with world.db.session() as session:
        session.get(ReportingLine, line).next_nudge_on = date(2026, 11, 29)  # type: ignore[union-attr]
    assert world.at(utc(2026, 11, 29, 15, 0)) == SweepReport(enqueued=2, waiting=2)  # Sunday: both people's zones
    return line


MONDAY_10AM_NEW_YORK = utc(2026, 11, 30, 15, 0)


def test_a_due_soon_reminder_carries_calendar_links_named_from_users_info(world: World) -> None:
    line = due_soon_world(world)
    save_plan(world, "U0REPORT", "Secret goal", "Secret gap")
    with world.db.session() as session:
        line_store.set_shared(session, line, True, world.clock())
    lookups = len(world.slack.calls_to("users.info"))
    assert world.at(MONDAY_10AM_NEW_YORK).sent == 2
    # One users.info for the calendar link of the manager's DM (both zones were learnt on Sunday).
    assert [c.params["user"] for c in world.slack.calls_to("users.info")[lookups:]] == ["U0REPORT"]
    to_boss, to_report = (world.slack.messages_to(user)[-1] for user in ("U0BOSS", "U0REPORT"))
    links = calendar_links(to_boss)
    assert set(links) == {ids.ACTION_CALENDAR_GOOGLE, ids.ACTION_CALENDAR_OUTLOOK}
    google, outlook = links[ids.ACTION_CALENDAR_GOOGLE], links[ids.ACTION_CALENDAR_OUTLOOK]
    assert google["text"] == outlook["subject"] == "Career conversation with Ana & Bo #2"
    # Tuesday 09:00 in New York is 15:00 in Berlin: inside both people's hours, before Wednesday's due date.
    assert google["dates"] == "20261201T140000Z/20261201T143000Z"
    assert (outlook["startdt"], outlook["enddt"]) == ("2026-12-01T14:00:00Z", "2026-12-01T14:30:00Z")
    for prompt in prompts_for(line, date(2026, 12, 2)):
        assert prompt in google["details"] and prompt in outlook["body"]
    assert "Secret goal" in str(to_boss.params["blocks"])  # shared, so shown in the DM...
    assert "Secret" not in str(links)  # ...and never in a link that leaves Slack
    assert calendar_links(to_report) == {}  # the report's invitation has none


@pytest.mark.parametrize(
    "answer",
    [
        FakeResponse(body={"ok": False, "error": "internal_error"}),
        FakeResponse(body={"ok": False, "error": "user_not_found"}),
        FakeResponse(delay=3.0),  # answered after the client's timeout
    ],
)
def test_the_reminder_goes_out_with_a_neutral_name_when_users_info_fails(world: World, answer: FakeResponse) -> None:
    due_soon_world(world)
    world.slack.script("users.info", answer)  # the calendar's lookup: the zones are still cached
    world.clock.now = MONDAY_10AM_NEW_YORK
    assert world.sweep(world.client(timeout=1)).run_once().sent == 2
    google = calendar_links(world.slack.messages_to("U0BOSS")[-1])[ids.ACTION_CALENDAR_GOOGLE]
    assert google["text"] == "Career conversation with your report"
    assert google["dates"] == "20261201T140000Z/20261201T143000Z"  # the report's zone as stored on Sunday
    assert {n.status for n in world.nudges()} == {NudgeStatus.SENT.value}


def test_an_overdue_reminder_suggests_the_soonest_slot_and_a_first_month_one_has_no_links(world: World) -> None:
    world.line("U0LATE", "U0BOSS", date(2026, 9, 1))  # overdue since 1 October
    world.line("U0NEW", "U0BOSS", date(2026, 11, 24))  # starts today: the first-month reminder
    assert world.at(utc(2026, 11, 24, 15, 0)).sent == 3  # Tuesday 10:00 in New York (both people, the fake's zone)
    by_report = {
        report: call
        for call in world.slack.messages_to("U0BOSS")
        for report in ("U0LATE", "U0NEW")
        if report in call.params["text"]
    }
    google = calendar_links(by_report["U0LATE"])[ids.ACTION_CALENDAR_GOOGLE]
    assert google["text"] == "Career conversation with User U0LATE"  # real_name, display_name being empty
    assert google["dates"] == "20261124T160000Z/20261124T163000Z"  # 11:00 today: an hour's notice
    assert calendar_links(by_report["U0NEW"]) == {}
