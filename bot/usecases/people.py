"""Use cases of people as the workspace changes them: one unit of work each, in domain terms."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.career.cadence import known_zone
from bot.career.lines import EndReason, Line
from bot.usecases.common import Clock, Who, utc_now
from storage import asks as ask_store
from storage import lines as line_store
from storage import own_data, people
from storage.db import Database
from storage.people import Departed


@dataclass
class Purge:
    """What `purge-departed` erased (or, in a dry run, would erase): whose answers, and how many rows of each."""

    departed: list[Departed]
    erased: Counter[str] = field(default_factory=Counter)  # rows per storage.own_data.ERASED_KEYS
    people_with_answers: int = 0  # of `departed`, those who still had answers to erase


class People:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def zone_changed(self, who: Who, tz: object) -> bool:
        """The person's time zone is now `tz` (Slack's word, as it sends it): keep it at once, so reminders
        are decided and sent on their new local day. Only for someone careerplan knows (a workspace's other
        members are not stored), and only a zone this machine knows. Whether it was kept."""
        zone = known_zone(tz)
        if zone is None:
            return False
        with self.db.session() as session:
            person_id = people.find_person_id(session, who.team_id, who.user_id)
            if person_id is None:
                return False
            people.set_tz(session, person_id, zone, self.clock())
        return True

    def left(self, who: Who) -> list[Line]:
        """The person left the workspace (Slack deactivated their account): every line they are in, as report or
        manager, ends now with reason `left`, and the reminders those lines owed are cancelled; their open asks
        for gaps, sent or received, are withdrawn. Their answers
        stay theirs. Returns the lines that ended (as they were), for telling the other person; none the
        second time, or for someone careerplan never met."""
        now = self.clock()
        with self.db.session() as session:
            person_id = people.find_person_id(session, who.team_id, who.user_id)
            if person_id is None:
                return []
            people.mark_deactivated(session, person_id, now)
            ask_store.withdraw_open_asks_of(session, person_id, now)  # nobody waits on an answer that can't come
            return line_store.end_lines_of(session, person_id, EndReason.LEFT, now)

    def came_back(self, who: Who) -> bool:
        """Slack reactivated the account: they are no longer taken as gone. Nothing restarts by itself (their
        old lines stay ended); they or their manager name each other again. Whether anything changed."""
        with self.db.session() as session:
            person_id = people.find_person_id(session, who.team_id, who.user_id)
            return person_id is not None and people.mark_reactivated(session, person_id)

    def purge_departed(self, days: int, *, dry_run: bool) -> Purge:
        """Erase the answers of everyone deactivated more than `days` days ago, one person per transaction (so a
        failure half-way keeps what was done). A dry run only says who."""
        with self.db.session() as session:
            purge = Purge(people.departed_before(session, self.clock() - timedelta(days=days)))
        if dry_run:
            return purge
        for person in purge.departed:
            with self.db.session() as session:
                counts = own_data.erase_answers(session, person.person_id)
            purge.erased.update(counts)
            if any(counts[key] for key in own_data.ERASED_KEYS if key not in own_data.SHARING_KEYS):
                purge.people_with_answers += 1
        if purge.departed:
            self.db.forget_erased()  # once, after the last commit: the words leave the write-ahead log too
        return purge

    def welcome(self, who: Who, *, on_home: bool) -> datetime | None:
        """Take the person's one welcome DM: when they joined the workspace, or (`on_home`) when they open Home
        and have saved no plan yet. The moment it was claimed, to be sent now; None if they had theirs already
        (a replay, two events racing, a Home open after joining)."""
        now = self.clock()
        with self.db.session() as session:
            person_id = people.ensure_person(session, who.team_id, who.user_id, now)
            return now if people.claim_welcome(session, person_id, now, unless_planned=on_home) else None

    def welcome_undelivered(self, who: Who, claimed_at: datetime) -> None:
        """The welcome claimed at `claimed_at` did not reach them: the next chance sends it."""
        with self.db.session() as session:
            person_id = people.find_person_id(session, who.team_id, who.user_id)
            if person_id is not None:
                people.release_welcome(session, person_id, claimed_at)
