"""`careerplan import-managers`: reporting lines from HR's CSV file (DESIGN.md F3). Slack-free.

An admin import counts as the report's consent, so its lines are active at once. Running the same file
twice changes nothing, and the import is not a full sync: reports the file does not name are left alone.
E-mail addresses are resolved by an injected `lookup`; every Slack call happens before the database
transaction opens, so the bot's own writes never wait on Slack.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from bot.career.lines import CADENCE_MAX_MONTHS, CADENCE_MIN_MONTHS, MAX_CHAIN, EndReason, RequestedBy, makes_cycle
from storage import lines as line_store
from storage import people
from storage.db import Database

REQUIRED_COLUMNS = ("report", "manager")
OPTIONAL_COLUMNS = ("start_date", "cadence_months")
COLUMNS_HELP = "report and manager (and optionally start_date, cadence_months)"
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DELIMITERS = ",;\t"  # spreadsheets in some locales save "CSV" with semicolons or tabs

# An e-mail address to its Slack user id; None when Slack knows no such address.
Lookup = Callable[[str], str | None]
_T = TypeVar("_T")


class Progress(Protocol):
    """Wraps each pass over the rows, e.g. in a progress bar; `what` names the pass."""

    def __call__(self, items: Sequence[_T], what: str) -> Iterable[_T]: ...


def no_progress(items: Sequence[_T], what: str) -> Iterable[_T]:
    return items


class ImportFileError(Exception):
    """The file cannot be imported at all; str(exc) is the one line the admin sees."""


class LookupFailed(Exception):
    """Slack could not say whose an e-mail address is, or named an account that cannot be used; str(exc) is why."""


@dataclass(frozen=True)
class CsvRow:
    """One row as written in the file, cells stripped; `number` is the row a spreadsheet shows (header = 1)."""

    number: int
    report: str
    manager: str
    start_date: str = ""
    cadence_months: str = ""


@dataclass(frozen=True)
class Rejected:
    row: int
    reason: str


@dataclass(frozen=True)
class Checked:
    """A row whose cells are valid: people as Slack user ids, labelled as the file names them."""

    row: int
    report: str
    manager: str
    report_label: str
    manager_label: str
    start_date: date | None
    cadence_months: int | None


@dataclass
class Summary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ended: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    dry_run: bool = False

    def line(self) -> str:
        counts = (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"ended {self.ended}, rejected {len(self.rejected)}"
        )
        return f"dry run, nothing written: would have {counts}" if self.dry_run else counts


# -- reading the file ------------------------------------------------------------------------------


def read_csv(path: Path) -> list[CsvRow]:
    try:
        # utf-8-sig: Excel's "CSV UTF-8" starts with a byte-order mark that must not stick to "report".
        with path.open(encoding="utf-8-sig", newline="") as file:
            text = file.read()
    except FileNotFoundError:
        raise ImportFileError(f"cannot read {path}: no such file") from None
    except UnicodeDecodeError:
        raise ImportFileError(f"{path} is not UTF-8 text: save it as CSV UTF-8 and try again") from None
    except OSError as exc:
        raise ImportFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse_csv(text, str(path))


def parse_csv(text: str, name: str = "the file") -> list[CsvRow]:
    """The data rows; blank rows are skipped but still counted, so numbers match the spreadsheet's."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(DELIMITERS, key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    positions: dict[str, int] | None = None
    rows: list[CsvRow] = []
    try:
        for record in reader:
            number += 1
            if not any(cell.strip() for cell in record):
                continue
            if positions is None:
                positions = _columns(record, name)
                continue
            cells = {column: record[at].strip() if at < len(record) else "" for column, at in positions.items()}
            rows.append(
                CsvRow(
                    number,
                    cells["report"],
                    cells["manager"],
                    cells.get("start_date", ""),
                    cells.get("cadence_months", ""),
                )
            )
    except csv.Error as exc:
        raise ImportFileError(f"{name}, row {number + 1}: {exc}") from None
    if positions is None:
        raise ImportFileError(f"{name} is empty: its first row must name the columns {COLUMNS_HELP}")
    return rows


def _columns(header: list[str], name: str) -> dict[str, int]:
    names = [cell.strip().lower().replace(" ", "_").replace("-", "_") for cell in header]
    known = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    for column in known:
        if names.count(column) > 1:
            raise ImportFileError(f'{name} has two "{column}" columns: keep one')
    missing = [column for column in REQUIRED_COLUMNS if column not in names]
    if missing:
        found = ", ".join(repr(cell.strip()) for cell in header if cell.strip()) or "nothing"
        raise ImportFileError(
            f"{name} has no {' or '.join(repr(c) for c in missing)} column: its first row must name "
            f"the columns {COLUMNS_HELP}, but it has {found}"
        )
    return {column: names.index(column) for column in known if column in names}


# -- checking rows (e-mails resolved here, before any database work) ------------------------------


