"""The sweep (F4): find the nudges that are due, and deliver them once each, in each recipient's working hours.

A sweep keeps no state of its own: everything is computed from the tables, so any number of copies may run
at once (DESIGN.md §5). It has two phases:

- *Enqueue*: active lines whose `next_nudge_on` has come (in the manager's own time zone) get the nudge of
  their latest stage, and ended experiments get their question. The line's schedule moves on by a
  conditional update, and only the sweeper whose update matched inserts the nudge rows (in the same
  transaction), so two sweepers never enqueue one stage twice; the unique key backs this up.
- *Deliver*: pending nudges whose time has come, a batch at a time until none is left, are checked against the
  recipient's working hours, claimed by a conditional update with a lease, sent with chat.postMessage (tagged
  with its nudge id as message metadata) by a few senders at once at Slack's pace (bot.jobs.pace), and
  recorded. A failure goes back to pending with its error and a later `not_before`; a
  recipient who is gone fails for good. A nudge an earlier attempt may have posted unrecorded (its sweeper
  died, or Slack did not answer) is first looked for in that DM's history, and recorded if it is there.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import Enum, auto
from functools import lru_cache
from http.client import HTTPException
from typing import Final, TypeVar
from urllib.error import URLError
from zoneinfo import available_timezones

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from sqlalchemy.orm import Session

from bot.career.availability import WaitUntil, WorkingTime, away_until, hold
from bot.career.cadence import (
    REPORT_INVITED_AT,
    Audience,
    Cycle,
    NudgeKind,
    known_zone,
    local_day,
    next_stage,
    prompts_for,
    retry_delay,
)
from bot.career.calendar import CALENDAR_KINDS, CalendarEvent, clean_name, conversation_event
from bot.career.lines import Line, LineStatus, may_see_answers
from bot.career.nudges import ExperimentsEnded, ManagerNudge, ReportInvite
from bot.jobs.pace import Pace, Timer, WallTimer
from bot.metrics import Metrics
from bot.settings import Settings
from bot.slack.app import build_services
from bot.slack.blocks.nudges import (
    experiments_ended,
    manager_nudge,
    reminder_in,
    reminder_metadata,
    report_invite,
    with_waited_note,
)
from bot.slack.blocks.text import Message
from bot.slack.leavers import goodbye
from bot.slack.listeners.context import Services
from bot.usecases.common import Clock, Who, utc_now
from storage import lines as line_store
from storage import nudges as store
from storage import people
from storage import plans as plan_store
from storage import requests as request_store
from storage.db import Database

log = logging.getLogger("careerplan.nudges")

_T = TypeVar("_T")

TZ_MAX_AGE: Final = timedelta(days=7)  # people.tz is asked of Slack again when older than this
# A sweeper asking Slack for someone's zone holds the asking this long (it stores the answer at the end of its
# phase, then lets go): sweepers running at once do not repeat each other's users.info calls.
TZ_LOOKUP_LEASE: Final = timedelta(minutes=2)
# users.info is Tier 4 (100+ a minute): a first sweep over a large org learns time zones over a few passes.
TZ_LOOKUPS_PER_PASS: Final = 300
DELIVERY_BATCH: Final = 1000  # nudges read and decided on at a time; a pass reads batches until none is due
# 429s in a row for one reminder (each held every sender for its Retry-After) before the pass stops sending.
RATE_LIMITED_TRIES: Final = 5
# A Retry-After is whole seconds; one that is not a number, or longer than this, is read as 1 s or as this.
RETRY_AFTER_LONGEST: Final = timedelta(hours=1)
# At most this many waiting reminders are counted for /metrics, so a scrape stays cheap whatever the backlog.
QUEUED_CAP: Final = 100_000
ENQUEUE_BATCH: Final = 2000  # lines per transaction
# Slack errors that no retry can fix: the nudge fails for good.
PERMANENT_ERRORS: Final = frozenset(
    {"user_not_found", "account_inactive", "user_disabled", "cannot_dm_bot", "user_deleted"}
)
# The bot's token is refused: nothing will work until an admin fixes it.
TOKEN_ERRORS: Final = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired"})
# Errors that every other send of this pass would meet too: stop sending until the next pass.
PASS_STOPPING_ERRORS: Final = TOKEN_ERRORS | {"missing_scope", "ratelimited", "rate_limited"}
# Sends in a row that found Slack unreachable (timeouts, refused connections) before the pass gives up.
UNREACHABLE_STOPS_PASS: Final = 3
# users.info answers saying the person is gone.
GONE_ERRORS: Final = frozenset({"user_not_found", "users_not_found"})
# chat.postMessage answers saying the recipient's account is gone: they left, as a user_change would have said.
LEFT_ERRORS: Final = frozenset({"user_not_found", "account_inactive", "user_disabled", "user_deleted"})
TRANSIENT_LOOKUP_ERRORS: Final = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable"})
# A reminder that may have reached Slack unrecorded is looked for in its DM's history from a little before its
# first claim (Slack's clock and ours may differ a little) to a little after now, a page at a time, up to a cap:
# a DM between the bot and one person holds a handful of messages in that window, not thousands.
HISTORY_SKEW: Final = timedelta(minutes=2)
HISTORY_PAGE: Final = 200
HISTORY_PAGES_MAX: Final = 5
# Errors from the history check that say "ask again later" (as the send would meet them): not sent, retried.
HISTORY_RETRY_ERRORS: Final = TOKEN_ERRORS | TRANSIENT_LOOKUP_ERRORS | {"rate_limited"}


@dataclass(frozen=True)
class SweepReport:
    enqueued: int = 0  # nudge rows created this pass
    sent: int = 0
    retried: int = 0  # sends that failed for now and will be tried again
    failed: int = 0  # nudges that can never be delivered
    waiting: int = 0  # due, but outside the recipient's working hours
    slowed: int = 0  # 429s Slack answered: each held every sender for its Retry-After

    def line(self) -> str:
        line = (
            f"enqueued {self.enqueued}, sent {self.sent}, retried {self.retried}, failed {self.failed}, "
            f"waiting outside working hours {self.waiting}"
        )
        return line + (f", slowed down by Slack {self.slowed} times" if self.slowed else "")

    def __str__(self) -> str:
        return self.line()


@dataclass
class _Tally:
    enqueued: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    waiting: int = 0
    slowed: int = 0

    def report(self) -> SweepReport:
        return SweepReport(self.enqueued, self.sent, self.retried, self.failed, self.waiting, self.slowed)


@dataclass
class _Senders:
    """What a pass's senders share: whether to go on sending, and Slack's answers in a row that call for stopping."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    over: bool = False  # the rest of the pass would meet the same error (or Slack is unreachable)
    unreachable: int = 0  # sends in a row that found Slack unreachable
    slowed: int = 0  # 429s

    def heard(self, outcome: _Outcome) -> None:
        with self.lock:
            self.unreachable = self.unreachable + 1 if outcome is _Outcome.UNREACHABLE else 0
            if outcome is _Outcome.STOP or self.unreachable >= UNREACHABLE_STOPS_PASS:
                self.over = True

    def slowed_down(self) -> None:
        with self.lock:
            self.slowed += 1


