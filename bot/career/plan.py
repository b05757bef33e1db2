"""The career plan: Brechner's three questions, and the checks on what people type.

Pure rules: no Slack, no SQLAlchemy. The wizard collects a `PlanForm` (text exactly as typed);
`check_goal`, `check_steps` and `check_gaps` turn it into plan parts or field errors.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from dateutil.relativedelta import relativedelta

from bot.career.dates import ACCEPTED_FORMS, DateNotUnderstood, read_target

MAX_STEPS = 5
MAX_GAPS = 5

# Longest answer accepted per field; the same numbers are the inputs' max_length in the modal.
GOAL_TEXT_MAX = 600
YEAR_FROM_NOW_MAX = 1000
STEP_TITLE_MAX = 150
DATE_WORDS_MAX = 60
GAP_MAX = 400
CLOSED_NOTE_MAX = 300  # the optional word on how a gap was closed


class GoalKind(StrEnum):
    OWN = "own"
    REACH_SENIOR = "reach_senior"
    KEEP_IMPROVING = "keep_improving"


GOAL_KIND_LABELS: dict[GoalKind, str] = {
    GoalKind.OWN: "A goal of my own",
    GoalKind.REACH_SENIOR: "Reach the senior level",
    GoalKind.KEEP_IMPROVING: "Keep improving myself and the value I deliver",
}


def default_goal(is_senior: bool) -> GoalKind:
    """The article's default for someone with no goal of their own: reach the senior level, or, if already
    senior, keep improving oneself and the value one delivers."""
    return GoalKind.KEEP_IMPROVING if is_senior else GoalKind.REACH_SENIOR


@dataclass(frozen=True)
class Step:
    title: str
    target: date
    target_text: str = ""
    done: bool = False


@dataclass(frozen=True)
class Goal:
    kind: GoalKind
    text: str = ""
    target: date | None = None
    target_text: str = ""
    is_own_want: bool = False
    fits_values: bool = False
    year_from_now: str = ""

    @property
    def title(self) -> str:
        """What to call the goal: the person's words, else the default goal's name."""
        return self.text or GOAL_KIND_LABELS[self.kind]


@dataclass(frozen=True)
class ClosedGap:
    """A gap worked on until it no longer was one: closed on a day, with an optional word on how."""

    description: str
    closed_on: date
    note: str = ""


@dataclass(frozen=True)
class Plan:
    goal: Goal
    steps: tuple[Step, ...]
    gaps: tuple[str, ...]  # the open gaps, most significant first
    closed_gaps: tuple[ClosedGap, ...] = ()  # latest closed first
    focus_since: date | None = None  # the day the focus gap became the focus

    @property
    def focus_gap(self) -> str | None:
        return self.gaps[0] if self.gaps else None

    @property
    def next_step(self) -> Step | None:
        """The step being worked towards: the first not reached yet."""
        return next((step for step in self.steps if not step.done), None)


class GapsUnchanged(Exception):
    """Closing or reopening a gap would not do: the message says why, and the plan stays as it was."""


def close_focus(plan: Plan, today: date, note: str = "") -> Plan:
    """One gap at a time: the focus gap moves to the closed gaps (today, with the word on how), and the next
    open gap becomes the focus, from today."""
    focus = plan.focus_gap
    if focus is None:
        raise GapsUnchanged("Your plan has no open gap to close.")
    word = clean_text(note).strip()
    if len(word) > CLOSED_NOTE_MAX:
        raise GapsUnchanged(f"Keep the word on how to {CLOSED_NOTE_MAX} characters (it has {len(word)}).")
    rest = plan.gaps[1:]
    return replace(
        plan,
        gaps=rest,
        closed_gaps=(ClosedGap(focus, today, word), *plan.closed_gaps),
        focus_since=today if rest else None,
    )


def reopen(plan: Plan, index: int, today: date) -> Plan:
    """A closed gap (by its place in `closed_gaps`) is a gap again: back on top, as the focus from today."""
    if not 0 <= index < len(plan.closed_gaps):
        raise GapsUnchanged("That closed gap is no longer in your plan.")
    if len(plan.gaps) >= MAX_GAPS:
        raise GapsUnchanged(
            f"Your plan already has {MAX_GAPS} open gaps, the most it holds: close one, or edit your plan "
            "to drop one, before reopening this."
        )
    gap = plan.closed_gaps[index]
    return replace(
        plan,
        gaps=(gap.description, *plan.gaps),
        closed_gaps=plan.closed_gaps[:index] + plan.closed_gaps[index + 1 :],
        focus_since=today,
    )


def revision(previous: Plan | None, edited: Plan, today: date) -> Plan:
    """The wizard's plan as the next version: the closed gaps kept (the wizard edits open gaps only), and the
    focus dated from today unless the focus gap is the same text as before."""
    if previous is None:
        return replace(edited, closed_gaps=(), focus_since=today if edited.gaps else None)
    return replace(edited, closed_gaps=previous.closed_gaps, focus_since=focus_date(previous, edited.gaps, today))


def focus_date(previous: Plan, gaps: tuple[str, ...], today: date) -> date | None:
    """Since when the first of `gaps` is the focus, given the plan before: kept if it was the focus already."""
    if not gaps:
        return None
    if gaps[0] == previous.focus_gap and previous.focus_since is not None:
        return previous.focus_since
    return today


def focus_age(since: date, today: date) -> str:
    """How long a gap has been the focus, as people say it: "since today", "for 5 days", "for 3 weeks",
    "for 2 months", "for 1 year"."""
    days = (today - since).days
    if days <= 0:
        return "since today"
    if days < 14:
        return f"for {_counted(days, 'day')}"
    months = relativedelta(today, since)
    total_months = months.years * 12 + months.months
    if total_months < 2:
        return f"for {_counted(days // 7, 'week')}"
    if total_months < 24:
        return f"for {_counted(total_months, 'month')}"
    return f"for {_counted(months.years, 'year')}"


def _counted(number: int, unit: str) -> str:
    return f"{number} {unit}{'' if number == 1 else 's'}"


@dataclass(frozen=True)
class SavedPlan:
    plan: Plan
    version: int
    saved_at: datetime
    id: int = 0  # the stored version's own id: what Home's gap buttons name, re-checked when clicked


# --- The wizard's form: exactly what was typed, valid or not ---------------------------------


@dataclass
class StepForm:
    title: str = ""
    picked: str | None = None  # YYYY-MM-DD from the date picker
    words: str = ""
    done: bool = False

    def is_empty(self) -> bool:
        return not (self.title or self.picked or self.words or self.done)


@dataclass
class PlanForm:
    goal_kind: str | None = None
    goal_text: str = ""
    goal_picked: str | None = None
    goal_words: str = ""
    is_own_want: bool = False
    fits_values: bool = False
    year_from_now: str = ""
    # "Are you at the senior level already?": None until answered; picks the default goal when none is chosen.
    is_senior: bool | None = None
    steps: list[StepForm] = field(default_factory=lambda: [StepForm() for _ in range(MAX_STEPS)])
    gaps: list[str] = field(default_factory=lambda: [""] * MAX_GAPS)
    # How many step and gap rows the wizard shows; "Add a step" / "Add a gap" raise them.
    step_rows: int = 2
    gap_rows: int = 3

    def goal_title(self) -> str:
        if self.goal_text.strip():
            return self.goal_text.strip()
        return next((label for kind, label in GOAL_KIND_LABELS.items() if kind.value == self.goal_kind), "")

    def pick_default_goal(self) -> None:
        """With no goal chosen, the senior answer picks the default; it stays editable, like any choice."""
        if self.goal_kind is None and self.is_senior is not None:
            self.goal_kind = default_goal(self.is_senior).value

    def next_step_title(self) -> str | None:
        return next((s.title.strip() for s in self.steps if s.title.strip() and not s.done), None)

    def add_step_row(self) -> None:
        self.step_rows = min(MAX_STEPS, self.step_rows + 1)

    def add_gap_row(self) -> None:
        self.gap_rows = min(MAX_GAPS, self.gap_rows + 1)

    @classmethod
    def from_plan(cls, plan: Plan | None) -> PlanForm:
        if plan is None:
            return cls()
        goal = plan.goal
        steps = [
            StepForm(
                title=s.title,
                # Words typed stay words; a picked date goes back into the picker.
                picked=None if s.target_text else s.target.isoformat(),
                words=s.target_text,
                done=s.done,
            )
            for s in plan.steps
        ]
        return cls(
            goal_kind=goal.kind.value,
            goal_text=goal.text,
            goal_picked=None if goal.target_text or goal.target is None else goal.target.isoformat(),
            goal_words=goal.target_text,
            is_own_want=goal.is_own_want,
            fits_values=goal.fits_values,
            year_from_now=goal.year_from_now,
            is_senior=_senior_answer(goal.kind),
            steps=_padded(steps, MAX_STEPS, StepForm),
            gaps=_padded(list(plan.gaps), MAX_GAPS, str),
            step_rows=min(MAX_STEPS, max(2, len(steps) + 1)),
            gap_rows=min(MAX_GAPS, max(3, len(plan.gaps) + 1)),
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> PlanForm:
        data: dict[str, Any] = json.loads(text)
        steps = [StepForm(**s) for s in data.pop("steps")]
        gaps = list(data.pop("gaps"))
        form = cls(**data, steps=_padded(steps, MAX_STEPS, StepForm), gaps=_padded(gaps, MAX_GAPS, str))
        form.step_rows = max(1, min(MAX_STEPS, form.step_rows))
        form.gap_rows = max(1, min(MAX_GAPS, form.gap_rows))
        return form


def _senior_answer(kind: GoalKind) -> bool | None:
    """What a saved default goal says about the senior question (a goal of one's own says nothing)."""
    return next((senior for senior in (False, True) if default_goal(senior) is kind), None)


T = TypeVar("T")


def _padded(items: list[T], size: int, make: type[T]) -> list[T]:
    return (items + [make() for _ in range(size)])[:size]


# --- Checks -------------------------------------------------------------------------------------


class Field(StrEnum):
    """The form's fields, for pointing errors at the right input."""

    GOAL_KIND = "goal_kind"
    IS_SENIOR = "is_senior"
    GOAL_TEXT = "goal_text"
    GOAL_PICKED = "goal_picked"
    GOAL_WORDS = "goal_words"
    YEAR_FROM_NOW = "year_from_now"
    STEP_TITLE = "step_title"
    STEP_PICKED = "step_picked"
    STEP_WORDS = "step_words"
    GAP = "gap"


class WizardPage(StrEnum):
    """The wizard's pages, one per question, in the order it asks them."""

    GOAL = "goal"
    STEPS = "steps"
    GAPS = "gaps"

    def after(self) -> WizardPage | None:
        """The next page, or None after the last (where the plan is saved)."""
        pages = list(WizardPage)
        index = pages.index(self)
        return pages[index + 1] if index + 1 < len(pages) else None

    def before(self) -> WizardPage:
        """The page Back goes to (the first page stays put)."""
        pages = list(WizardPage)
        return pages[max(0, pages.index(self) - 1)]


class WizardMove(StrEnum):
    """What a click inside a wizard page asks for, besides submitting it."""

    BACK = "back"
    ADD_STEP = "add_step"
    ADD_GAP = "add_gap"


_FIELD_PAGE: dict[StrEnum, WizardPage] = {
    Field.GOAL_KIND: WizardPage.GOAL,
    Field.IS_SENIOR: WizardPage.GOAL,
    Field.GOAL_TEXT: WizardPage.GOAL,
    Field.GOAL_PICKED: WizardPage.GOAL,
    Field.GOAL_WORDS: WizardPage.GOAL,
    Field.YEAR_FROM_NOW: WizardPage.GOAL,
    Field.STEP_TITLE: WizardPage.STEPS,
    Field.STEP_PICKED: WizardPage.STEPS,
    Field.STEP_WORDS: WizardPage.STEPS,
    Field.GAP: WizardPage.GAPS,
}


def page_of(error: FieldError) -> WizardPage:
    """The wizard page holding the field an error is about."""
    return _FIELD_PAGE[error.field]


@dataclass(frozen=True)
class FieldError:
    field: StrEnum  # the plan's Field, or another form's (bot.career.reflection.ReflectionField)
    message: str
    index: int | None = None  # which step or gap


class FormInvalid(Exception):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


def check_goal(form: PlanForm, today: date) -> Goal:
    errors: list[FieldError] = []
    kind: GoalKind | None = None
    try:
        kind = GoalKind(form.goal_kind or "")
    except ValueError:
        errors.append(
            FieldError(
                Field.GOAL_KIND,
                "Choose a goal: your own, or one of the two defaults (or say whether you are senior already).",
            )
        )
    if kind not in (None, GoalKind.OWN) and form.is_senior is not None and kind is not default_goal(form.is_senior):
        fitting = GOAL_KIND_LABELS[default_goal(form.is_senior)]
        said = "you are at the senior level already" if form.is_senior else "you are not at the senior level yet"
        errors.append(FieldError(Field.IS_SENIOR, f'You said {said}: the default for you is "{fitting}".'))
    text = form.goal_text.strip()
    if kind is GoalKind.OWN and not text:
        errors.append(FieldError(Field.GOAL_TEXT, "Write your goal in a few words."))
    errors += _too_long(text, GOAL_TEXT_MAX, Field.GOAL_TEXT)
    year = form.year_from_now.strip()
    errors += _too_long(year, YEAR_FROM_NOW_MAX, Field.YEAR_FROM_NOW)
    target, target_errors = _target(form.goal_picked, form.goal_words, today, Field.GOAL_PICKED, Field.GOAL_WORDS)
    errors += target_errors
    if target is not None and target < today:
        field_ = Field.GOAL_WORDS if form.goal_words.strip() else Field.GOAL_PICKED
        errors.append(FieldError(field_, f"{human_date(target)} has passed: choose a date ahead."))
    if errors or kind is None:
        raise FormInvalid(errors)
    return Goal(
        kind=kind,
        text=text,
        target=target,
        target_text=form.goal_words.strip(),
        is_own_want=form.is_own_want,
        fits_values=form.fits_values,
        year_from_now=year,
    )


def check_steps(form: PlanForm, today: date) -> tuple[Step, ...]:
    errors: list[FieldError] = []
    steps: list[tuple[int, Step]] = []
    for i, row in enumerate(form.steps):
        title, words = row.title.strip(), row.words.strip()
        if not (title or row.picked or words):
            continue  # an empty row; a lone "done" tick means nothing
        row_errors = _too_long(title, STEP_TITLE_MAX, Field.STEP_TITLE, i)
        if not title:
            row_errors.append(FieldError(Field.STEP_TITLE, "Name this step, or clear its target.", i))
        target, target_errors = _target(row.picked, row.words, today, Field.STEP_PICKED, Field.STEP_WORDS, i)
        row_errors += target_errors
        if target is None and not target_errors:
            row_errors.append(
                FieldError(Field.STEP_WORDS, f"Give this step a target: pick a date or type {ACCEPTED_FORMS}.", i)
            )
        if target is not None and target < today and not row.done:
            field_ = Field.STEP_WORDS if words else Field.STEP_PICKED
            row_errors.append(
                FieldError(field_, f"{human_date(target)} has passed: choose a later date, or tick it as done.", i)
            )
        errors += row_errors
        if not row_errors and target is not None:
            steps.append((i, Step(title=title, target=target, target_text=words, done=row.done)))
    if not steps and not errors:
        errors.append(FieldError(Field.STEP_TITLE, "Add at least one step towards your goal.", 0))
    for (_, before), (i, after) in itertools.pairwise(steps):
        if after.target < before.target:
            field_ = Field.STEP_WORDS if after.target_text else Field.STEP_PICKED
            errors.append(
                FieldError(
                    field_,
                    f"This target ({human_date(after.target)}) comes before the step above it "
                    f"({human_date(before.target)}): put the steps in order.",
                    i,
                )
            )
    if errors:
        raise FormInvalid(errors)
    return tuple(step for _, step in steps)


def check_gaps(form: PlanForm) -> tuple[str, ...]:
    errors: list[FieldError] = []
    gaps: list[str] = []
    for i, raw in enumerate(form.gaps):
        text = raw.strip()
        errors += _too_long(text, GAP_MAX, Field.GAP, i)
        if text:
            gaps.append(text)
    if not gaps and not errors:
        errors.append(FieldError(Field.GAP, "Name at least one gap: the one that matters most now.", 0))
    if errors:
        raise FormInvalid(errors)
    return tuple(gaps)


def check_plan(form: PlanForm, today: date) -> Plan:
    """All three questions at once, as on saving; raises FormInvalid with every error."""
    errors: list[FieldError] = []
    goal = steps = gaps = None
    try:
        goal = check_goal(form, today)
    except FormInvalid as exc:
        errors += exc.errors
    try:
        steps = check_steps(form, today)
    except FormInvalid as exc:
        errors += exc.errors
    try:
        gaps = check_gaps(form)
    except FormInvalid as exc:
        errors += exc.errors
    if errors or goal is None or steps is None or gaps is None:
        raise FormInvalid(errors)
    return Plan(goal=goal, steps=steps, gaps=gaps)


def _too_long(text: str, limit: int, field_: Field, index: int | None = None) -> list[FieldError]:
    if len(text) <= limit:
        return []
    return [FieldError(field_, f"Keep this to {limit} characters (it has {len(text)}).", index)]


def _target(
    picked: str | None,
    words: str,
    today: date,
    picked_field: Field,
    words_field: Field,
    index: int | None = None,
) -> tuple[date | None, list[FieldError]]:
    """A target from the date picker or from words; both given must agree."""
    words = words.strip()
    from_picker: date | None = None
    if picked:
        try:
            from_picker = date.fromisoformat(picked)
        except (TypeError, ValueError):
            return None, [FieldError(picked_field, "Pick the date again from the calendar.", index)]
    if not words:
        return from_picker, []
    if len(words) > DATE_WORDS_MAX:
        return None, _too_long(words, DATE_WORDS_MAX, words_field, index)
    try:
        from_words = read_target(words, today)
    except DateNotUnderstood as exc:
        return None, [FieldError(words_field, str(exc), index)]
    if from_picker is not None and from_picker != from_words:
        return None, [
            FieldError(
                words_field,
                f"You picked {human_date(from_picker)} but typed “{words}” ({human_date(from_words)}): keep one.",
                index,
            )
        ]
    return from_words, []


def clean_text(text: str) -> str:
    """Text as typed, less the NUL characters no database column can hold."""
    return text.replace("\x00", "")


def human_date(day: date) -> str:
    """30 Jun 2027: unambiguous in every locale."""
    return f"{day.day} {day:%b %Y}"
