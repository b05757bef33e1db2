"""The admin import of reporting lines (`careerplan import-managers`), on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from bot.career.lines import EndReason, LineStatus
from bot.usecases.importer import CsvRow, ImportFileError, LookupFailed, Summary, import_managers, parse_csv, read_csv
from storage import lines as line_store
from storage import people
from storage.db import Database
from storage.models import Person, ReportingLine
from tests import builders

TEAM = "T1"
NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
TODAY = NOW.date()


class Directory:
    """Slack's users.lookupByEmail, counting the questions it is asked."""

    def __init__(self, **users: str) -> None:
        self.users = {email.lower(): user_id for email, user_id in users.items()}
        self.asked: list[str] = []
        self.failing: dict[str, str] = {}

    def __call__(self, email: str) -> str | None:
        self.asked.append(email)
        if email.lower() in self.failing:
            raise LookupFailed(self.failing[email.lower()])
        return self.users.get(email.lower())


def run(
    db: Database, csv_text: str, lookup: Directory | None = None, *, dry_run: bool = False, now: datetime = NOW
) -> Summary:
    return import_managers(
        db,
        TEAM,
        parse_csv(csv_text),
        lookup or Directory(),
        default_cadence_months=3,
        now=now,
        dry_run=dry_run,
    )


def counts(summary: Summary) -> tuple[int, int, int, int, int]:
    return summary.created, summary.updated, summary.unchanged, summary.ended, len(summary.rejected)


def table(db: Database) -> list[tuple[object, ...]]:
    """Every reporting line, every column, with people as Slack ids: what "the same database" means here."""
    with db.session() as session:
        rows = session.execute(select(ReportingLine).order_by(ReportingLine.id)).scalars().all()
        users: dict[int, str] = dict(session.execute(select(Person.id, Person.slack_user_id)).all())
        return [
            (
                users[row.report_id],
                users[row.manager_id],
                row.status,
                row.requested_by,
                _utc(row.requested_at),
                row.started_on,
                row.cadence_months,
                _utc(row.shared_at),
                _utc(row.ended_at),
                row.end_reason,
            )
            for row in rows
        ]


def _utc(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def manager_of(db: Database, user_id: str) -> str | None:
    with db.session() as session:
        return line_store.manager_user_of(session, TEAM, user_id)


def person_count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Person)) or 0


ORG = """report,manager,start_date,cadence_months
U0ANA,U0BOB,2026-01-05,
U0CAROL,U0BOB,,6
dan@example.com,U0ANA,2025-12-01,4
"""


def test_the_same_file_imported_twice_gives_the_same_database_and_changes_nothing(db: Database) -> None:
    directory = Directory(**{"dan@example.com": "U0DAN"})
    first = run(db, ORG, directory)
    after_first = table(db)
    second = run(db, ORG, directory, now=NOW + timedelta(days=3))  # another day: "today" must not leak in

    assert counts(first) == (3, 0, 0, 0, 0)
    assert counts(second) == (0, 0, 3, 0, 0)
    assert table(db) == after_first
    assert [row[:7] for row in after_first] == [
        ("U0ANA", "U0BOB", "active", "admin", NOW, date(2026, 1, 5), 3),
        ("U0CAROL", "U0BOB", "active", "admin", NOW, TODAY, 6),
        ("U0DAN", "U0ANA", "active", "admin", NOW, date(2025, 12, 1), 4),
    ]


def test_bad_rows_are_each_named_with_their_reason_and_the_rest_are_imported(db: Database) -> None:
    directory = Directory(**{"ana@example.com": "U0ANA"})
    directory.failing["slow@example.com"] = "Slack answered ratelimited"
    summary = run(
        db,
        "report,manager,start_date,cadence_months\n"
        "U0ANA,U0BOB,,\n"  # 2: fine
        "bob@example.com,U0BOB,,\n"  # 3
        "ana@example.com,U0ANA,,\n"  # 4
        "U0CAROL,U0BOB,2026-02-30,\n"  # 5
        "U0CAROL,U0BOB,5 Jan 2026,\n"  # 6
        "U0DAN,U0BOB,,12\n"  # 7
        "U0DAN,,,\n"  # 8
        "Bob Smith,U0BOB,,\n"  # 9
        "U0EVE,slow@example.com,,\n"  # 10
        "U0FAY,U0BOB,2026-03-01,4\n",  # 11: fine
        directory,
    )

    assert [(r.row, r.reason) for r in summary.rejected] == [
        (3, "unknown e-mail bob@example.com"),
        (4, "self-management: ana@example.com cannot be their own manager"),
        (5, "bad start date '2026-02-30': use YYYY-MM-DD, e.g. 2026-01-05"),
        (6, "bad start date '5 Jan 2026': use YYYY-MM-DD, e.g. 2026-01-05"),
        (7, "bad cadence '12': a whole number of months from 3 to 6"),
        (8, "no manager given"),
        (9, "report 'Bob Smith' is neither a Slack user id (U…) nor an e-mail address"),
        (10, "cannot use e-mail slow@example.com: Slack answered ratelimited"),
    ]
    assert counts(summary) == (2, 0, 0, 0, 8)
    assert summary.line() == "created 2, updated 0, unchanged 0, ended 0, rejected 8"
    assert [row[:2] for row in table(db)] == [("U0ANA", "U0BOB"), ("U0FAY", "U0BOB")]
    assert manager_of(db, "U0CAROL") is None