class _Outcome(Enum):
    """What became of one nudge this sweeper tried to send."""

    SENT = auto()
    RETRY = auto()  # Slack failed for now: pending again, later
    UNREACHABLE = auto()  # a retry too, and Slack did not answer at all (timeout, connection refused)
    STOP = auto()  # a retry too, and the rest of this pass would meet the same error (rate limit, bad token)
    FAILED = auto()  # never deliverable
    LEFT = auto()  # never deliverable: the recipient's account is gone
    LOST = auto()  # another sweeper claimed it first
    CANCELLED = auto()  # no longer owed
    FOUND = auto()  # an earlier attempt had posted it after all: recorded as sent, not sent again
    LATER = auto()  # not sent now, and no error: its turn was too far off, or the sweep is stopping


@dataclass(frozen=True)
class _Found:
    """The reminder is in its DM already (an earlier attempt posted it): where."""

    channel: str
    ts: str


@dataclass(frozen=True)
class _Unchecked:
    """The history could not be read now (rate limit, Slack down or unreachable): do not send, retry later."""

    error: str
    unreachable: bool = False


_NOT_FOUND: Final = None  # the history was read and the reminder is not in it: send it


@dataclass(frozen=True)
class _Tz:
    known: bool  # False: never learnt and Slack did not answer now; wait for a later pass
    tz: str | None = None  # None with known=True: Slack has none for them, so UTC
    gone: bool = False  # the account is deleted
    status_read: bool = False  # users.info answered this pass: `away_until` replaces what was kept
    away_until: datetime | None = None  # their Slack status says they are away until then


