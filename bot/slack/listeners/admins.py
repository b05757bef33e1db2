"""An admin's *Send me the full report* on Home (issue 16): the workspace's HTML report, as a file in their DM.

Thin: the use case decides, on every click, whether the clicker is an admin of the workspace the click came
from (the settings the bot runs with, not the Home that was published; no value of the button is read). A
replay or a retry of the click is only acknowledged (the middleware's request claim), so one click is one file.
"""

from __future__ import annotations

from typing import Final

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.career.report import Report
from bot.report.html import ChartsUnavailable, render_html
from bot.slack import ids
from bot.slack.listeners.context import Payload, Services, Table, dm, log, unless_refused, upload_to_dm
from bot.usecases.common import Who

REPORT_FAILED: Final = (
    "Sorry, Slack did not take the report file, so I could not send it. Please try again in a minute; if it keeps "
    "failing, check that the app has the files:write scope."
)


def report_comment(report: Report) -> str:
    return (
        f"The workspace's careerplan report, {report.since.isoformat()} to {report.until.isoformat()}: counts only, "
        f"never anyone's answers; a group of fewer than {report.min_group} people is not shown."
    )


def charts_missing(problem: ChartsUnavailable) -> str:
    return f"Sorry, I could not make the report here: {problem}. Ask whoever runs careerplan to install it."


def report_filename(report: Report) -> str:
    return f"careerplan-report-{report.team_id}-{report.generated_at.date().isoformat()}.html"


def send_report(ack: Ack, body: Payload, client: WebClient, who: Who, services: Services) -> None:
    ack()
    report = unless_refused(client, body, who, services.admins.report(who))
    if report is None:
        log.info("report refused to %s/%s", who.team_id, who.user_id)
        return
    try:
        page = render_html(report)
    except ChartsUnavailable as missing:
        log.warning("report for %s/%s not drawn: matplotlib is not installed", who.team_id, who.user_id)
        dm(client, who.user_id, charts_missing(missing))
        return
    file_id = upload_to_dm(
        client,
        who,
        what="report",
        content=page,
        filename=report_filename(report),
        title=f"careerplan report, {report.until.isoformat()}",
        comment=report_comment(report),
    )
    if file_id is None:
        dm(client, who.user_id, REPORT_FAILED)
        return
    log.info("report of %s sent to %s (file %s)", who.team_id, who.user_id, file_id or None)


ACTIONS: Table = [(ids.ACTION_SEND_REPORT, send_report)]