class _Resolver:
    """People as Slack user ids; each distinct e-mail address is looked up once, whatever its case."""

    def __init__(self, lookup: Lookup) -> None:
        self._lookup = lookup
        self._known: dict[str, str | LookupFailed | None] = {}

    def user_id(self, role: str, text: str) -> str:
        """The user id, or raises ValueError with the reason the row is rejected."""
        if not text:
            raise ValueError(f"no {role} given")
        if USER_ID.match(text):
            return text
        if not EMAIL.match(text):
            raise ValueError(f"{role} {text!r} is neither a Slack user id (U…) nor an e-mail address")
        key = text.lower()
        if key not in self._known:
            try:
                self._known[key] = self._lookup(text)
            except LookupFailed as exc:
                self._known[key] = exc
        found = self._known[key]
        if found is None:
            raise ValueError(f"unknown e-mail {text}")
        if isinstance(found, LookupFailed):
            raise ValueError(f"cannot use e-mail {text}: {found}")
        return found


def check_row(row: CsvRow, resolver: _Resolver) -> Checked | Rejected:
    """Every problem with the row's own cells, so HR can fix them all in one go."""
    reasons: list[str] = []
    ids: dict[str, str] = {}
    for role, text in (("report", row.report), ("manager", row.manager)):
        try:
            ids[role] = resolver.user_id(role, text)
        except ValueError as exc:
            reasons.append(str(exc))
    start_date = _date(row.start_date, reasons)
    cadence = _cadence(row.cadence_months, reasons)
    if len(ids) == 2 and ids["report"] == ids["manager"]:
        reasons.append(f"self-management: {row.report} cannot be their own manager")
    if reasons:
        return Rejected(row.number, "; ".join(reasons))
    return Checked(row.number, ids["report"], ids["manager"], row.report, row.manager, start_date, cadence)


