"""F7: everything a person saved, as one Markdown document laid out as the three questions. Pure.

The document is a file, not Slack mrkdwn. The person's own answers are written as saved, with only `&`, `<`
and `>` written as HTML entities: a Markdown viewer shows exactly what was typed (emoji, several lines, a typed
`<b>` as text), and no answer becomes HTML in it. Other people's words (a manager's shared notes, the
experiments they described) are quoted: a blockquote, every line starting `> `, with Markdown's own
characters backslash-escaped, so nothing a manager typed can pose as a heading, a checkbox, a link or any other
part of the person's own plan; rendered, it still reads exactly as the manager wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime

from bot.career.asks import Ask, AskStatus, Suggestion
from bot.career.cadence import EXPERIMENT_LABELS, OUTCOME_LABELS, ConversationKind
from bot.career.conversation import Conversation
from bot.career.feedback import FeedbackNote
from bot.career.plan import GOAL_KIND_LABELS, ClosedGap, GoalKind, Plan, SavedPlan, human_date
from bot.career.reflection import DIRECTION_LABELS, WHY_LABELS, SavedReflection
from bot.career.sharing import Share

TITLE = "# My career plan"
GOAL_QUESTION = "1. What career goal do you have?"
STEPS_QUESTION = "2. What are your steps to get there?"
GAPS_QUESTION = "3. What are the gaps between now and the next step?"
REFLECTIONS_HEADING = "## Reflections"
HISTORY_HEADING = "## History"
CLOSED_GAPS_HEADING = "**Closed gaps**,"
CONVERSATIONS_HEADING = "## Career conversations"
FEEDBACK_WRITTEN_HEADING = "## Feedback you wrote"
SHARED_WITH_HEADING = "## Shared with"
ASKS_HEADING = "## Asks for gaps"
ASK_STATUS_WORDS = {
    AskStatus.OPEN: "waiting for an answer",
    AskStatus.ANSWERED: "answered",
    AskStatus.DECLINED: "not now",
    AskStatus.WITHDRAWN: "withdrawn",
}
NOTHING_SAVED = "Nothing is saved: you have no plan and no reflections."

OWN_WANT_CHECK = "It's what I want, not what family or society expects"
FITS_VALUES_CHECK = "It fits my values and my whole life"
# The reflection's prompts, as the modal asks them (bot/slack/blocks/reflections.py; bot/career may not import it).
ENERGY_PROMPT = "What part of your work gives you the most energy?"
YEAR_PROMPT = "Where do you want to be a year from now?"
WHY_PROMPT = "What do you hope your next role or goal will give you?"
WHY_WORDS_PROMPT = "The why, in your words:"
DIRECTION_PROMPT = "Where are you leaning?"


def export_markdown(
    history: list[SavedPlan],
    reflections: list[SavedReflection],
    exported_on: date,
    conversations: Sequence[Conversation] = (),
    feedback_received: Sequence[FeedbackNote] = (),
    feedback_written: Sequence[FeedbackNote] = (),
    shares: Sequence[Share] = (),
    asks: Sequence[Ask] = (),
    suggestions_received: Sequence[Suggestion] = (),
    suggestions_written: Sequence[Suggestion] = (),
) -> str:
    """The whole document: the current plan, the reflections, the career conversations held with the
    person's managers (if any), the feedback the person wrote on others' plans (if any), whom the plan is
    shared with (if anyone), then every earlier version of the plan. Feedback received is written under the
    version it is kept with.

    `conversations` are those where the person is the report; a manager's notes are written only when the
    manager shared them (the caller passes what was stored; this function leaves out the rest). `shares` are the
    person's active shares with people they named (by Slack user id: the file knows no names). `asks` are the
    person's asks for gaps, `suggestions_received` the suggestions those brought, `suggestions_written` the gaps
    they suggested to others.
    """
    versions = sorted(history, key=lambda saved: saved.version)
    received: dict[int, list[FeedbackNote]] = {}
    for note in sorted(feedback_received, key=lambda n: (n.sent_at, n.id)):
        received.setdefault(note.version, []).append(note)
    lines = [TITLE, "", f"Exported on {human_date(exported_on)}. Everything below is exactly as you saved it."]
    if not (versions or reflections or conversations or feedback_written or shares or asks or suggestions_written):
        return _joined([*lines, "", NOTHING_SAVED])
    if versions:
        current = versions[-1]
        lines += ["", f"Current plan: version {current.version}, saved {_moment(current.saved_at)}."]
        lines += _plan(current.plan, level=2)
        lines += _feedback_received(received.get(current.version, []), level=2)
    else:
        lines += ["", "No plan saved yet."]
    lines += ["", REFLECTIONS_HEADING]
    if reflections:
        for reflection in sorted(reflections, key=lambda r: r.saved_at):
            lines += _reflection(reflection)
    else:
        lines += ["", "No reflections saved."]
    if conversations:
        lines += ["", CONVERSATIONS_HEADING]
        for conversation in sorted(conversations, key=lambda c: (c.held_on, c.id)):
            lines += _conversation(conversation)
    if feedback_written:
        lines += ["", FEEDBACK_WRITTEN_HEADING]
        for note in sorted(feedback_written, key=lambda n: (n.sent_at, n.id)):
            lines += [
                "",
                f"### To Slack user {note.report}, on version {note.version} of their plan, {_moment(note.sent_at)}",
            ]
            lines += ["", own(note.text)]
    if shares:
        lines += ["", SHARED_WITH_HEADING, "", "Your current plan (not your reflections) is shared, read-only, with:"]
        lines.append("")
        for share in sorted(shares, key=lambda share: (share.shared_at, share.id)):
            lines.append(f"- Slack user {own(share.viewer)}, since {_moment(share.shared_at)}")
    if asks or suggestions_written:
        lines += ["", ASKS_HEADING, *_asks(asks, suggestions_received, suggestions_written)]
    lines += ["", HISTORY_HEADING]
    earlier = versions[:-1]
    if earlier:
        # Newest first: the version just before the current one is the most useful to compare.
        for version in reversed(earlier):
            lines += ["", f"### Version {version.version}, saved {_moment(version.saved_at)}"]
            lines += _plan(version.plan, level=4)
            lines += _feedback_received(received.get(version.version, []), level=4)
    else:
        lines += ["", "No earlier versions."]
    return _joined(lines)


def _plan(plan: Plan, level: int) -> list[str]:
    """The three questions and their answers, under headings of the given level."""
    hashes = "#" * level
    goal = plan.goal
    lines = ["", f"{hashes} {GOAL_QUESTION}", ""]
    lines += _answer("Goal:", goal.text if goal.text else GOAL_KIND_LABELS[goal.kind])
    if goal.text and goal.kind is not GoalKind.OWN:
        lines += ["", f"Kind of goal: {GOAL_KIND_LABELS[goal.kind]}"]
    target = "**Target:** none set" if goal.target is None else _target("Target", goal.target, goal.target_text)
    lines += ["", target]
    lines += ["", _checkbox(goal.is_own_want, OWN_WANT_CHECK), _checkbox(goal.fits_values, FITS_VALUES_CHECK)]
    if goal.year_from_now:
        lines += ["", *_answer("A year from now:", goal.year_from_now)]

    lines += ["", f"{hashes} {STEPS_QUESTION}", ""]
    if plan.steps:
        for n, step in enumerate(plan.steps, start=1):
            done = " (done)" if step.done else ""
            lines.append(f"{n}. {own(step.title)}: {_target('by', step.target, step.target_text, bold=False)}{done}")
    else:
        lines.append("No steps.")

    lines += ["", f"{hashes} {GAPS_QUESTION}", ""]
    if plan.gaps:
        lines.append("Most significant first; work on the focus until it no longer is, then the next.")
        lines.append("")
        since = "" if plan.focus_since is None else f" (the focus since {human_date(plan.focus_since)})"
        for n, gap in enumerate(plan.gaps, start=1):
            lines.append(f"{n}. **Focus:** {own(gap)}{since}" if n == 1 else f"{n}. {own(gap)}")
    else:
        lines.append("No open gaps." if plan.closed_gaps else "No gaps.")
    if plan.closed_gaps:
        lines += ["", f"{CLOSED_GAPS_HEADING} latest first:", ""]
        lines += [_closed_gap(gap) for gap in plan.closed_gaps]
    return lines


def _closed_gap(gap: ClosedGap) -> str:
    """A closed gap as a list item: its day, and the word on how (further lines indented, so they stay in it)."""
    line = f"- {own(gap.description)} (closed {human_date(gap.closed_on)})"
    if gap.note:
        line += f": {own(gap.note)}"
    return line.replace("\n", "\n  ")


def _feedback_received(notes: list[FeedbackNote], level: int) -> list[str]:
    """Feedback kept with one version, oldest first: someone else's words, so quoted."""
    if not notes:
        return []
    lines = ["", f"{'#' * level} Feedback on this version"]
    for note in notes:
        lines += ["", f"From Slack user {note.author}, {_moment(note.sent_at)}:", "", *quoted(note.text)]
    return lines


