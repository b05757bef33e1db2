"""A career conversation logged by the manager (F5), its experiments, and a skipped cycle. No Slack, no SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Final

from bot.career.cadence import ConversationKind, ExperimentKind, Outcome, add_months
from bot.career.lines import CADENCE_MAX_MONTHS, CADENCE_MIN_MONTHS
from bot.career.plan import clean_text, human_date

MAX_EXPERIMENTS: Final = 3  # rows in the log modal; a conversation agrees a few experiments, not a project plan
MAX_NOTES: Final = 3000
MAX_WHAT: Final = 300
MAX_SKIP_REASON: Final = 500


@dataclass(frozen=True)
class ExperimentForm:
    """One experiment row of the log modal, as typed (every field may be empty)."""

    kind: ExperimentKind | None = None
    what: str = ""
    ends_on: date | None = None

    @property
    def empty(self) -> bool:
        return self.kind is None and not self.what.strip() and self.ends_on is None


@dataclass(frozen=True)
class ConversationForm:
    """The log modal, as typed."""

    held_on: date | None = None
    notes: str = ""
    notes_shared: bool = False
    next_in_months: int | None = None
    experiments: list[ExperimentForm] = field(default_factory=list)


@dataclass(frozen=True)
class Experiment:
    id: int
    kind: ExperimentKind
    what: str
    ends_on: date
    manager_outcome: Outcome | None = None
    report_outcome: Outcome | None = None


@dataclass(frozen=True)
class Conversation:
    """A conversation held, or a cycle skipped, on a reporting line."""

    id: int
    line_id: int
    kind: ConversationKind
    held_on: date
    notes: str
    notes_shared: bool
    skip_reason: str
    next_in_months: int
    experiments: list[Experiment] = field(default_factory=list)


# --- Checks -------------------------------------------------------------------------------------

MAX_EXPERIMENT_MONTHS: Final = 12  # an experiment is a low-stakes trial to review, not a year-long programme


class LogField(StrEnum):
    """The log and skip modals' fields, for pointing errors at the right input."""

    HELD_ON = "held_on"
    NOTES = "notes"
    NEXT_IN = "next_in"
    EXPERIMENT_KIND = "experiment_kind"  # with the row
    EXPERIMENT_WHAT = "experiment_what"  # with the row
    EXPERIMENT_ENDS = "experiment_ends"  # with the row
    SKIP_REASON = "skip_reason"


@dataclass(frozen=True)
class LogError:
    field: LogField
    row: int | None  # which experiment row (from 0), for the experiment fields
    message: str  # says what would work


@dataclass(frozen=True)
class AgreedExperiment:
    """An experiment row that passed the checks, ready to store."""

    kind: ExperimentKind
    what: str
    ends_on: date


@dataclass(frozen=True)
class ConversationEntry:
    """A log modal that passed the checks: the values to store."""

    held_on: date
    notes: str  # trimmed, NUL-free
    notes_shared: bool
    next_in_months: int
    experiments: list[AgreedExperiment] = field(default_factory=list)  # the rows that were not empty, in order


# What check_conversation returns: the clean values, or every error found (never an empty list).
Checked = ConversationEntry | list[LogError]


def check_conversation(form: ConversationForm, *, today: date, started_on: date | None, default_months: int) -> Checked:
    """The log modal's values cleaned, or every field error; `today` is the manager's local day."""
    errors: list[LogError] = []
    held_on = form.held_on
    held_ok = False
    if held_on is None:
        errors.append(LogError(LogField.HELD_ON, None, "Pick the day you held the conversation."))
    elif held_on > today:
        errors.append(
            LogError(
                LogField.HELD_ON,
                None,
                f"{human_date(held_on)} is still to come: pick the day you held it, {human_date(today)} at the latest.",
            )
        )
    elif started_on is not None and held_on < started_on:
        errors.append(
            LogError(
                LogField.HELD_ON,
                None,
                f"You became their manager here on {human_date(started_on)}: pick a day from then on.",
            )
        )
    else:
        held_ok = True

    notes = clean_text(form.notes).strip()
    if len(notes) > MAX_NOTES:
        errors.append(
            LogError(LogField.NOTES, None, f"Keep the notes to {MAX_NOTES} characters (they have {len(notes)}).")
        )

    months = form.next_in_months if form.next_in_months is not None else default_months
    if not CADENCE_MIN_MONTHS <= months <= CADENCE_MAX_MONTHS:
        errors.append(
            LogError(
                LogField.NEXT_IN,
                None,
                f"Choose {CADENCE_MIN_MONTHS} to {CADENCE_MAX_MONTHS} months: how long until you talk again.",
            )
        )

    # Experiment dates are checked against the day held; while that is wrong, against today.
    since = held_on if held_on is not None and held_ok else today
    experiments: list[AgreedExperiment] = []
    for row, experiment in enumerate(form.experiments):
        if experiment.empty:
            continue
        checked = _check_experiment(row, experiment, since, "the day you talked" if held_ok else "today")
        if isinstance(checked, AgreedExperiment):
            experiments.append(checked)
        else:
            errors += checked

    if errors or held_on is None:
        return errors  # never empty here: a missing day held is an error of its own
    return ConversationEntry(
        held_on=held_on,
        notes=notes,
        notes_shared=form.notes_shared,
        next_in_months=months,
        experiments=experiments,
    )


def check_skip_reason(text: str) -> str | LogError:
    """The reason for skipping a cycle, trimmed; required, so the line's history says why."""
    reason = clean_text(text).strip()
    if not reason:
        return LogError(
            LogField.SKIP_REASON, None, "Say in a few words why you are skipping, e.g. “on leave until March”."
        )
    if len(reason) > MAX_SKIP_REASON:
        return LogError(
            LogField.SKIP_REASON,
            None,
            f"Keep the reason to {MAX_SKIP_REASON} characters (it has {len(reason)}).",
        )
    return reason


def _check_experiment(
    row: int, experiment: ExperimentForm, since: date, since_name: str
) -> AgreedExperiment | list[LogError]:
    errors: list[LogError] = []
    if experiment.kind is None:
        errors.append(LogError(LogField.EXPERIMENT_KIND, row, "Choose a kind of experiment, or clear this row."))
    what = clean_text(experiment.what).strip()
    if not what:
        errors.append(
            LogError(LogField.EXPERIMENT_WHAT, row, "Say what the experiment is, e.g. “shadow Dana's design reviews”.")
        )
    elif len(what) > MAX_WHAT:
        errors.append(
            LogError(LogField.EXPERIMENT_WHAT, row, f"Keep this to {MAX_WHAT} characters (it has {len(what)}).")
        )
    ends_on = experiment.ends_on
    latest = add_months(since, MAX_EXPERIMENT_MONTHS)
    if ends_on is None:
        errors.append(LogError(LogField.EXPERIMENT_ENDS, row, "Pick the day the experiment ends, to review it then."))
    elif ends_on <= since:
        errors.append(LogError(LogField.EXPERIMENT_ENDS, row, f"Pick an end after {human_date(since)}, {since_name}."))
    elif ends_on > latest:
        errors.append(
            LogError(
                LogField.EXPERIMENT_ENDS,
                row,
                f"Keep experiments short: pick an end by {human_date(latest)}, then review and agree the next.",
            )
        )
    if errors or experiment.kind is None or ends_on is None:
        return errors
    return AgreedExperiment(kind=experiment.kind, what=what, ends_on=ends_on)