def test_a_row_with_several_problems_names_them_all(db: Database) -> None:
    summary = run(db, "report,manager,start_date,cadence_months\nU0ANA,nobody@example.com,2026-13-01,two\n")
    assert summary.rejected[0].reason == (
        "unknown e-mail nobody@example.com; bad start date '2026-13-01': use YYYY-MM-DD, e.g. 2026-01-05; "
        "bad cadence 'two': a whole number of months from 3 to 6"
    )


def test_a_dry_run_writes_nothing_but_says_what_would_happen(db: Database) -> None:
    run(db, "report,manager\nU0ANA,U0BOB\n")
    before, people_before = table(db), person_count(db)

    summary = run(db, "report,manager\nU0ANA,U0CAROL\nU0DAN,U0BOB\nU0CAROL,U0ANA\n", dry_run=True)

    assert counts(summary) == (2, 0, 0, 1, 1)
    assert summary.line() == (
        "dry run, nothing written: would have created 2, updated 0, unchanged 0, ended 1, rejected 1"
    )
    assert table(db) == before
    assert person_count(db) == people_before
    assert manager_of(db, "U0ANA") == "U0BOB"


def test_a_new_manager_ends_the_old_line_and_the_old_manager_loses_the_report(db: Database) -> None:
    run(db, "report,manager\nU0ANA,U0BOB\n")
    later = NOW + timedelta(days=40)
    summary = run(db, "report,manager,start_date\nU0ANA,U0CAROL,2027-01-01\n", now=later)

    assert counts(summary) == (1, 0, 0, 1, 0)
    assert manager_of(db, "U0ANA") == "U0CAROL"
    old, new = table(db)
    assert old[:3] == ("U0ANA", "U0BOB", LineStatus.ENDED.value)
    assert (old[8], old[9]) == (later, EndReason.REPLACED.value)
    assert new[:3] == ("U0ANA", "U0CAROL", LineStatus.ACTIVE.value)
    assert new[5] == date(2027, 1, 1)
    with db.session() as session:
        bob = people.find_person_id(session, TEAM, "U0BOB")
        assert bob is not None
        assert line_store.reports_of(session, bob) == []


def test_a_new_start_date_or_cadence_updates_the_line_and_a_blank_one_keeps_it(db: Database) -> None:
    run(db, "report,manager,start_date,cadence_months\nU0ANA,U0BOB,2026-01-05,3\nU0CAROL,U0BOB,2026-01-05,3\n")
    summary = run(
        db,
        "report,manager,start_date,cadence_months\nU0ANA,U0BOB,2026-02-01,\nU0CAROL,U0BOB,,5\nU0CAROL,U0BOB,,\n",
    )

    assert counts(summary) == (0, 2, 1, 0, 0)
    assert [(row[0], row[5], row[6]) for row in table(db)] == [
        ("U0ANA", date(2026, 2, 1), 3),
        ("U0CAROL", date(2026, 1, 5), 5),
    ]


def test_a_cycle_within_the_file_is_rejected(db: Database) -> None:
    summary = run(db, "report,manager\nU0ANA,U0BOB\nU0BOB,U0ANA\n")
    assert [(r.row, r.reason) for r in summary.rejected] == [
        (3, "a cycle: U0BOB → U0ANA → U0BOB (each would report to the next)")
    ]
    assert manager_of(db, "U0BOB") is None


def test_a_cycle_with_the_database_is_rejected_and_named_as_the_file_names_people(db: Database) -> None:
    run(db, "report,manager\nU0ANA,U0BOB\nU0BOB,U0CAROL\n")
    summary = run(db, "report,manager\ncarol@example.com,U0ANA\n", Directory(**{"carol@example.com": "U0CAROL"}))
    assert [(r.row, r.reason) for r in summary.rejected] == [
        (2, "a cycle: carol@example.com → U0ANA → U0BOB → carol@example.com (each would report to the next)")
    ]
    assert manager_of(db, "U0CAROL") is None


def test_moving_a_report_out_from_under_a_manager_first_lets_the_manager_report_to_them(db: Database) -> None:
    # Not a cycle: by the time row 3 is applied, U0BOB no longer reports to U0ANA.
    run(db, "report,manager\nU0BOB,U0ANA\n")
    summary = run(db, "report,manager\nU0BOB,U0CAROL\nU0ANA,U0BOB\n")
    assert counts(summary) == (2, 0, 0, 1, 0)
    assert (manager_of(db, "U0ANA"), manager_of(db, "U0BOB")) == ("U0BOB", "U0CAROL")