def _reflection(saved: SavedReflection) -> list[str]:
    answers = saved.reflection
    lines = ["", f"### {_moment(saved.saved_at)}"]
    if answers.energy:
        lines += ["", *_answer(ENERGY_PROMPT, answers.energy)]
    if answers.year_from_now:
        lines += ["", *_answer(YEAR_PROMPT, answers.year_from_now)]
    if answers.why:
        lines += ["", f"**{WHY_PROMPT}** " + ", ".join(WHY_LABELS[reason] for reason in answers.why)]
    if answers.why_words:
        lines += ["", *_answer(WHY_WORDS_PROMPT, answers.why_words)]
    if answers.direction is not None:
        lines += ["", f"**{DIRECTION_PROMPT}** {DIRECTION_LABELS[answers.direction]}"]
    return lines


def _conversation(conversation: Conversation) -> list[str]:
    """One conversation as the report may read it: dates, experiments, and the notes only if shared."""
    day = human_date(conversation.held_on)
    if conversation.kind is ConversationKind.SKIPPED:
        return ["", f"### {day}: cycle skipped by your manager"]
    lines = ["", f"### {day}: held with your manager"]
    lines += ["", f"Next conversation planned {conversation.next_in_months} months later."]
    if conversation.experiments:
        lines += ["", "**Experiments agreed:**", ""]
        for experiment in conversation.experiments:
            said = ""
            if experiment.report_outcome is not None:
                said = f" What it taught, you said: {OUTCOME_LABELS[experiment.report_outcome]}."
            label = EXPERIMENT_LABELS[experiment.kind]
            # Erased words leave the kind.
            named = f"{label}: “{quoted_inline(experiment.what)}”" if experiment.what else label
            lines.append(f"- {named} (until {human_date(experiment.ends_on)}).{said}")
    if conversation.notes_shared and conversation.notes:
        lines += ["", "**Notes your manager shared with you:**", "", *quoted(conversation.notes)]
    return lines


