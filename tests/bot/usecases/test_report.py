"""Reports.report: the workspace's and a manager's organisation's figures from the database, and its refusals."""

from __future__ import annotations

from datetime import date

import pytest

from bot.career.report import M as Measure
from bot.career.report import headlines
from bot.usecases.report import ReportError, Reports, default_since_until
from storage.db import Database
from tests.builders import TEAM
from tests.reportorg import PERIOD_SINCE, PERIOD_UNTIL, REPORT_NOW, A, X, build_report_org


@pytest.fixture
def reports(db: Database) -> Reports:
    with db.session() as session:
        build_report_org(session)
    return Reports(db)


def test_the_workspace_report_adds_up_every_team(reports: Reports) -> None:
    built = reports.report(TEAM, since=PERIOD_SINCE, until=PERIOD_UNTIL, now=REPORT_NOW, min_group=2)
    assert built.scope == "workspace"
    assert [figure.text(2) for figure in built.section("people").rows] == ["11", "8"]
    assert built.figure(Measure.HELD).text(2) == "4"
    assert built.figure(Measure.WITH_PLAN).text(2) == "5 of 11 (45%)"
    # On cadence: M, D, A, Y, W; overdue: D, E, B, C, Y (D and Y by less than 14 days).
    assert built.figure(Measure.ON_CADENCE).text(2) == "5 of 8 (62%)"
    assert built.figure(Measure.OVERDUE).text(2) == "5 of 8 (62%)"
    assert built.figure("cadence.median_days_late").text(2) == "52 days"  # 1, 11, 52, 124, 143


def test_at_the_default_minimum_this_small_organisation_shows_only_groups_of_five(reports: Reports) -> None:
    built = reports.report(TEAM, since=PERIOD_SINCE, until=PERIOD_UNTIL, now=REPORT_NOW)
    for figure in built.figures():
        assert figure.count is None or figure.count == 0 or figure.count >= 5, figure
    assert [figure.text(5) for figure in headlines(built)][:2] == ["11", "8"]


def test_a_managers_organisation_is_their_team_and_everyone_below(reports: Reports) -> None:
    built = reports.report(TEAM, since=PERIOD_SINCE, until=PERIOD_UNTIL, now=REPORT_NOW, min_group=2, under_user=X)
    assert built.scope == f"under {X}"
    assert built.figure(Measure.LINES_ACTIVE).text(2) == "6"  # M, D, E and M's A, B, C
    # The workspace has 11 people, X's organisation 6: the 5 others (X, Z, Y, V, W) are a group of 5, not < 2.
    assert built.figure(Measure.PEOPLE).text(2) == "6"


def test_refusals_say_what_is_wrong(reports: Reports) -> None:
    def asking(**changes: object) -> str:
        arguments: dict[str, object] = {"since": PERIOD_SINCE, "until": PERIOD_UNTIL, "now": REPORT_NOW, **changes}
        team = str(arguments.pop("team", TEAM))
        with pytest.raises(ReportError) as refused:
            reports.report(team, **arguments)  # type: ignore[arg-type]
        return str(refused.value)

    assert "no workspace 'T0NOPE'" in asking(team="T0NOPE")
    assert "starts (2026-07-01) after it ends (2026-06-30)" in asking(since=date(2026, 7, 1))
    assert "at least 2, not 1" in asking(min_group=1)
    assert "nobody with the Slack id U0NOBODY1" in asking(under_user="U0NOBODY1")
    assert "has no reporting lines" in asking(under_user=A)
    assert "a Slack user id" in asking(under_user="<script>")


def test_the_default_period_ends_today() -> None:
    assert default_since_until(REPORT_NOW) == (date(2025, 11, 22), date(2026, 11, 21))


def test_the_workspaces_are_listed(reports: Reports) -> None:
    assert reports.workspaces() == [TEAM]