def test_a_report_given_two_managers_in_one_file_keeps_the_first(db: Database) -> None:
    summary = run(
        db,
        "report,manager,start_date\nU0ANA,U0BOB,2026-01-05\nU0ANA,U0CAROL,\nU0ANA,U0BOB,2026-02-01\nU0ANA,U0BOB,\n",
    )
    assert [(r.row, r.reason) for r in summary.rejected] == [
        (3, "report U0ANA already has manager U0BOB on row 2"),
        (4, "report U0ANA and manager U0BOB are already on row 2 with a different start date or cadence"),
    ]
    assert counts(summary) == (1, 0, 1, 0, 2)
    assert manager_of(db, "U0ANA") == "U0BOB"


def test_each_e_mail_address_is_looked_up_once_whatever_its_case(db: Database) -> None:
    directory = Directory(**{"boss@example.com": "U0BOSS", "ghost@example.com": "U0GHOST"})
    rows = [f"U0R{i:03d},{'Boss@Example.com' if i % 2 else 'boss@example.com'}" for i in range(50)]
    rows += ["U0X,nobody@example.com", "U0Y,nobody@example.com"]
    summary = run(db, "report,manager\n" + "\n".join(rows) + "\n", directory)
    assert counts(summary) == (50, 0, 0, 0, 2)
    assert sorted(email.lower() for email in directory.asked) == ["boss@example.com", "nobody@example.com"]


def test_reports_the_file_does_not_name_are_left_alone(db: Database) -> None:
    run(db, "report,manager\nU0ANA,U0BOB\nU0CAROL,U0BOB\n")
    run(db, "report,manager\nU0ANA,U0DAN\n")
    assert manager_of(db, "U0CAROL") == "U0BOB"


def test_an_import_supersedes_a_pending_request_for_the_same_pair(db: Database) -> None:
    with db.session() as session:
        builders.pending_line(session, "U0ANA", "U0BOB", team=TEAM, now=NOW)
        ana = builders.person(session, "U0ANA", team=TEAM, now=NOW)
    run(db, "report,manager\nU0ANA,U0BOB\n")
    assert [row[2:4] for row in table(db)] == [("ended", "report"), ("active", "admin")]
    with db.session() as session:
        assert line_store.pending_lines_of(session, ana) == []


def test_the_file_is_read_as_a_spreadsheet_saves_it(tmp_path: Path) -> None:
    path = tmp_path / "hr.csv"
    # Excel's "CSV UTF-8": a byte-order mark, CRLF, headers in any case, extra columns, blank rows.
    path.write_bytes(
        "\ufeffName;Manager;REPORT;Start Date;Cadence-Months\r\n"
        "Ana;U0BOB;U0ANA;2026-01-05;4\r\n"
        "\r\n"
        ";;;;\r\n"
        '"Carol, Jr.";bob@example.com;" U0CAROL ";;\r\n'.encode()
    )
    assert read_csv(path) == [
        CsvRow(2, "U0ANA", "U0BOB", "2026-01-05", "4"),
        CsvRow(5, "U0CAROL", "bob@example.com", "", ""),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "report,boss\nU0ANA,U0BOB\n",
            "the file has no 'manager' column: its first row must name the columns report and manager "
            "(and optionally start_date, cadence_months), but it has 'report', 'boss'",
        ),
        ("U0ANA,U0BOB\n", "the file has no 'report' or 'manager' column"),
        ("", "the file is empty: its first row must name the columns report and manager"),
        ("report,manager,Manager\n", 'the file has two "manager" columns: keep one'),
    ],
)
def test_an_unusable_header_is_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(ImportFileError) as raised:
        parse_csv(text)
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_a_missing_or_non_utf8_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match=r"cannot read .*missing\.csv: no such file"):
        read_csv(tmp_path / "missing.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("report,manager\nJosé,U0BOB\n".encode("latin-1"))
    with pytest.raises(ImportFileError, match="is not UTF-8 text"):
        read_csv(latin)


def test_a_header_only_file_imports_nothing(db: Database) -> None:
    assert counts(run(db, "report,manager\n")) == (0, 0, 0, 0, 0)
    assert table(db) == []


def test_a_run_that_changes_nothing_writes_nothing(db: Database) -> None:
    # On SQLite a write takes the lock the running bot needs; an unchanged file must not take it.
    run(db, ORG, Directory(**{"dan@example.com": "U0DAN"}))
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement.lstrip().split()[0].upper())

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        summary = run(db, ORG, Directory(**{"dan@example.com": "U0DAN"}))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert counts(summary) == (0, 0, 3, 0, 0)
    assert statements
    assert set(statements) == {"SELECT"}


def test_a_person_who_left_slack_is_refused_as_report_or_manager(db: Database) -> None:
    with db.session() as session:
        for user in ("U0GONE", "U0EXBOSS"):
            people.mark_deactivated(session, builders.person(session, user, team=TEAM), NOW - timedelta(days=2))
    summary = run(db, "report,manager\nU0GONE,U0BOB\nU0ANA,U0EXBOSS\nU0ANA,U0BOB\n")
    assert [(r.row, r.reason) for r in summary.rejected] == [
        (2, "report U0GONE has left Slack (the account is deactivated)"),
        (3, "manager U0EXBOSS has left Slack (the account is deactivated)"),
    ]
    assert [row[:2] for row in table(db)] == [("U0ANA", "U0BOB")]