@dataclass
class _Zones:
    """People's time zones for one pass: the cache in people.tz, refreshed from users.info when stale."""

    client: WebClient
    db: Database
    settings: Settings
    now: datetime
    lookups_left: int
    learnt: dict[int, _Tz] = field(default_factory=dict)
    asking: set[int] = field(default_factory=set)  # the lookups this sweeper holds (people.tz_asked_until)
    unasked: set[int] = field(default_factory=set)  # of those, the ones not asked of Slack yet
    to_store: dict[int, str | None] = field(default_factory=dict)
    away_to_store: dict[int, datetime | None] = field(default_factory=dict)  # away_until read again this pass
    refused: bool = False  # users.info refused once this pass (said once in the log, not per person)

    def claim(self, wanted: Iterable[tuple[int, datetime | None, bool]]) -> None:
        """Take the asking of Slack for those of these people (id, when their zone was checked, whether their away
        status is to be read again) whose zone is to be asked, up to this pass's lookups, in one statement; `of`
        asks only for those taken. Those another sweeper has taken are asked by it."""
        room = self.lookups_left - len(self.unasked)
        if room <= 0:
            return  # no lookups left this pass (or none allowed): nothing to look through
        due = dict.fromkeys(
            person_id
            for person_id, checked_at, recheck in wanted
            if person_id not in self.learnt and person_id not in self.asking and self._stale(checked_at, recheck)
        )
        if not due:
            return
        with self.db.session() as session:
            taken = people.claim_zone_lookups(
                session, list(due)[:room], self.now, self.now + TZ_LOOKUP_LEASE, stale_before=self.now - TZ_MAX_AGE
            )
        self.asking |= taken
        self.unasked |= taken

    def of(
        self, person_id: int, user_id: str, cached: str | None, checked_at: datetime | None, *, recheck: bool = False
    ) -> _Tz:
        """The person's zone: the one kept if checked within TZ_MAX_AGE, else Slack's (once per pass, if `claim`
        took the asking). `recheck`: ask Slack anyway (their away status was to be read again by now)."""
        if person_id in self.learnt:
            return self.learnt[person_id]
        if not self._stale(checked_at, recheck):
            return _Tz(True, cached)
        fallback = _Tz(True, cached) if checked_at is not None else _Tz(False)
        if self.lookups_left <= 0 or person_id not in self.unasked:
            return fallback  # no lookups left this pass, or another sweeper is asking Slack (and will store it)
        self.unasked.discard(person_id)
        self.lookups_left -= 1
        answer = self._ask(person_id, user_id, cached, fallback)
        self.learnt[person_id] = answer
        return answer

    def _stale(self, checked_at: datetime | None, recheck: bool) -> bool:
        return recheck or checked_at is None or self.now - checked_at >= TZ_MAX_AGE

    def _ask(self, person_id: int, user_id: str, cached: str | None, fallback: _Tz) -> _Tz:
        try:
            user = self.client.users_info(user=user_id).get("user") or {}
        except SlackApiError as exc:
            error = _error_code(exc)
            if error in GONE_ERRORS:
                return _Tz(True, cached, gone=True)
            if error in TRANSIENT_LOOKUP_ERRORS or error in TOKEN_ERRORS or error.startswith("http_"):
                if error == "ratelimited" or error in TOKEN_ERRORS:
                    # Slack asks us to slow down, or refuses the token: the rest wait for the next pass, and
                    # what we knew of people's zones is kept (a bad token says nothing about them).
                    self.lookups_left = 0
                return fallback
            # Something a retry will not fix (e.g. the app lacks users:read): keep what we have, and do not
            # ask again for a week, taking the person as UTC if we never knew better.
            if not self.refused:
                log.warning("users.info refused (%s): people without a known time zone are taken as UTC", error)
                self.refused = True
            self.to_store[person_id] = cached
            return _Tz(True, cached)
        except (SlackClientError, OSError, HTTPException) as exc:
            log.warning("users.info failed for person %s: %s", person_id, _transport_code(exc))
            self.lookups_left = 0  # Slack is unreachable or slow: do not wait on it for every person
            return fallback
        if user.get("deleted"):
            return _Tz(True, cached, gone=True)
        tz = known_zone(user.get("tz"))
        self.to_store[person_id] = tz
        # Their status comes with the answer: kept for every reminder to them, not only one due now. A status
        # with no end is read again on the next working day of the workspace's week.
        profile = user.get("profile")
        profile = profile if isinstance(profile, dict) else {}
        until = away_until(
            self.now,
            emoji=profile.get("status_emoji"),
            text=profile.get("status_text"),
            expiration=profile.get("status_expiration"),
            markers=self.settings.away_markers,
            when=self.settings.working_time(tz),
        )
        self.away_to_store[person_id] = until
        return _Tz(True, tz, status_read=True, away_until=until)

    def save(self) -> None:
        if not self.to_store and not self.away_to_store and not self.asking:
            return
        with self.db.session() as session:
            people.set_zones(session, self.to_store, self.now)
            people.set_away(session, self.away_to_store)
            people.release_zone_lookups(session, self.asking)
        self.to_store.clear()
        self.away_to_store.clear()
        self.asking.clear()
        self.unasked.clear()


