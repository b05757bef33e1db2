"""A year of a team, hour by hour on an injected clock: exactly the DMs the rules call for, in order.

Three managers on both sides of the Atlantic and the Pacific, five reports: a new hire, a regular
cadence, a skipped cycle, a manager change, and a manager who never logs (and snoozes once). The sweep
runs every hour, as `careerplan run` would; people act through the same use cases the Slack listeners
call. What the fake Slack received is compared with the timeline worked out by hand from DESIGN.md §4.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.career.availability import WorkingTime, is_working
from bot.career.cadence import ExperimentKind, NudgeKind
from bot.career.conversation import ConversationForm, ExperimentForm
from bot.career.lines import Line, RequestedBy
from bot.career.people import InactiveReason
from bot.jobs.sweep import Sweep
from bot.settings import Settings
from bot.slack import ids
from bot.slack.app import build_services
from bot.slack.client import build_web_client
from bot.slack.leavers import goodbye
from bot.usecases.common import Who
from bot.usecases.conversations import Conversations, Logged, Skipped, Snoozed
from bot.usecases.lines import Answered, Lines
from storage import lines as line_store
from storage import people
from storage.db import Database
from storage.models import Nudge
from tests import builders
from tests.clock import Clock
from tests.fakeslack import TEAM_ID, Call, FakeSlack

# 8,700 hourly sweeps: 20-35 s on an idle machine, 100 s seen on a busy one running the suite in parallel,
# near the suite's 120 s meant to catch a hang.
pytestmark = pytest.mark.timeout(300)

M1, M2, M3 = "UMONA", "ULARS", "UOMAR"  # New York, London, Los Angeles
NEW, REG, SKIP, MOVE, LATE = "UNEW", "UREG", "USKIP", "UMOVE", "ULATE"
ZONES = {
    M1: "America/New_York",
    M2: "Europe/London",
    M3: "America/Los_Angeles",
    **dict.fromkeys((NEW, REG, SKIP, MOVE, LATE), "America/New_York"),
}
START = datetime(2027, 1, 4, tzinfo=UTC)  # a Monday
END = datetime(2028, 1, 1, tzinfo=UTC)


def who(user: str) -> Who:
    return Who(team_id=TEAM_ID, user_id=user)


@dataclass(frozen=True)
class Dm:
    """One DM as the recipient lived it: their local day, and what it was about."""

    day: date
    to: str
    what: str  # "first_month", "due", "overdue", "invite", "experiment"
    about: str  # the other person named


def read(call: Call, sent_at: datetime, zones: dict[str, str], work: Callable[[str], WorkingTime] | None = None) -> Dm:
    to = call.params["channel"]
    text = call.params.get("text") or ""
    local = sent_at.astimezone(ZoneInfo(zones[to]))
    action_ids = [
        e["action_id"] for b in call.params.get("blocks") or [] if b["type"] == "actions" for e in b["elements"]
    ]
    if "has left Slack" in text:
        return Dm(local.date(), to, "left", re.findall(r"<@([UW][A-Z0-9]+)>", text)[0])  # sent when Slack says so
    when = work(to) if work is not None else WorkingTime(tz=zones[to])
    assert is_working(sent_at, when), f"{to} nudged at {local} local, outside their working time"
    if any(a.startswith(ids.ACTION_OUTCOME_PREFIX) for a in action_ids):
        what = "experiment"
    elif ids.ACTION_EDIT_PLAN in action_ids:
        what = "invite"
    elif "new to your team" in text:
        what = "first_month"
    elif "was due" in text:
        what = "overdue"
    else:
        assert ids.ACTION_LOG in action_ids, text
        what = "due"
    mentioned = [user for user in re.findall(r"<@([UW][A-Z0-9]+)>", text) if user != to]
    return Dm(local.date(), to, what, mentioned[0] if mentioned else "")


class Year:
    """The team, the clock, the sweep, and what people do on given days."""

    def __init__(self, db: Database, slack: FakeSlack, clock: Clock, zones: dict[str, str] = ZONES, **env: str) -> None:
        self.db, self.slack, self.clock = db, slack, clock
        self.settings = Settings.from_env(
            {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": slack.url, **env}
        )
        self.work_days: dict[str, str] = {}  # people's own working days (Reminder settings)
        self.client = build_web_client(self.settings)
        self.sweep = Sweep(db, self.client, self.settings, clock)
        self.lines = Lines(db, self.settings.cadence_months, clock)
        self.conversations = Conversations(db, self.settings.cadence_months, self.settings.lead_days, clock)
        self.services = build_services(db, self.settings, clock)
        self.actions: dict[datetime, list[Callable[[], None]]] = {}
        self.received: list[Dm] = []
        self.zones = dict(zones)  # where each person is now (a move changes it)
        for user, zone_name in self.zones.items():
            slack.users[user] = {"tz": zone_name}

    def working(self, user: str) -> WorkingTime:
        """The person's working time as the bot should apply it now: their zone, their days, the holidays."""
        return self.settings.working_time(self.zones[user], days=self.work_days.get(user))

    def works(self, user: str, days: str) -> None:
        """The person chooses their own working days (Reminder settings)."""
        self.work_days[user] = days
        with self.db.session() as session:
            person = builders.person(session, user, team=TEAM_ID)
            people.set_reminder_settings(session, person, people.ReminderSettings(work_days=days))

    def away(self, user: str, until: datetime) -> None:
        """The person sets a vacation status until `until`; Slack sends user_status_changed."""
        profile = {
            "status_emoji": ":palm_tree:",
            "status_text": "Vacationing",
            "status_expiration": int(until.timestamp()),
        }
        self.slack.users[user] = {**self.slack.users.get(user, {}), "profile": profile}
        assert self.services.availability.status_changed(
            who(user),
            emoji=profile["status_emoji"],
            text=profile["status_text"],
            expiration=profile["status_expiration"],
        )

    def uninstalled(self) -> None:
        """Slack sends app_uninstalled: the workspace's token is dead."""
        assert self.services.workspaces.stopped(TEAM_ID, InactiveReason.UNINSTALLED)

    def leaves(self, user: str) -> None:
        """Slack deactivates the account and sends user_change (deleted: true), as the listener handles it."""
        self.slack.users[user] = {**self.slack.users.get(user, {}), "deleted": True}
        goodbye(self.client, self.services, who(user))

    def moves(self, user: str, zone_name: str) -> None:
        """The person's Slack time zone changes; Slack sends user_change with the new tz."""
        self.zones[user] = zone_name
        self.slack.users[user] = {**self.slack.users.get(user, {}), "tz": zone_name}
        assert self.services.people.zone_changed(who(user), zone_name)

    def line_of(self, report: str) -> str:
        with self.db.session() as session:
            report_id = people.find_person_id(session, TEAM_ID, report)
            assert report_id is not None
            line = line_store.active_line_of(session, report_id)
        assert line is not None
        return str(line.id)

    def admin_line(self, report: str, manager: str, started_on: date) -> None:
        with self.db.session() as session:
            builders.active_line(session, report, manager, started_on=started_on, now=self.clock())

    def log(self, manager: str, report: str, held_on: date, months: int = 3, **extra: object) -> None:
        form = ConversationForm(held_on=held_on, next_in_months=months, **extra)  # type: ignore[arg-type]
        assert isinstance(self.conversations.log(who(manager), self.line_of(report), form), Logged)

    def on(self, moment: datetime, action: Callable[[], None]) -> None:
        """Do `action` at `moment` (a whole UTC hour), before that hour's sweep."""
        self.actions.setdefault(moment, []).append(action)

    def run(self, start: datetime, end: datetime) -> None:
        self.clock.now = start
        while self.clock.now < end:
            seen = len(self.slack.messages)
            for action in self.actions.pop(self.clock.now, []):
                action()
            self.sweep.run_once()
            self.received += [
                read(call, self.clock.now, self.zones, self.working) for call in self.slack.messages[seen:]
            ]
            self.clock.now += timedelta(hours=1)
        assert not self.actions, "an action was scheduled at a time the loop never reached"


