"""The report as a terminal table, CSV and JSON. Cheap by design: one pass over the report's figures.

Every value printed comes from the Report as built (suppression applied). The only text not written by careerplan
itself is a team's manager's Slack id, read from the database: it is made printable (no control characters) on a
terminal, and kept from reading as a formula in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from bot.career.report import Figure, Report, TeamRow

FORMATS = ("table", "csv", "json")


def printable(text: str) -> str:
    """Text safe on a terminal: control and other invisible characters written as Python escapes."""
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii") for char in text)


def team_label(row: TeamRow) -> str:
    return f"Team of {row.manager}"


def period_line(report: Report) -> str:
    return (
        f"{report.since.isoformat()} to {report.until.isoformat()} (days included); "
        f"groups under {report.min_group} suppressed"
    )


def scope_title(report: Report) -> str:
    where = "the whole workspace" if report.scope == "workspace" else f"the organisation {report.scope}"
    return f"careerplan report for {report.team_id}: {where}"


def teams_note(report: Report) -> str:
    notes = []
    if report.teams_not_listed:
        notes.append(f"{report.teams_not_listed:,} more teams not listed (--teams N lists more)")
    if report.teams_small:
        teams = "team" if report.teams_small == 1 else "teams"
        notes.append(f"{report.teams_small:,} {teams} of fewer than {report.min_group} people not shown")
    return "; ".join(notes)


def render_text(report: Report) -> str:
    """A table for a terminal: one section after another, labels left, values right."""
    k = report.min_group
    labels = [row.label for section in report.sections for row in section.rows]
    width = max(len(label) for label in labels) + 2
    out = [printable(scope_title(report)), period_line(report), f"generated {report.generated_at:%Y-%m-%d %H:%M} UTC"]
    for section in report.sections:
        out += ["", section.title, "-" * len(section.title)]
        out += [f"  {row.label:<{width}}{row.text(k)}" for row in section.rows]
    out += ["", "On cadence by team (least on cadence first)", "-" * 43]
    if report.teams:
        name = max(len(printable(team_label(row))) for row in report.teams) + 2
        out.append(f"  {'Team':<{name}}{'Active lines':>14}  {'On cadence':>22}  {'Overdue now':>22}")
        for row in report.teams:
            cells = (row.lines.text(k), row.on_cadence.text(k), row.overdue.text(k))
            out.append(f"  {printable(team_label(row)):<{name}}{cells[0]:>14}  {cells[1]:>22}  {cells[2]:>22}")
    else:
        out.append(f"  No team of {k} or more people in this scope.")
    if note := teams_note(report):
        out.append(f"  {note}")
    return "\n".join(out) + "\n"


def _cell(figure: Figure) -> dict[str, Any]:
    share = figure.share
    return {
        "key": figure.key,
        "label": figure.label,
        "count": figure.count,
        "of": figure.of,
        "share": None if share is None else round(share, 4),
        "days": figure.days,
        "hidden": None if figure.hidden is None else figure.hidden.value,
    }


def as_data(report: Report) -> dict[str, Any]:
    """The report as plain data (JSON's shape)."""
    k = report.min_group
    return {
        "team_id": report.team_id,
        "scope": report.scope,
        "since": report.since.isoformat(),
        "until": report.until.isoformat(),
        "generated_at": report.generated_at.isoformat(),
        "min_group": k,
        "sections": [
            {
                "key": section.key,
                "title": section.title,
                "rows": [_cell(row) | {"text": row.text(k)} for row in section.rows],
            }
            for section in report.sections
        ],
        "teams": [
            {
                "manager": row.manager,
                "lines": _cell(row.lines) | {"text": row.lines.text(k)},
                "on_cadence": _cell(row.on_cadence) | {"text": row.on_cadence.text(k)},
                "overdue": _cell(row.overdue) | {"text": row.overdue.text(k)},
            }
            for row in report.teams
        ],
        "teams_small": report.teams_small,
        "teams_not_listed": report.teams_not_listed,
    }


def render_json(report: Report) -> str:
    return json.dumps(as_data(report), indent=2, ensure_ascii=False) + "\n"


def _spreadsheet_safe(text: str) -> str:
    # A cell starting with = + - @ (or a tab or carriage return) is a formula to a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


CSV_COLUMNS = ("section", "key", "label", "count", "of", "share", "days", "shown")


def render_csv(report: Report) -> str:
    """One row per figure (sections first, then each team's three), with the text a person would read."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    k = report.min_group

    def write(section: str, figure: Figure, label: str) -> None:
        share = figure.share
        writer.writerow(
            (
                section,
                figure.key,
                _spreadsheet_safe(label),
                "" if figure.count is None else figure.count,
                "" if figure.of is None else figure.of,
                "" if share is None else f"{share:.4f}",
                "" if figure.days is None else f"{figure.days:g}",
                figure.text(k),
            )
        )

    for section in report.sections:
        for row in section.rows:
            write(section.key, row, row.label)
    for team in report.teams:
        label = printable(team_label(team))
        for figure in (team.lines, team.on_cadence, team.overdue):
            write("teams", figure, f"{label}: {figure.label}")
    return buffer.getvalue()


def render(report: Report, form: str) -> str:
    if form == "csv":
        return render_csv(report)
    if form == "json":
        return render_json(report)
    return render_text(report)
