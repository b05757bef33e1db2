"""The report's renderers: what a terminal, a spreadsheet, a JSON reader and a browser get, with a hostile team
label (the only text from the database: a manager's Slack id)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from datetime import UTC, date, datetime

import pytest

from bot.career.report import M, Report, TeamTally, build_report, held_in
from bot.report.html import ChartsUnavailable, render_html
from bot.report.render import render_csv, render_json, render_text, teams_note

HOSTILE = '=HYPERLINK("x")\x1b[31m<script>alert(1)</script>$\\nosuchcommand{$ & \u202e'  # TeX, to matplotlib


def a_report(label: str = "U0000001") -> Report:
    counts = {
        M.PEOPLE: 40,
        M.LINES_ACTIVE: 40,
        M.CADENCE_LINES: 40,
        M.ON_CADENCE: 30,
        M.OVERDUE: 10,
        M.HELD: 12,
        held_in("2026-01"): 7,
        held_in("2026-02"): 5,
    }
    return build_report(
        "T1",
        [TeamTally(1, None, label, counts, {20: 10})],
        since=date(2026, 1, 1),
        until=date(2026, 2, 28),
        generated_at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
    )


def test_the_table_lines_up_label_and_value() -> None:
    text = render_text(a_report())
    assert "careerplan report for T1: the whole workspace\n" in text
    assert "  Lines on cadence (at most 14 days past due)" in text
    assert text.count("30 of 40 (75%)") == 2  # the workspace's, and its one team's
    assert "  Team of U0000001" in text


def test_a_hostile_team_label_is_inert_in_every_format() -> None:
    report = a_report(HOSTILE)
    text = render_text(report)
    assert "\x1b" not in text and "\u202e" not in text and "\\x1b[31m" in text
    rows = list(csv.DictReader(io.StringIO(render_csv(report))))
    team_rows = [row for row in rows if row["section"] == "teams"]
    assert team_rows and all(not row["label"].startswith(("=", "+", "-", "@")) for row in team_rows)
    assert json.loads(render_json(report))["teams"][0]["manager"] == HOSTILE  # JSON escapes it itself
    page = render_html(report)
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_the_page_is_one_file_with_two_charts() -> None:
    page = render_html(a_report())
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 2
    assert "default-src 'none'" in page and "<script" not in page.lower()
    assert "<?xml" not in page and "<metadata>" not in page


def test_without_matplotlib_the_page_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ChartsUnavailable, match=r'pip install "careerplan\[report\]"'):
        render_html(a_report())


@pytest.mark.parametrize(("small", "said"), [(1, "1 team of fewer than 5"), (3, "3 teams of fewer than 5")])
def test_the_teams_not_shown_are_counted_in_plain_words(small: int, said: str) -> None:
    report = dataclasses.replace(a_report(), teams_small=small)
    assert f"{said} people not shown" in teams_note(report)