@pytest.fixture
def year(db: Database, clock: Clock) -> Iterator[Year]:
    with FakeSlack() as slack:
        yield Year(db, slack, clock)


def at(zone_name: str, year: int, month: int, day: int, hour: int) -> datetime:
    """A whole local hour, as the UTC instant the hourly loop reaches."""
    return datetime(year, month, day, hour, tzinfo=ZoneInfo(zone_name)).astimezone(UTC)


def test_a_year_of_a_team_sends_exactly_the_expected_dms_in_order(year: Year) -> None:
    ny, london, la = ZONES[M1], ZONES[M2], ZONES[M3]
    # Before the year: three reports of Mona's, each with a conversation held on 15 December (next due 15 March).
    year.clock.now = datetime(2026, 12, 1, 15, tzinfo=UTC)
    for report in (REG, SKIP, MOVE):
        year.admin_line(report, M1, date(2026, 12, 1))
    year.clock.now = datetime(2026, 12, 15, 16, tzinfo=UTC)
    for report in (REG, SKIP, MOVE):
        year.log(M1, report, date(2026, 12, 15))
    # The year starts with a new hire for Mona and a new report for Omar, who will never log a conversation.
    year.clock.now = START
    year.admin_line(NEW, M1, date(2027, 1, 4))
    year.admin_line(LATE, M3, date(2027, 1, 4))

    shadowing = ExperimentForm(
        ExperimentKind.SHADOWING, "Shadow the staff engineer's design reviews", date(2027, 3, 15)
    )
    year.on(at(ny, 2027, 2, 2, 15), lambda: year.log(M1, NEW, date(2027, 2, 2), experiments=[shadowing]))

    def snooze_omar() -> None:
        with year.db.session() as session:
            nudge = session.scalar(select(Nudge.id).where(Nudge.kind == NudgeKind.OVERDUE_1.value))
        assert isinstance(year.conversations.snooze(who(M3), str(nudge)), Snoozed)

    year.on(at(la, 2027, 2, 10, 10), snooze_omar)

    def move_to_lars() -> None:
        asked = year.lines.request(who(MOVE), M2, RequestedBy.REPORT)
        assert isinstance(asked, Line), asked
        assert isinstance(year.lines.answer(who(M2), str(asked.id), confirm=True), Answered)

    year.on(datetime(2027, 2, 15, 15, tzinfo=UTC), move_to_lars)  # 10:00 in New York, 15:00 in London

    def skip_for_skip() -> None:
        skipped = year.conversations.skip(who(M1), year.line_of(SKIP), "Out on leave until June")
        assert isinstance(skipped, Skipped) and skipped.next_due_on == date(2027, 6, 12)

    year.on(at(ny, 2027, 3, 12, 11), skip_for_skip)
    for manager, zone_name, report, held, months in [
        (M2, london, MOVE, date(2027, 3, 16), 3),
        (M1, ny, REG, date(2027, 3, 16), 3),
        (M1, ny, NEW, date(2027, 4, 30), 3),
        (M1, ny, SKIP, date(2027, 6, 10), 3),
        (M2, london, MOVE, date(2027, 6, 15), 3),
        (M1, ny, REG, date(2027, 6, 16), 3),
        (M1, ny, NEW, date(2027, 7, 29), 6),
        (M1, ny, SKIP, date(2027, 9, 8), 3),
        (M2, london, MOVE, date(2027, 9, 14), 3),
        (M1, ny, REG, date(2027, 9, 15), 3),
        (M1, ny, SKIP, date(2027, 12, 7), 3),
        (M2, london, MOVE, date(2027, 12, 13), 3),
        (M1, ny, REG, date(2027, 12, 14), 3),
    ]:
        moment = at(zone_name, held.year, held.month, held.day, 15)  # logged at 15:00 on the day held
        year.on(moment, functools.partial(year.log, manager, report, held, months))

    year.run(START, END)

    d = date
    expected = [
        # January: both new lines start; the invites wait for each report's own 09:00 (New York).
        Dm(d(2027, 1, 4), M1, "first_month", NEW),
        Dm(d(2027, 1, 4), NEW, "invite", M1),
        Dm(d(2027, 1, 4), LATE, "invite", M3),
        Dm(d(2027, 1, 4), M3, "first_month", LATE),
        # "Due soon" falls on Sunday 31 January: it waits for Monday morning.
        Dm(d(2027, 2, 1), M1, "due", NEW),
        Dm(d(2027, 2, 1), NEW, "invite", M1),
        Dm(d(2027, 2, 1), LATE, "invite", M3),
        Dm(d(2027, 2, 1), M3, "due", LATE),
        Dm(d(2027, 2, 10), M3, "overdue", LATE),  # snoozed at once: it comes back a week later, the same nudge
        # The manager change: Lars is told on the day; Mona hears nothing more about this report.
        Dm(d(2027, 2, 15), MOVE, "invite", M2),
        Dm(d(2027, 2, 15), M2, "first_month", MOVE),
        Dm(d(2027, 2, 17), M3, "overdue", LATE),  # the snoozed reminder; the second one inside the week is not sent
        Dm(d(2027, 2, 24), M3, "overdue", LATE),  # the third and last
        Dm(d(2027, 3, 12), M1, "due", REG),
        Dm(d(2027, 3, 12), M1, "due", SKIP),
        Dm(d(2027, 3, 12), REG, "invite", M1),
        Dm(d(2027, 3, 12), SKIP, "invite", M1),
        Dm(d(2027, 3, 15), M2, "due", MOVE),  # Sunday's, on Monday at 09:00 in London
        Dm(d(2027, 3, 15), MOVE, "invite", M2),
        Dm(d(2027, 3, 15), M1, "experiment", NEW),
        Dm(d(2027, 3, 15), NEW, "experiment", M1),
        Dm(d(2027, 4, 29), M1, "due", NEW),
        Dm(d(2027, 4, 29), NEW, "invite", M1),
        Dm(d(2027, 6, 9), M1, "due", SKIP),  # one cadence after the skip on 12 March
        Dm(d(2027, 6, 9), SKIP, "invite", M1),
        Dm(d(2027, 6, 14), M2, "due", MOVE),
        Dm(d(2027, 6, 14), M1, "due", REG),
        Dm(d(2027, 6, 14), MOVE, "invite", M2),
        Dm(d(2027, 6, 14), REG, "invite", M1),
        Dm(d(2027, 7, 27), M1, "due", NEW),
        Dm(d(2027, 7, 27), NEW, "invite", M1),
        Dm(d(2027, 9, 7), M1, "due", SKIP),
        Dm(d(2027, 9, 7), SKIP, "invite", M1),
        Dm(d(2027, 9, 13), M2, "due", MOVE),
        Dm(d(2027, 9, 13), M1, "due", REG),
        Dm(d(2027, 9, 13), MOVE, "invite", M2),
        Dm(d(2027, 9, 13), REG, "invite", M1),
        Dm(d(2027, 12, 6), M1, "due", SKIP),
        Dm(d(2027, 12, 6), SKIP, "invite", M1),
        Dm(d(2027, 12, 13), M2, "due", MOVE),
        Dm(d(2027, 12, 13), M1, "due", REG),
        Dm(d(2027, 12, 13), MOVE, "invite", M2),
        Dm(d(2027, 12, 13), REG, "invite", M1),
        # Noa's next conversation is due in January 2028 (six months after July): nothing more this year.
    ]

    assert_received(year, expected)