def _date(text: str, reasons: list[str]) -> date | None:
    if not text:
        return None
    try:
        # fromisoformat alone would also take 20260105 or 2026-W01-1, which a human may misread.
        if ISO_DATE.match(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    reasons.append(f"bad start date {text!r}: use YYYY-MM-DD, e.g. 2026-01-05")
    return None


def _cadence(text: str, reasons: list[str]) -> int | None:
    if not text:
        return None
    if text.isdigit() and CADENCE_MIN_MONTHS <= int(text) <= CADENCE_MAX_MONTHS:
        return int(text)
    reasons.append(f"bad cadence {text!r}: a whole number of months from {CADENCE_MIN_MONTHS} to {CADENCE_MAX_MONTHS}")
    return None


# -- applying rows ---------------------------------------------------------------------------------


@dataclass
class _Line:
    """A report's active line as this run sees it: the database's, or one this run will create."""

    manager: str
    started_on: date
    cadence_months: int
    line_id: int | None  # None: created by this run
    replaces_old: bool = False


class _Plan:
    """Decides every row with reads only, then writes what changed.

    Only the write pass takes SQLite's write lock, which the running bot waits on for at most its busy
    timeout: so a file that changes a few lines holds the lock for those few writes, not for the whole file.
    """

    def __init__(self, session: Session, team_id: str, default_cadence_months: int, now: datetime) -> None:
        self.session = session
        self.team_id = team_id
        self.default_cadence_months = default_cadence_months
        self.now = now
        self.today = now.astimezone(UTC).date()
        self.summary = Summary()
        self._person_ids: dict[str, int | None] = {}  # None: not in the database yet
        self._added: set[str] = set()  # people this run added: they have no lines but this run's
        # Each report's active line and each person's manager, as the database plus this run's rows say:
        # nothing else writes lines in this transaction, so each is read once and then kept up to date here.
        self._lines: dict[str, _Line | None] = {}
        self._managers: dict[str, str | None] = {}
        self._first: dict[str, Checked] = {}  # report → the first applied row naming them
        self._writes: dict[str, _Line] = {}  # report → the line to create or update, in file order
        self._departed = people.deactivated_user_ids(session, team_id)  # people who left: refused

    def decide(self, item: Checked | Rejected) -> None:
        if isinstance(item, Checked):
            reason = self._conflict(item)
            if reason is None:
                self._decide(item)
                self._first.setdefault(item.report, item)
                return
            item = Rejected(item.row, reason)
        self.summary.rejected.append(item)

    def writes(self) -> list[str]:
        """The reports whose lines change, for the write pass (and its progress bar)."""
        return list(self._writes)

    def write(self, report: str) -> None:
        line = self._writes[report]
        if line.line_id is not None:
            line_store.update_terms(
                self.session, line.line_id, started_on=line.started_on, cadence_months=line.cadence_months
            )
            return
        report_id, manager_id = self._ensure(report), self._ensure(line.manager)
        if line.replaces_old or report not in self._added:
            # Known people: end whatever is active now, even a line confirmed since it was read.
            line_store.end_active_line(self.session, report_id, EndReason.REPLACED, self.now)
        line_store.add_line(
            self.session,
            report_id,
            manager_id,
            requested_by=RequestedBy.ADMIN,
            cadence_months=line.cadence_months,
            now=self.now,
            started_on=line.started_on,
        )

    def _conflict(self, item: Checked) -> str | None:
        for role, user_id, label in (
            ("report", item.report, item.report_label),
            ("manager", item.manager, item.manager_label),
        ):
            if user_id in self._departed:
                return f"{role} {label} has left Slack (the account is deactivated)"
        earlier = self._first.get(item.report)
        if earlier is not None and earlier.manager != item.manager:
            return f"report {item.report_label} already has manager {earlier.manager_label} on row {earlier.row}"
        if earlier is not None and (
            _differ(earlier.start_date, item.start_date) or _differ(earlier.cadence_months, item.cadence_months)
        ):
            return (
                f"report {item.report_label} and manager {item.manager_label} are already on row {earlier.row} "
                "with a different start date or cadence"
            )
        if makes_cycle(item.report, item.manager, self._manager_of):
            labels = {item.report: item.report_label, item.manager: item.manager_label}
            chain = " → ".join(labels.get(person, person) for person in self._chain(item))
            return f"a cycle: {chain} (each would report to the next)"
        return None

    def _chain(self, item: Checked) -> list[str]:
        chain = [item.report, item.manager]
        while chain[-1] != item.report and len(chain) < MAX_CHAIN:
            above = self._manager_of(chain[-1])
            if above is None:
                break
            chain.append(above)
        return chain

    def _manager_of(self, user_id: str) -> str | None:
        if user_id not in self._managers:
            self._managers[user_id] = line_store.manager_user_of(self.session, self.team_id, user_id)
        return self._managers[user_id]

    def _person_id(self, user_id: str) -> int | None:
        if user_id not in self._person_ids:
            self._person_ids[user_id] = people.find_person_id(self.session, self.team_id, user_id)
        return self._person_ids[user_id]

    def _ensure(self, user_id: str) -> int:
        person_id = self._person_id(user_id)
        if person_id is None:
            person_id = people.ensure_person(self.session, self.team_id, user_id, self.now)
            self._person_ids[user_id] = person_id
            self._added.add(user_id)
        return person_id

    def _line_of(self, report: str) -> _Line | None:
        if report not in self._lines:
            person_id = self._person_id(report)
            found = None if person_id is None else line_store.active_line_of(self.session, person_id)
            self._lines[report] = (
                None
                if found is None
                else _Line(found.manager, found.started_on or self.today, found.cadence_months, found.id)
            )
        return self._lines[report]

    def _decide(self, item: Checked) -> None:
        line = self._line_of(item.report)
        if line is not None and line.manager == item.manager:
            started_on = item.start_date or line.started_on
            cadence = item.cadence_months or line.cadence_months
            if (started_on, cadence) == (line.started_on, line.cadence_months):
                self.summary.unchanged += 1
                return
            line.started_on, line.cadence_months = started_on, cadence
            self._writes[item.report] = line
            self.summary.updated += 1
            return
        if line is not None:
            self.summary.ended += 1
        self._lines[item.report] = self._writes[item.report] = _Line(
            item.manager,
            item.start_date or self.today,
            item.cadence_months or self.default_cadence_months,
            line_id=None,
            replaces_old=line is not None,
        )
        self._managers[item.report] = item.manager
        self.summary.created += 1


def _differ(first: object, second: object) -> bool:
    """Two rows give different values (a blank cell agrees with anything)."""
    return first is not None and second is not None and first != second


def apply_rows(
    session: Session,
    team_id: str,
    rows: Iterable[Checked | Rejected],
    *,
    default_cadence_months: int,
    now: datetime,
    progress: Progress = no_progress,
) -> Summary:
    """Apply the rows in file order in the caller's session; the caller commits or rolls back."""
    plan = _Plan(session, team_id, default_cadence_months, now)
    for item in rows:
        plan.decide(item)
    for report in progress(plan.writes(), "writing"):
        plan.write(report)
    return plan.summary


def import_managers(
    db: Database,
    team_id: str,
    rows: Sequence[CsvRow],
    lookup: Lookup,
    *,
    default_cadence_months: int,
    now: datetime,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> Summary:
    """Check every row (looking e-mails up), then apply them all in one transaction; a dry run rolls it back."""
    resolver = _Resolver(lookup)
    checked = [check_row(row, resolver) for row in progress(rows, "looking up")]
    with Session(db.engine) as session:
        summary = apply_rows(
            session,
            team_id,
            progress(checked, "comparing"),
            default_cadence_months=default_cadence_months,
            now=now,
            progress=progress,
        )
        if dry_run:
            session.rollback()
        else:
            session.commit()
    summary.dry_run = dry_run
    return summary
