"""Every Slack identifier the app uses, in one place.

callback_ids name views, action_ids name interactive elements, block_ids name input blocks
(errors in `response_action: errors` are keyed by block_id). Builders, parsers, listeners and
tests all import them from here so they cannot drift apart.
"""

from typing import Final

COMMAND: Final = "/careerplan"
EVENT_APP_HOME_OPENED: Final = "app_home_opened"
EVENT_USER_CHANGE: Final = "user_change"  # a person's profile changed: their time zone, or deactivation
EVENT_USER_STATUS_CHANGED: Final = "user_status_changed"  # a person's status: away (vacation, out of office…)?
EVENT_TEAM_JOIN: Final = "team_join"  # someone joined the workspace: maybe a welcome DM (CAREERPLAN_WELCOME)
# The message metadata event type every reminder DM carries, with its nudge id only: how a sweeper that takes over
# a dead one's claim finds the DM Slack had already posted (conversations.history), rather than sending it again.
REMINDER_METADATA_EVENT: Final = "careerplan_reminder"
EVENT_APP_UNINSTALLED: Final = "app_uninstalled"  # the workspace uninstalled the app: its token is dead
EVENT_TOKENS_REVOKED: Final = "tokens_revoked"  # tokens were revoked; when the bot's is, as if uninstalled
# Events about the workspace, not a person: they carry no user, and the bot's token may be dead already.
WORKSPACE_EVENTS: Final = (EVENT_APP_UNINSTALLED, EVENT_TOKENS_REVOKED)
BOT_EVENTS: Final = (
    EVENT_APP_HOME_OPENED,
    EVENT_USER_CHANGE,
    EVENT_USER_STATUS_CHANGED,
    EVENT_TEAM_JOIN,
    *WORKSPACE_EVENTS,
)

# Wizard views, one per question.
VIEW_GOAL: Final = "careerplan.goal"
VIEW_STEPS: Final = "careerplan.steps"
VIEW_GAPS: Final = "careerplan.gaps"
WIZARD_VIEWS: Final = (VIEW_GOAL, VIEW_STEPS, VIEW_GAPS)

# Subcommands of /careerplan (the first word of its text).
SUB_HELP: Final = "help"
SUB_MANAGER: Final = "manager"
SUB_ADD: Final = "add"
SUB_TEAM: Final = "team"
SUB_REFLECT: Final = "reflect"
SUB_EXPORT: Final = "export"
SUB_DELETE: Final = "delete"
SUB_LOG: Final = "log"
SUB_SHARE: Final = "share"  # share your current plan, read-only, with someone named
SUB_UNSHARE: Final = "unshare"
SUB_ASK: Final = "ask"  # ask someone for the gaps before your next step

# Other views.
VIEW_REFLECT: Final = "careerplan.reflect"
VIEW_DELETE: Final = "careerplan.delete"
VIEW_REPORT_PLAN: Final = "careerplan.report_plan"
VIEW_LOG: Final = "careerplan.log"  # F5; private_metadata: owner and the line's id
VIEW_REMINDER_SETTINGS: Final = "careerplan.reminder_settings"  # working days, hours, holiday calendar
VIEW_SKIP: Final = "careerplan.skip"  # the reason for skipping a cycle; private_metadata: owner and line id
VIEW_NAME_MANAGER: Final = "careerplan.name_manager"  # choose your manager (from the welcome DM)
VIEW_CLOSE_GAP: Final = "careerplan.close_gap"  # "How did you close it?"; private_metadata: owner and version id
VIEW_FEEDBACK: Final = "careerplan.feedback"  # feedback on a shared plan; private_metadata: owner and "REPORT:VERSION"
VIEW_SHARE_WITH: Final = "careerplan.share_with"  # choose someone to share your plan with (from Home)
VIEW_ASK: Final = "careerplan.ask"  # ask someone for gaps: who, what they see, a note
VIEW_SUGGEST: Final = "careerplan.suggest"  # the asked person's answer; private_metadata: owner and the ask's id

