"""Someone left the workspace: the lines they were in end, and each person left behind hears it once.

Slack tells the bot in two ways: a `user_change` event with `deleted: true`, or, for a person the sweep is
about to remind, a `users.info` or `chat.postMessage` answer saying the account is gone. Both end here.
"""

from __future__ import annotations

from slack_sdk import WebClient

from bot.slack.blocks.lines import left_note
from bot.slack.listeners.context import Services, dm, log, publish_home
from bot.usecases.common import Who


def goodbye(client: WebClient, services: Services, leaver: Who) -> int:
    """End every line `leaver` was in and tell each other person (a DM per line, their Home once). Returns how
    many lines ended: 0 the second time, so a replayed event or a second sweeper tells no one again."""
    ended = services.people.left(leaver)
    others: list[str] = []
    for line in ended:
        other = line.manager if line.report == leaver.user_id else line.report
        log.info("line %d ended: %s/%s left", line.id, leaver.team_id, leaver.user_id)
        dm(client, other, *left_note(line, leaver.user_id))
        others.append(other)
    for other in dict.fromkeys(others):  # one Home each, however many lines they shared with the leaver
        publish_home(client, services, Who(team_id=leaver.team_id, user_id=other))
    return len(ended)