def by_day(dms: list[Dm]) -> list[tuple[date, list[tuple[str, str, str]]]]:
    days: dict[date, list[tuple[str, str, str]]] = {}
    for dm in dms:
        days.setdefault(dm.day, []).append((dm.to, dm.what, dm.about))
    return [(day, sorted(items)) for day, items in days.items()]


def assert_received(year: Year, expected: list[Dm]) -> None:
    """Within one day the order depends on time zones and sweep order; across days it must be exact."""
    assert by_day(year.received) == by_day(sorted(expected, key=lambda dm: dm.day))
    assert [dm.day for dm in year.received] == sorted(dm.day for dm in year.received)


# --- an organisation that moves: people leave, travel, take holidays -----------------------------------------

ANA, GONE, BEA, KIM, ZED, JO = "UANA", "UGONE", "UBEA", "UKIM", "UZED", "UJO"
HAL, RAY, SAM, TOM, VIC, VAL = "UHAL", "URAY", "USAM", "UTOM", "UVIC", "UVAL"
MOVING = {
    **dict.fromkeys((ANA, GONE, BEA, KIM, JO, HAL, RAY, SAM, TOM, VIC, VAL), "America/New_York"),
    ZED: "Europe/Berlin",
}


def test_a_season_of_leavers_movers_holidays_and_absences_sends_each_reminder_once_on_a_working_day(
    db: Database, clock: Clock
) -> None:
    with FakeSlack() as slack:
        year = Year(db, slack, clock, MOVING, CAREERPLAN_HOLIDAYS="US")
        year.clock.now = START
        for report, manager in ((GONE, ANA), (KIM, BEA), (JO, ZED), (VAL, VIC)):
            year.admin_line(report, manager, date(2027, 1, 4))  # first conversation due Wednesday 3 February
        year.admin_line(RAY, HAL, date(2027, 1, 18))  # Martin Luther King Jr. Day: a US public holiday
        year.works(SAM, "Sun-Thu")
        year.admin_line(TOM, SAM, date(2027, 1, 8))  # a Friday: Sam's day off
        year.on(datetime(2027, 1, 20, 15, tzinfo=UTC), lambda: year.leaves(BEA))  # a manager leaves
        # Vic is on vacation for ten days across the "due soon" of Monday 1 February, back on Monday 8th.
        year.on(datetime(2027, 1, 28, 15, tzinfo=UTC), lambda: year.away(VIC, at("America/New_York", 2027, 2, 7, 23)))
        year.on(datetime(2027, 2, 5, 15, tzinfo=UTC), lambda: year.moves(ZED, "America/Los_Angeles"))
        year.on(datetime(2027, 2, 12, 15, tzinfo=UTC), lambda: year.leaves(GONE))  # a report leaves, mid-cycle
        uninstalled_at = datetime(2027, 3, 5, 15, tzinfo=UTC)  # a Friday
        year.on(uninstalled_at, year.uninstalled)
        calls_when_uninstalled: list[int] = []
        year.on(uninstalled_at + timedelta(hours=1), lambda: calls_when_uninstalled.append(len(slack.calls)))
        year.run(START, datetime(2027, 4, 1, tzinfo=UTC))
        assert len(slack.calls) == calls_when_uninstalled[0]  # not one Slack call after the uninstall

    d = date
    assert_received(
        year,
        [
            Dm(d(2027, 1, 4), ANA, "first_month", GONE),
            Dm(d(2027, 1, 4), GONE, "invite", ANA),
            Dm(d(2027, 1, 4), BEA, "first_month", KIM),
            Dm(d(2027, 1, 4), KIM, "invite", BEA),
            Dm(d(2027, 1, 4), ZED, "first_month", JO),  # 09:00 in Berlin
            Dm(d(2027, 1, 4), JO, "invite", ZED),
            Dm(d(2027, 1, 4), VIC, "first_month", VAL),
            Dm(d(2027, 1, 4), VAL, "invite", VIC),
            Dm(d(2027, 1, 8), TOM, "invite", SAM),  # Tom works Monday to Friday
            Dm(d(2027, 1, 10), SAM, "first_month", TOM),  # Sam's week starts on Sunday
            Dm(d(2027, 1, 19), HAL, "first_month", RAY),  # the day after the holiday
            Dm(d(2027, 1, 19), RAY, "invite", HAL),
            Dm(d(2027, 1, 20), KIM, "left", BEA),  # told once; nothing more about or to Bea
            Dm(d(2027, 2, 1), ANA, "due", GONE),  # Sunday's "due soon", on Monday
            Dm(d(2027, 2, 1), GONE, "invite", ANA),
            Dm(d(2027, 2, 1), ZED, "due", JO),
            Dm(d(2027, 2, 1), JO, "invite", ZED),
            Dm(d(2027, 2, 1), VAL, "invite", VIC),  # Val is not away: invited on the day
            Dm(d(2027, 2, 4), SAM, "due", TOM),  # due Sunday 7 February: "due soon" on Thursday 4th
            Dm(d(2027, 2, 4), TOM, "invite", SAM),
            # Held while away, the "due soon" goes out the first working morning back, once: by then it says the
            # conversation was due on the 3rd.
            Dm(d(2027, 2, 8), VIC, "overdue", VAL),
            # Zed moved to Los Angeles on 5 February: each overdue reminder on Wednesday, Los Angeles time.
            Dm(d(2027, 2, 10), ANA, "overdue", GONE),
            Dm(d(2027, 2, 10), ZED, "overdue", JO),
            Dm(d(2027, 2, 10), VIC, "overdue", VAL),
            Dm(d(2027, 2, 14), SAM, "overdue", TOM),  # a Sunday, one of Sam's working days
            Dm(d(2027, 2, 12), ANA, "left", GONE),  # then zero reminders about Gone
            Dm(d(2027, 2, 16), HAL, "due", RAY),  # Sunday 14th's, past Presidents' Day on Monday 15th
            Dm(d(2027, 2, 16), RAY, "invite", HAL),
            Dm(d(2027, 2, 17), ZED, "overdue", JO),
            Dm(d(2027, 2, 17), VIC, "overdue", VAL),
            Dm(d(2027, 2, 21), SAM, "overdue", TOM),
            Dm(d(2027, 2, 24), ZED, "overdue", JO),
            Dm(d(2027, 2, 24), VIC, "overdue", VAL),
            Dm(d(2027, 2, 24), HAL, "overdue", RAY),
            Dm(d(2027, 2, 28), SAM, "overdue", TOM),
            Dm(d(2027, 3, 3), HAL, "overdue", RAY),
            # Uninstalled on Friday 5 March: Hal's third overdue reminder (10 March) is never sent.
        ],
    )