# Actions.
ACTION_REMINDER_SETTINGS: Final = "careerplan.reminder_settings"  # Home: open the Reminder settings modal
ACTION_BACK: Final = "careerplan.back"
ACTION_ADD_STEP: Final = "careerplan.add_step"
ACTION_ADD_GAP: Final = "careerplan.add_gap"
ACTION_EDIT_PLAN: Final = "careerplan.edit_plan"
ACTION_REFLECT: Final = "careerplan.reflect"
ACTION_LINE_CONFIRM: Final = "careerplan.line_confirm"  # value: the reporting line's id
ACTION_LINE_DECLINE: Final = "careerplan.line_decline"  # value: the reporting line's id
ACTION_SHARE: Final = "careerplan.share"  # value: the reporting line's id
ACTION_STOP_SHARING: Final = "careerplan.stop_sharing"  # value: the reporting line's id
ACTION_VIEW_PLAN: Final = "careerplan.view_plan"  # value: the plan's owner's Slack user id
ACTION_SHARE_WITH: Final = "careerplan.share_with"  # Home: opens VIEW_SHARE_WITH
ACTION_STOP_SHARING_WITH: Final = "careerplan.stop_sharing_with"  # Home; value: the viewer's Slack user id
ACTION_NAME_MANAGER: Final = "careerplan.name_manager"  # opens VIEW_NAME_MANAGER
ACTION_FEEDBACK: Final = "careerplan.feedback"  # in the shared plan's view; value: "REPORT:VERSION" (never trusted)
ACTION_LOG: Final = "careerplan.log"  # value: the reporting line's id (nudge DM, Home)
ACTION_SNOOZE: Final = "careerplan.snooze"  # value: the nudge's id
ACTION_SKIP: Final = "careerplan.skip"  # value: the reporting line's id
ACTION_CLOSE_GAP: Final = "careerplan.close_gap"  # Home: close the focus gap; value: the plan version's id
ACTION_REOPEN_GAP: Final = "careerplan.reopen_gap"  # Home: value "VERSION_ID:INDEX" of a closed gap
ACTION_ASK: Final = "careerplan.ask"  # Home: open VIEW_ASK
ACTION_SUGGEST: Final = "careerplan.suggest"  # the asked person's DM: open VIEW_SUGGEST; value: the ask's id
ACTION_NOT_NOW: Final = "careerplan.not_now"  # the asked person's DM; value: the ask's id
ACTION_WITHDRAW_ASK: Final = "careerplan.withdraw_ask"  # Home; value: the ask's id
ACTION_ADD_SUGGESTED_GAP: Final = "careerplan.add_suggested_gap"  # Home, DM; value: the suggested gap's id
ACTION_SEND_REPORT: Final = "careerplan.send_report"  # an admin's Home: DM me the HTML report (no value is read)
# Url buttons of a reminder that open a calendar's new-event form. Slack still sends a block_actions for a click;
# it is acknowledged and changes nothing.
ACTION_CALENDAR_GOOGLE: Final = "careerplan.calendar.google"
ACTION_CALENDAR_OUTLOOK: Final = "careerplan.calendar.outlook"
# One action per outcome of an experiment (bot.career.cadence.Outcome): prefix + outcome; value: experiment id.
ACTION_OUTCOME_PREFIX: Final = "careerplan.outcome."

# Goal view.
BLOCK_GOAL_KIND: Final = "goal_kind"
BLOCK_IS_SENIOR: Final = "is_senior"
BLOCK_GOAL_TEXT: Final = "goal_text"
BLOCK_GOAL_DATE: Final = "goal_date"
BLOCK_GOAL_WORDS: Final = "goal_words"
BLOCK_GOAL_CHECKS: Final = "goal_checks"
BLOCK_YEAR_FROM_NOW: Final = "year_from_now"

# Steps view: one title / date / words block per step, numbered from 0.
BLOCK_STEP_TITLE: Final = "step_title_{}"
BLOCK_STEP_DATE: Final = "step_date_{}"
BLOCK_STEP_WORDS: Final = "step_words_{}"
BLOCK_STEPS_DONE: Final = "steps_done"

# Gaps view: one block per gap, in order of significance.
BLOCK_GAP: Final = "gap_{}"

# Reflection view (F2).
BLOCK_ENERGY: Final = "energy"
BLOCK_REFLECT_YEAR: Final = "reflect_year"
BLOCK_WHY: Final = "why"
BLOCK_WHY_WORDS: Final = "why_words"
BLOCK_DIRECTION: Final = "direction"

# Log conversation view (F5): experiment rows numbered from 0.
BLOCK_HELD_ON: Final = "held_on"
BLOCK_NOTES: Final = "notes"
BLOCK_NOTES_SHARED: Final = "notes_shared"
BLOCK_NEXT_IN: Final = "next_in"
BLOCK_EXPERIMENT_KIND: Final = "experiment_kind_{}"
BLOCK_EXPERIMENT_WHAT: Final = "experiment_what_{}"
BLOCK_EXPERIMENT_ENDS: Final = "experiment_ends_{}"

# Skip view.
BLOCK_SKIP_REASON: Final = "skip_reason"

# Close-a-gap view: the optional word on how.
BLOCK_CLOSED_NOTE: Final = "closed_note"

# Name-your-manager view: one users_select.
BLOCK_MANAGER: Final = "manager"

# Feedback view: one multiline input.
BLOCK_FEEDBACK: Final = "feedback"
# Share-with-someone view: one users_select.
BLOCK_SHARE_WITH: Final = "share_with"
# Ask-for-gaps view, and the answer's: up to three gaps, most significant first, and encouragement.
BLOCK_ASK_WHO: Final = "ask_who"
BLOCK_ASK_GOAL: Final = "ask_goal"
BLOCK_ASK_NOTE: Final = "ask_note"
BLOCK_SUGGESTED_GAP: Final = "suggested_gap_{}"
BLOCK_ENCOURAGEMENT: Final = "encouragement"

# Every input block holds exactly one element; its action_id is the block's name + this suffix.
ELEMENT: Final = "value"

# Reminder settings view.
BLOCK_WORK_DAYS: Final = "work_days"
BLOCK_WORK_HOURS: Final = "work_hours"
BLOCK_HOLIDAYS: Final = "holidays"