class Sweep:
    """One sweep over the tables per `run_once()`; safe to run in several threads or processes at once."""

    def __init__(
        self,
        db: Database,
        client: WebClient,
        settings: Settings,
        clock: Clock = utc_now,
        *,
        tz_lookups_per_pass: int = TZ_LOOKUPS_PER_PASS,
        delivery_batch: int = DELIVERY_BATCH,
        metrics: Metrics | None = None,
        senders: int | None = None,
        timer: Timer | None = None,
    ) -> None:
        """`metrics` counts each pass, its duration and the reminders its tally counts (careerplan run's, shown
        at /metrics). `senders`: reminders sent at once (default settings.senders). `timer`: the real time the
        pace of sending is kept in, shared with other sweepers (default the machine's)."""
        self.db = db
        # The sweep answers a 429 itself, for all its senders at once (bot.jobs.pace): the client's own retry
        # would sleep in one sender while the others go on sending.
        self.client = _without_rate_limit_retries(client)
        self.settings = settings
        self.clock = clock
        self.tz_lookups_per_pass = tz_lookups_per_pass
        self.delivery_batch = delivery_batch
        self.senders = senders if senders is not None else settings.senders
        self._stopping = threading.Event()
        self.pace = Pace(db, timer if timer is not None else WallTimer(self._stopping), settings.send_per_minute)
        self.log_report = True  # each pass's report in the log (`sweep --once` prints it instead)
        self._services: Services | None = None  # built the first time someone is found to have left
        self._services_lock = threading.Lock()
        self._history_refused = False  # conversations.history refused once (said once in the log)
        self.metrics = metrics if metrics is not None else Metrics()

    def stop(self) -> None:
        """Finish the nudge being sent and send no more (the bot is shutting down)."""
        self._stopping.set()

    def run_once(self) -> SweepReport:
        started = time.monotonic()  # how long the pass takes is real time, whatever the injected clock says
        tally = _Tally()
        completed = False
        try:
            now = self.clock()
            zones = _Zones(self.client, self.db, self.settings, now, self.tz_lookups_per_pass)
            self._enqueue(now, zones, tally)
            self._deliver(now, zones, tally)
            with self.db.session() as session:  # abandoned wizards' drafts: their words go after two days
                plan_store.purge_old_drafts(session, now)
                request_store.forget_old(session, now)  # handled requests' keys, once no replay can reuse them
            self.db.checkpoint()  # the pass's writes into SQLite's main file, now it is over
            completed = True
        finally:
            # A pass that failed (the database went away) still counts what it did before it stopped.
            self.metrics.swept(
                time.monotonic() - started,
                completed=completed,
                enqueued=tally.enqueued,
                sent=tally.sent,
                retried=tally.retried,
                failed=tally.failed,
            )
        report = tally.report()
        if self.log_report and report != SweepReport():
            log.info("sweep: %s", report.line())
        return report

    # -- enqueue ------------------------------------------------------------------------------------------

    def _enqueue(self, now: datetime, zones: _Zones, tally: _Tally) -> None:
        # Zones ahead of UTC reach a day first: look one day further, and decide on each manager's own day.
        through = now.astimezone(UTC).date() + timedelta(days=1)
        for chunk in self._due_lines(through, _not_yet(now, through)):
            self._enqueue_lines(chunk, now, zones, tally)
        with self.db.session() as session:
            ended = store.experiments_to_ask(session, through)
        for groups in _chunks(ended, ENQUEUE_BATCH):
            self._enqueue_ended(groups, now, zones, tally)
        zones.save()

    def _due_lines(self, through: date, not_yet: store.NotYet) -> Iterator[list[store.DueLine]]:
        """The due lines, ENQUEUE_BATCH at a time in id order, each chunk read in a short transaction of its own:
        a pass holds the due lines' ids (a few bytes each) and one chunk of lines, however large the organisation.
        Neighbouring ids keep each chunk's writes on pages of its own, as one statement over the whole pass would:
        a chunk of lines from all over the table would write most pages again in every chunk."""
        with self.db.session() as session:
            ids = store.due_line_ids(session, through, not_yet=not_yet)
        for start in range(0, len(ids), ENQUEUE_BATCH):
            with self.db.session() as session:
                chunk = store.lines_to_nudge(session, through, ids=ids[start : start + ENQUEUE_BATCH], not_yet=not_yet)
            if chunk:
                yield chunk

    def _enqueue_lines(self, chunk: Sequence[store.DueLine], now: datetime, zones: _Zones, tally: _Tally) -> None:
        lead_days = self.settings.lead_days
        # The manager's day, in the same current zone their DM will be delivered in (a stale one is asked of
        # Slack again here, before the transaction below): a manager who moved is reminded on their new day.
        zones.claim((line.manager_id, line.manager_tz_checked_at, False) for line in chunk)
        today = {
            line.id: local_day(
                now, zones.of(line.manager_id, line.manager, line.manager_tz, line.manager_tz_checked_at).tz
            )
            for line in chunk
        }
        decisions = {}
        for line in chunk:
            if line.next_nudge_on > today[line.id]:
                continue  # its day has not come where the manager is (most of a pass, most of the day)
            cycle = Cycle(line.next_due_on, line.started_on, line.first_cycle, lead_days)
            decision = next_stage(cycle, line.next_nudge_on, today[line.id])
            if decision.stage is not None or decision.next_nudge_on != line.next_nudge_on:
                decisions[line.id] = decision
        moves = [
            store.Move(line.id, line.next_due_on, line.next_nudge_on, decisions[line.id].next_nudge_on)
            for line in chunk
            if line.id in decisions
        ]
        if not moves:
            return
        with self.db.session() as session:
            moved = store.advance_lines(session, moves)  # lines another sweeper (or a click) changed stay out
            new: list[store.NewNudge] = []
            for line in chunk:
                stage = decisions[line.id].stage if line.id in moved else None
                if stage is None:
                    continue
                new.append(store.NewNudge(line.id, stage.kind, line.next_due_on, Audience.MANAGER, line.manager_id))
                if stage.kind in REPORT_INVITED_AT:
                    new.append(store.NewNudge(line.id, stage.kind, line.next_due_on, Audience.REPORT, line.report_id))
            tally.enqueued += store.enqueue(session, new, now)

    def _enqueue_ended(
        self, groups: Sequence[store.EndedExperiments], now: datetime, zones: _Zones, tally: _Tally
    ) -> None:
        # Time zones first: no Slack call while the transaction below holds its locks.
        zones.claim((group.manager_id, group.manager_tz_checked_at, False) for group in groups)
        over = [
            group
            for group in groups
            if group.ends_on
            <= local_day(
                now, zones.of(group.manager_id, group.manager, group.manager_tz, group.manager_tz_checked_at).tz
            )
        ]
        if not over:
            return
        with self.db.session() as session:
            # One claim for the chunk's experiments: a group is this sweeper's if it marked any of them.
            mine = store.mark_asked(session, [e for group in over for e in group.experiment_ids], now)
            new = [
                store.NewNudge(group.line_id, NudgeKind.EXPERIMENT_ENDED, group.ends_on, audience, person)
                for group in over
                if mine.intersection(group.experiment_ids)  # else another sweeper asks
                for audience, person in ((Audience.MANAGER, group.manager_id), (Audience.REPORT, group.report_id))
            ]
            tally.enqueued += store.enqueue(session, new, now)

    # -- deliver ------------------------------------------------------------------------------------------

    def _deliver(self, now: datetime, zones: _Zones, tally: _Tally) -> None:
        """Every reminder due, a batch at a time in queue order, until none is left or Slack calls for stopping:
        each batch decided on here, then sent by the pool of senders at Slack's pace."""
        senders = _Senders()
        after: store.Place | None = None
        with ThreadPoolExecutor(max_workers=self.senders, thread_name_prefix="careerplan-sender") as pool:
            while not (self._stopping.is_set() or senders.over):
                with self.db.session() as session:
                    due = store.deliverable(session, now, self.delivery_batch, after=after)
                if not due:
                    break
                after = due[-1].place
                ready = self._ready(due, now, zones, tally)
                outcomes = pool.map(lambda item: self._send_paced(*item, senders=senders), ready)
                for outcome in outcomes:
                    _count(outcome, tally)
                now = self.clock()
        tally.slowed += senders.slowed
        self.pace.tidy()

    def _ready(
        self, due: Sequence[store.Deliverable], now: datetime, zones: _Zones, tally: _Tally
    ) -> list[tuple[store.Deliverable, WorkingTime, bool]]:
        """The batch's reminders to send now, in turns across recipients (one person's second reminder after
        everyone's first: their conversation allows one a second). The others are cancelled (no longer owed),
        failed (the recipient is gone) or put off to the recipient's next working moment."""
        stale = {n.id for n in due if not n.line_active or (n.kind in STAGE_KINDS and n.line_due_on != n.due_on)}
        gone: list[store.Deliverable] = []
        later: dict[int, store.Later] = {}
        ready: list[tuple[store.Deliverable, WorkingTime, bool]] = []
        zones.claim(
            (n.recipient_id, n.tz_checked_at, n.away_until is not None and n.away_until <= now)
            for n in due
            if n.id not in stale
        )
        for nudge in due:
            if nudge.id in stale:
                continue
            recheck = nudge.away_until is not None and nudge.away_until <= now
            where = zones.of(nudge.recipient_id, nudge.recipient, nudge.tz, nudge.tz_checked_at, recheck=recheck)
            if where.gone:
                gone.append(nudge)
                continue
            if not where.known:
                continue  # Slack did not say where they are yet: try again next pass
            when = self.settings.working_time(
                where.tz, days=nudge.work_days, hours=nudge.work_hours, holidays=nudge.holidays
            )
            away = where.away_until if where.status_read else nudge.away_until
            decision = hold(now, when, away_until=away, held_since=nudge.held_since)
            if isinstance(decision, WaitUntil):
                tally.waiting += 1
                later[nudge.id] = store.Later(decision.until, decision.held_since)
            else:
                ready.append((nudge, when, decision.waited))
        zones.save()
        if stale or later:
            with self.db.session() as session:
                store.cancel(session, sorted(stale))
                store.defer(session, dict(sorted(later.items())))
        for nudge in gone:
            if self._fail(nudge, "user_deleted"):
                tally.failed += 1
            self._left(nudge)
        return _in_turns(ready, key=lambda item: item[0].recipient_id)

    def _send_paced(
        self, nudge: store.Deliverable, when: WorkingTime, waited: bool, *, senders: _Senders
    ) -> _Outcome | None:
        """One sender's work (a pool thread): None if the pass stopped sending before this reminder's turn."""
        if self._stopping.is_set() or senders.over:
            return None
        try:
            outcome = self._send(nudge, when, waited=waited, senders=senders)
        except BaseException:
            senders.over = True  # the pass fails (its database went away, say): the other senders stop too
            raise
        senders.heard(outcome)
        if outcome is _Outcome.LEFT:
            self._left(nudge)  # at once: the line's other reminders, still to be sent, are cancelled
        return outcome

    def _left(self, nudge: store.Deliverable) -> None:
        """Slack says the recipient's account is gone: they left, as if Slack had sent `user_change` with
        `deleted: true`. Their lines end (cancelling what else they were owed) and the people left behind hear
        it, once however many sweepers learn it."""
        with self._services_lock:  # senders may learn it at once
            if self._services is None:
                self._services = build_services(self.db, self.settings, self.clock)
        goodbye(self.client, self._services, Who(team_id=nudge.team_id, user_id=nudge.recipient))

    def _fail(self, nudge: store.Deliverable, error: str) -> bool:
        with self.db.session() as session:
            attempt = store.claim(session, nudge.id, self.clock())
            if attempt is None:
                return False
            store.mark_failed(session, nudge.id, attempt, error=error)
        log.warning("nudge %s failed for good: %s", nudge.id, error)
        return True

    def _send(self, nudge: store.Deliverable, when: WorkingTime, *, waited: bool, senders: _Senders) -> _Outcome:
        with self.db.session() as session:
            claimed = store.claim_to_send(session, nudge.id, self.clock())
        if claimed is None:
            return _Outcome.LOST  # another sweeper has it
        attempt = claimed.attempt
        now = self.clock()
        with self.db.session() as session:
            message = self._message(session, nudge, when, now)
            if message is None:
                store.cancel(session, [nudge.id])
                return _Outcome.CANCELLED
        if claimed.unconfirmed_since is not None:
            # An earlier attempt may have been posted without being recorded (its sweeper died, or Slack did not
            # answer): only such a reminder pays for reading its DM back.
            found = self._posted_already(nudge, claimed.unconfirmed_since, now)
            if isinstance(found, _Found):
                with self.db.session() as session:
                    store.mark_sent(session, nudge.id, attempt, channel=found.channel, ts=found.ts, now=self.clock())
                log.info(
                    "nudge %s had been posted before its sweeper stopped (ts %s): not sent again", nudge.id, found.ts
                )
                return _Outcome.FOUND
            if isinstance(found, _Unchecked):
                self._failed_send(nudge, attempt, found.error, unconfirmed=True)
                if found.unreachable:
                    return _Outcome.UNREACHABLE
                return _Outcome.STOP if found.error in PASS_STOPPING_ERRORS else _Outcome.RETRY
        text, blocks = with_waited_note(message) if waited else message
        for tries in range(1, RATE_LIMITED_TRIES + 1):
            later = self.pace.take_turn(nudge.team_id, nudge.recipient)
            if later is not None or self._stopping.is_set():
                wait = timedelta(seconds=later.seconds) if later is not None else timedelta(0)
                with self.db.session() as session:
                    store.give_back(
                        session,
                        nudge.id,
                        attempt,
                        not_before=self.clock() + wait,
                        unconfirmed=claimed.unconfirmed_since is not None,
                    )
                # Every other reminder of the workspace would wait as long: the pass stops sending there.
                return _Outcome.STOP if later is not None and later.workspace else _Outcome.LATER
            try:
                answer = self.client.chat_postMessage(
                    channel=nudge.recipient,
                    text=text,
                    blocks=blocks,
                    unfurl_links=False,
                    unfurl_media=False,
                    metadata=reminder_metadata(nudge.id),
                )
                break
            except SlackApiError as exc:
                retry_after = _retry_after(exc)
                if retry_after is not None:
                    # Slack says slow down: every sender holds off for as long as it asks, then this one tries again.
                    senders.slowed_down()
                    self.pace.slow_down(nudge.team_id, retry_after)
                if retry_after is None or tries == RATE_LIMITED_TRIES:
                    return self._failed_send(nudge, attempt, _error_code(exc))
            except (SlackClientError, OSError, HTTPException) as exc:
                # No answer: Slack may have posted it. The next attempt looks in the DM before sending again.
                self._failed_send(nudge, attempt, _transport_code(exc), unconfirmed=True)
                return _Outcome.UNREACHABLE
        with self.db.session() as session:
            recorded = store.mark_sent(
                session,
                nudge.id,
                attempt,
                channel=str(answer.get("channel") or nudge.recipient),
                ts=str(answer.get("ts") or ""),
                now=self.clock(),
            )
        if not recorded:
            # Our lease ran out while Slack was answering, and another sweeper took the nudge over.
            log.warning("nudge %s was sent but its claim had been taken over", nudge.id)
        return _Outcome.SENT

    def _failed_send(
        self, nudge: store.Deliverable, attempt: int, error: str, *, unconfirmed: bool = False
    ) -> _Outcome:
        with self.db.session() as session:
            if error in PERMANENT_ERRORS:
                store.mark_failed(session, nudge.id, attempt, error=error)
                log.warning("nudge %s failed for good: %s", nudge.id, error)
                return _Outcome.LEFT if error in LEFT_ERRORS else _Outcome.FAILED
            store.mark_retry(
                session,
                nudge.id,
                attempt,
                error=error,
                not_before=self.clock() + retry_delay(attempt),
                unconfirmed=unconfirmed,
            )
        log.warning("nudge %s not sent (attempt %s): %s; will retry", nudge.id, attempt, error)
        return _Outcome.STOP if error in PASS_STOPPING_ERRORS else _Outcome.RETRY

    def _posted_already(self, nudge: store.Deliverable, since: datetime, now: datetime) -> _Found | _Unchecked | None:
        """Is the reminder in the recipient's DM with the bot already? Its message metadata names the nudge; the
        DM's history is read from its first unconfirmed claim to now, and no other conversation.

        Slack refusing to let us read (missing_scope: an app installed before im:history was asked for, or any
        other refusal a retry will not fix) falls back to sending again, the behaviour before this check (at
        most that one DM twice), said once in the log. A rate limit, Slack down or unreachable: not sent now,
        retried later, still unconfirmed, rather than risk the duplicate."""
        try:
            opened = self.client.conversations_open(users=nudge.recipient)
            conversation = opened.get("channel")
            channel = conversation.get("id") if isinstance(conversation, dict) else None
            if not isinstance(channel, str) or not channel:
                self._history_refused_for(nudge, "no_channel")
                return _NOT_FOUND
            cursor: str | None = None
            for _ in range(HISTORY_PAGES_MAX):
                page = self.client.conversations_history(
                    channel=channel,
                    oldest=_slack_ts(since - HISTORY_SKEW),
                    latest=_slack_ts(now + HISTORY_SKEW),
                    inclusive=True,
                    limit=HISTORY_PAGE,
                    include_all_metadata=True,
                    cursor=cursor,
                )
                ts = reminder_in(page.get("messages"), nudge.id)
                if ts is not None:
                    return _Found(channel, ts)
                more = page.get("response_metadata")
                cursor = more.get("next_cursor") if isinstance(more, dict) else None
                if not page.get("has_more") or not isinstance(cursor, str) or not cursor:
                    break
            return _NOT_FOUND
        except SlackApiError as exc:
            error = _error_code(exc)
            if error in HISTORY_RETRY_ERRORS or error.startswith("http_"):
                return _Unchecked(error)
            self._history_refused_for(nudge, error)
            return _NOT_FOUND
        except (SlackClientError, OSError, HTTPException) as exc:
            return _Unchecked(_transport_code(exc), unreachable=True)

    def _history_refused_for(self, nudge: store.Deliverable, error: str) -> None:
        if not self._history_refused:
            log.warning(
                "conversations.history refused (%s) for nudge %s: reminders whose sweeper stopped mid-send are "
                "sent again unchecked (reinstall the app to grant im:history)",
                error,
                nudge.id,
            )
            self._history_refused = True
        else:
            log.info("nudge %s sent again unchecked (%s)", nudge.id, error)

    def _message(self, session: Session, nudge: store.Deliverable, when: WorkingTime, now: datetime) -> Message | None:
        """The DM as it should read now (the plan re-read, sharing re-checked); None if it is no longer owed."""
        line = line_store.get_line(session, nudge.line_id)
        if line is None or line.status is not LineStatus.ACTIVE:
            return None
        if nudge.kind is NudgeKind.EXPERIMENT_ENDED:
            to_manager = nudge.audience is Audience.MANAGER
            unanswered = [
                e
                for e in store.ended_experiments(session, line.id, nudge.due_on)
                if (e.manager_outcome if to_manager else e.report_outcome) is None
            ]
            if not unanswered:
                return None
            other = line.report if to_manager else line.manager
            return experiments_ended(ExperimentsEnded(other, to_manager, nudge.due_on, unanswered))
        if line.next_due_on != nudge.due_on:
            return None  # a conversation was logged or skipped: this due date is gone
        if nudge.audience is Audience.REPORT:
            return report_invite(ReportInvite(line.manager, nudge.due_on, first=line.last_held_on is None))
        goal = focus_gap = focus_since = None
        if may_see_answers(line.manager, line.report, line):
            report_id = people.find_person_id(session, line.team_id, line.report)
            saved = None if report_id is None else plan_store.latest_plan(session, report_id)
            if saved is not None:
                goal, focus_gap, focus_since = saved.plan.goal.title, saved.plan.focus_gap, saved.plan.focus_since
        prompts = prompts_for(line.id, nudge.due_on)
        calendar = self._calendar(session, line, nudge, when, now, prompts) if nudge.kind in CALENDAR_KINDS else None
        return manager_nudge(
            ManagerNudge(
                nudge_id=nudge.id,
                line_id=line.id,
                kind=nudge.kind,
                report=line.report,
                due_on=nudge.due_on,
                today=local_day(now, when.tz),
                since=line.last_held_on or line.started_on or nudge.due_on,
                since_held=line.last_held_on is not None,
                prompts=prompts,
                goal=goal,
                focus_gap=focus_gap,
                focus_since=focus_since,
                calendar=calendar,
            )
        )

    def _calendar(
        self,
        session: Session,
        line: Line,
        nudge: store.Deliverable,
        manager: WorkingTime,
        now: datetime,
        prompts: list[str],
    ) -> CalendarEvent:
        """The reminder's Add to calendar event, with the report's name (a Slack id cannot go in a calendar) and
        zone from one users.info call, made here at delivery and never while enqueueing. If Slack does not
        answer: "your report", and the zone last stored for them."""
        report_id = people.find_person_id(session, line.team_id, line.report)
        stored_tz = None if report_id is None else people.person_tz(session, report_id)
        own = people.ReminderSettings() if report_id is None else people.reminder_settings(session, report_id)
        name = report_tz = None
        try:
            user = self.client.users_info(user=line.report).get("user")
        except SlackApiError as exc:
            log.info("users.info for nudge %s's calendar link: %s", nudge.id, _error_code(exc))
        except (SlackClientError, OSError, HTTPException) as exc:
            log.info("users.info for nudge %s's calendar link: %s", nudge.id, _transport_code(exc))
        else:
            if isinstance(user, dict):
                profile = user.get("profile")
                profile = profile if isinstance(profile, dict) else {}
                names = (profile.get("display_name"), profile.get("real_name"), user.get("real_name"))
                name = next((clean for clean in map(clean_name, names) if clean), None)
                report_tz = known_zone(user.get("tz"))
        report = self.settings.working_time(
            report_tz or stored_tz, days=own.work_days, hours=own.work_hours, holidays=own.holidays
        )
        return conversation_event(now, nudge.due_on, manager, report, name=name, questions=prompts)