def _asks(asks: Sequence[Ask], received: Sequence[Suggestion], written: Sequence[Suggestion]) -> list[str]:
    """Asks sent (to whom, when, what they were shown, status), the suggestions received (someone else's words,
    quoted), and the gaps the person suggested to others (their own)."""
    lines: list[str] = []
    answers = {suggestion.ask_id: suggestion for suggestion in received}
    for ask in sorted(asks, key=lambda a: (a.asked_at, a.id)):
        lines += ["", f"### Asked {ask.asked} on {_moment(ask.asked_at)}: {ASK_STATUS_WORDS[ask.status]}"]
        shown = f"They were shown your next step, “{own(ask.step_title)}”"
        lines += ["", shown + (f", and your goal, “{own(ask.goal)}”." if ask.goal is not None else ".")]
        if ask.note:
            lines += ["", *_answer("Your note:", ask.note)]
        suggestion = answers.get(ask.id)
        if suggestion is not None:
            lines += ["", f"**Gaps {suggestion.author} suggested, {_moment(suggestion.sent_at)}:**", ""]
            lines += [f"{n}. {quoted_inline(gap.text)}" for n, gap in enumerate(suggestion.gaps, start=1)]
            if suggestion.encouragement:
                lines += ["", "**Their word of encouragement:**", "", *quoted(suggestion.encouragement)]
    for suggestion in sorted(written, key=lambda s: (s.sent_at, s.ask_id)):
        lines += ["", f"### Gaps you suggested to {suggestion.asker}, {_moment(suggestion.sent_at)}", ""]
        lines += [f"{n}. {own(gap.text)}" for n, gap in enumerate(suggestion.gaps, start=1)]
        if suggestion.encouragement:
            lines += ["", *_answer("Your word of encouragement:", suggestion.encouragement)]
    return lines


def own(text: str) -> str:
    """The person's own words: as typed, but never HTML (`&`, `<`, `>` as entities, which a viewer shows as typed)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Characters that mean something to Markdown anywhere in a line (emphasis, code, links, strikethrough, tables).
_INLINE_MARKUP = re.compile(r"([\\`*_\[\]~|!])")
# What makes a line a heading, a quote, a list item, a rule or a setext underline when it starts one.
_LINE_START_MARKUP = re.compile(r"^([#>+=\-]|\d+(?=[.)]))")


def quoted_inline(text: str) -> str:
    """Someone else's words inside a line of the document: on one line, HTML and Markdown escaped."""
    return _INLINE_MARKUP.sub(r"\\\1", own(" ".join(text.split())))


def quoted(text: str) -> list[str]:
    """Someone else's words as a blockquote: each line `> ` and escaped, so none can start a block of its own
    (indents dropped: they would make a code block); a line break within a paragraph stays one (a `\\` at its
    end)."""
    escaped = [
        _LINE_START_MARKUP.sub(_escape_line_start, _INLINE_MARKUP.sub(r"\\\1", own(line.strip())))
        for line in text.splitlines() or [""]
    ]
    lines = []
    for n, line in enumerate(escaped):
        if not line:
            lines.append(">")
            continue
        more = n + 1 < len(escaped) and escaped[n + 1]
        lines.append(f"> {line}\\" if more else f"> {line}")
    return lines


def _escape_line_start(match: re.Match[str]) -> str:
    marker = match.group(1)
    return f"{marker}\\" if marker[0].isdigit() else f"\\{marker}"  # 1. → 1\. (before the "." or ")"); # → \#


def _answer(label: str, text: str) -> list[str]:
    """A labelled answer of the person's own (`label` ends in its own ":" or "?"); several lines get a paragraph
    of their own."""
    if "\n" in text:
        return [f"**{label}**", "", own(text)]
    return [f"**{label}** {own(text)}"]


def _target(label: str, target: date, words: str, *, bold: bool = True) -> str:
    shown = f"**{label}:**" if bold else label
    said = f" (you wrote “{own(words)}”)" if words else ""
    return f"{shown} {human_date(target)}{said}"


def _checkbox(ticked: bool, text: str) -> str:
    return f"- [{'x' if ticked else ' '}] {text}"


def _moment(moment: datetime) -> str:
    utc = moment.astimezone(UTC)
    return f"{human_date(utc.date())}, {utc:%H:%M} UTC"


def _joined(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"
