"""The report as a self-contained HTML page: the tables and two charts (conversations per month; on cadence by
team) drawn by matplotlib as inline SVG. No script, no stylesheet or font from the network: the file opens
anywhere, offline, and can be mailed as it is.

matplotlib is the optional extra careerplan[report]; without it `render_html` raises ChartsUnavailable, whose
message says how to install it. Everything else of the report works without it.
"""

from __future__ import annotations

import io
import re
from html import escape
from typing import TYPE_CHECKING, Any, Final

from bot.career.report import Report
from bot.report.render import period_line, printable, scope_title, team_label, teams_note

if TYPE_CHECKING:
    from matplotlib.figure import Figure as Chart

INSTALL_HINT: Final = 'the HTML report draws its charts with matplotlib: pip install "careerplan[report]"'
TEAMS_IN_CHART: Final = 25
INK, MUTED, BAR, LATE = "#1d1c1d", "#616061", "#1264a3", "#e01e5a"


class ChartsUnavailable(ImportError):
    """matplotlib is not installed; str(exc) says how to install it."""


def _figure_class() -> type[Chart]:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ChartsUnavailable(INSTALL_HINT) from None
    return Figure


def load_charts() -> None:
    """Import what the charts need, ahead of drawing them (an ImportError here shows again when drawing)."""
    try:
        import matplotlib.backends.backend_svg
        import matplotlib.figure  # noqa: F401
    except ImportError:
        pass


def _svg(chart: Chart) -> str:
    import matplotlib

    buffer = io.StringIO()
    # Text as text (smaller, selectable, searchable), no date or random ids: the same report, the same page.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "careerplan", "font.size": 10}):
        chart.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML declaration and DOCTYPE: inline SVG in HTML needs neither
    return re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)  # RDF about the drawing tool


def conversations_chart(report: Report) -> str:
    """Bars of conversations held per month; a hidden month is marked, not drawn."""
    figure_class = _figure_class()
    rows = report.section("months").rows
    chart = figure_class(figsize=(8, 3))
    axes = chart.subplots()
    labels = [row.label for row in rows]
    heights = [row.count or 0 for row in rows]
    axes.bar(range(len(rows)), heights, color=BAR)
    for index, row in enumerate(rows):
        if row.hidden is not None:
            axes.annotate("hidden", (index, 0), ha="center", va="bottom", color=MUTED, fontsize=8, rotation=90)
    axes.set_xticks(range(len(rows)), labels, rotation=45, ha="right")
    axes.set_ylabel("conversations held")
    axes.set_title("Conversations held per month", loc="left", color=INK)
    _tidy(axes)
    return _svg(chart)


def teams_chart(report: Report) -> str:
    """Horizontal bars of each listed team's share of lines on cadence; teams whose share is hidden are left out."""
    figure_class = _figure_class()
    # printable: a control character is not even valid in an SVG (XML) document.
    shown = [
        (printable(team_label(row)), row.on_cadence.share) for row in report.teams if row.on_cadence.share is not None
    ]
    shown = shown[:TEAMS_IN_CHART]
    chart = figure_class(figsize=(8, max(1.5, 0.3 * len(shown) + 1)))
    axes = chart.subplots()
    if shown:
        names = [name for name, _ in shown][::-1]
        rates = [100 * (rate or 0) for _, rate in shown][::-1]
        axes.barh(range(len(shown)), rates, color=[LATE if rate < 50 else BAR for rate in rates])
        axes.set_yticks(range(len(shown)), names)
        for label in axes.get_yticklabels():
            label.set_parse_math(False)  # a label is a Slack id from the database: never TeX
    else:
        axes.text(0.5, 0.5, "No team's rate can be shown", ha="center", va="center", color=MUTED)
        axes.set_yticks([])
    axes.set_xlim(0, 100)
    axes.set_xlabel("% of lines on cadence")
    axes.set_title("On cadence by team (least first)", loc="left", color=INK)
    _tidy(axes)
    return _svg(chart)


def _tidy(axes: Any) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


STYLE: Final = """
body { font: 15px/1.45 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1d1c1d;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
p.meta { color: #616061; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #e8e8e8; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.hidden { color: #616061; font-style: italic; }
figure { margin: 1rem 0 2rem; } figure svg { max-width: 100%; height: auto; }
figcaption { color: #616061; font-size: .9rem; }
"""


def _cell(text: str, hidden: bool) -> str:
    return f'<td class="n{" hidden" if hidden else ""}">{escape(text)}</td>'


def render_html(report: Report) -> str:
    """The whole page, every piece of text escaped. Raises ChartsUnavailable without matplotlib."""
    k = report.min_group
    charts = (conversations_chart(report), teams_chart(report))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # Nothing from anywhere: no script, no request, whatever the page holds.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        'img-src data:">',
        f"<title>{escape(scope_title(report))}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{escape(scope_title(report))}</h1>",
        f'<p class="meta">{escape(period_line(report))}; generated {report.generated_at:%Y-%m-%d %H:%M} UTC. '
        f"Counts only: no one's answers. &ldquo;fewer than {k}&rdquo; marks a group too small to show; "
        "&ldquo;suppressed&rdquo; a figure hidden so that such a group cannot be worked out from the others.</p>",
    ]
    for section in report.sections:
        parts.append(f"<h2>{escape(section.title)}</h2>")
        if section.key == "months":
            caption = "A month hidden to protect a small group is marked, not drawn"
            parts.append(f'<figure id="chart-months">{charts[0]}<figcaption>{caption}</figcaption></figure>')
        parts.append(f'<table id="section-{escape(section.key)}"><tbody>')
        for row in section.rows:
            parts.append(
                f'<tr><th scope="row">{escape(row.label)}</th>{_cell(row.text(k), row.hidden is not None)}</tr>'
            )
        parts.append("</tbody></table>")
    parts.append("<h2>On cadence by team</h2>")
    parts.append(
        f'<figure id="chart-teams">{charts[1]}<figcaption>Share of each team\'s lines on cadence</figcaption></figure>'
    )
    if report.teams:
        parts.append('<table id="teams"><thead><tr><th>Team</th><th>Active lines</th><th>On cadence</th>')
        parts.append("<th>Overdue now</th></tr></thead><tbody>")
        for team in report.teams:
            cells = "".join(
                _cell(figure.text(k), figure.hidden is not None)
                for figure in (team.lines, team.on_cadence, team.overdue)
            )
            parts.append(f'<tr><th scope="row">{escape(printable(team_label(team)))}</th>{cells}</tr>')
        parts.append("</tbody></table>")
    else:
        parts.append(f"<p>No team of {k} or more people in this scope.</p>")
    if note := teams_note(report):
        parts.append(f'<p class="meta">{escape(note)}</p>')
    parts.append("</body></html>")
    return _no_scripts("\n".join(parts))


def _no_scripts(page: str) -> str:
    # matplotlib's SVG holds no script; this keeps it so whatever a future version writes.
    return re.sub(r"<script\b.*?</script>", "", page, flags=re.DOTALL | re.IGNORECASE)