STAGE_KINDS: Final = frozenset(kind for kind in NudgeKind if kind is not NudgeKind.EXPERIMENT_ENDED)


def queued(db: Database) -> int:
    """Reminders waiting to be sent (bot.metrics' careerplan_reminders_queued), counted up to QUEUED_CAP."""
    with db.session() as session:
        return store.count_unsent(session, QUEUED_CAP)


def _count(outcome: _Outcome | None, tally: _Tally) -> None:
    if outcome is _Outcome.SENT:
        tally.sent += 1
    elif outcome in (_Outcome.FAILED, _Outcome.LEFT):
        tally.failed += 1
    elif outcome in (_Outcome.RETRY, _Outcome.UNREACHABLE, _Outcome.STOP):
        tally.retried += 1


def _without_rate_limit_retries(client: WebClient) -> WebClient:
    """A copy of `client` that hands a 429 back to its caller rather than sleeping on it (its other retries kept)."""
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        headers=dict(client.headers),
        retry_handlers=[h for h in client.retry_handlers if not isinstance(h, RateLimitErrorRetryHandler)],
    )


def _retry_after(exc: SlackApiError) -> float | None:
    """A 429's Retry-After in seconds (Slack sends whole seconds; 1 if it sent none or no number, at most
    RETRY_AFTER_LONGEST); None for any other error."""
    response = exc.response
    if response is None or getattr(response, "status_code", None) != 429:
        return None
    headers = getattr(response, "headers", None) or {}
    raw = headers.get("Retry-After") or headers.get("retry-after")
    try:
        seconds = float(raw) if raw is not None else 1.0
    except (TypeError, ValueError):
        seconds = 1.0
    if not math.isfinite(seconds):
        seconds = 1.0 if math.isnan(seconds) else RETRY_AFTER_LONGEST.total_seconds()
    return min(max(seconds, 0.0), RETRY_AFTER_LONGEST.total_seconds())


