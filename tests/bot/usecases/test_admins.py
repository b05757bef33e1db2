"""Admins: who is one (a listed id, in the workspace the bot's token is for, decided at each call), and what they
get (their workspace's report of the last 12 months), or why not."""

from __future__ import annotations

from datetime import date

import pytest

from bot.career.report import DEFAULT_MIN_GROUP
from bot.usecases.admins import NOT_AN_ADMIN, Admins
from bot.usecases.common import Refused, Who
from storage.db import Database
from tests import builders as b
from tests.builders import TEAM
from tests.clock import Clock
from tests.reportorg import REPORT_NOW, A, build_report_org

ADMIN = Who(TEAM, "U0ADMIN")


@pytest.fixture
def admins(db: Database) -> Admins:
    with db.session() as session:
        build_report_org(session)
    serving = Admins(db, frozenset({ADMIN.user_id}), lambda: REPORT_NOW)
    serving.installed_in(TEAM)
    return serving


def test_an_admin_gets_their_workspaces_report_of_the_last_12_months(admins: Admins) -> None:
    report = admins.report(ADMIN)
    assert not isinstance(report, Refused)
    assert (report.team_id, report.scope, report.min_group) == (TEAM, "workspace", DEFAULT_MIN_GROUP)
    assert (report.since, report.until) == (date(2025, 11, 22), date(2026, 11, 21))
    counts = admins.home_counts(ADMIN)
    assert counts is not None and counts.report == report


@pytest.mark.parametrize(
    "who",
    [Who(TEAM, A), Who("T0OTHER", ADMIN.user_id), Who(TEAM, ADMIN.user_id.lower())],
    ids=["a person not listed", "the admin's id in another workspace", "a look-alike id"],
)
def test_anyone_else_is_refused_and_has_no_section(admins: Admins, who: Who) -> None:
    assert admins.report(who) == Refused(NOT_AN_ADMIN)
    assert admins.home_counts(who) is None


def test_until_slack_has_said_which_workspace_the_token_is_for_nobody_is_an_admin(db: Database) -> None:
    fresh = Admins(db, frozenset({ADMIN.user_id}), lambda: REPORT_NOW)
    fresh.installed_in(None)  # an org-wide install names no team: nobody, rather than anybody
    assert fresh.report(ADMIN) == Refused(NOT_AN_ADMIN)
    assert fresh.home_counts(ADMIN) is None


def test_a_workspace_with_nothing_stored_yet_says_so(db: Database) -> None:
    empty = Admins(db, frozenset({ADMIN.user_id}), lambda: REPORT_NOW)
    empty.installed_in(TEAM)
    refused = empty.report(ADMIN)
    assert isinstance(refused, Refused) and refused.message.startswith("No report yet: there is no workspace")
    counts = empty.home_counts(ADMIN)
    assert counts is not None and counts.report is None and counts.missing == refused.message


def test_home_counts_are_kept_ten_minutes_and_the_report_by_dm_is_always_counted_afresh(db: Database) -> None:
    with db.session() as session:
        build_report_org(session)
    clock = Clock(REPORT_NOW)
    serving = Admins(db, frozenset({ADMIN.user_id}), clock)
    serving.installed_in(TEAM)

    def people_on_home() -> int | None:
        counts = serving.home_counts(ADMIN)
        assert counts is not None and counts.report is not None
        return counts.report.figure("people").count

    before = people_on_home()
    assert before is not None
    with db.session() as session:
        b.person(session, "UNEW00001", now=REPORT_NOW)
    clock.advance(minutes=9)
    assert people_on_home() == before  # the Home's counts, as counted 9 minutes ago
    fresh = serving.report(ADMIN)
    assert not isinstance(fresh, Refused) and fresh.figure("people").count == before + 1
    clock.advance(minutes=1)
    assert people_on_home() == before + 1