def _in_turns(items: Sequence[_T], key: Callable[[_T], object]) -> list[_T]:
    """`items` with each key's first item first, then each key's second, and so on (orders kept within a key)."""
    rounds: list[list[_T]] = []
    seen: dict[object, int] = {}
    for item in items:
        turn = seen.get(key(item), 0)
        seen[key(item)] = turn + 1
        if turn == len(rounds):
            rounds.append([])
        rounds[turn].append(item)
    return [item for turn in rounds for item in turn]


def _slack_ts(moment: datetime) -> str:
    """A moment as Slack's message ts (seconds since the epoch, microseconds), for history's oldest and latest."""
    return f"{moment.timestamp():.6f}"


def _error_code(exc: SlackApiError) -> str:
    response = exc.response
    error = response.get("error") if response is not None else None
    if isinstance(error, str) and error:
        return error[:100]
    return f"http_{getattr(response, 'status_code', 'error')}"


def _transport_code(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError) or (isinstance(exc, URLError) and isinstance(exc.reason, TimeoutError)):
        return "timeout"
    if isinstance(exc, SlackClientError):
        return "client_error"
    return "connection_error"


def _not_yet(now: datetime, through: date) -> store.NotYet:
    """The lines due `through` (tomorrow in UTC) whose manager's day it is not yet, by a zone kept fresh (one
    older than TZ_MAX_AGE is asked of Slack first, so its lines are read): the zones still before `through`."""
    return store.NotYet(through, _zones_before(now, through), now - TZ_MAX_AGE)


@lru_cache(maxsize=4)
def _zones_before(now: datetime, day: date) -> tuple[str, ...]:
    # Every zone this machine knows, once a pass (the pass's `now`); zones are cached, so this is a loop of
    # offsets. A name not in the list (an alias) is read, as before, and decided on in Python.
    return tuple(sorted(name for name in _known_zones() if local_day(now, name) < day))


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())  # read from the disk once: it walks the zone files


def _chunks(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
