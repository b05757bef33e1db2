"""The HTML report in a real headless browser (the demo's Chromium): written by `careerplan report --html` for
bench/seed.py's organisation, opened from the file with no network, its two charts drawn with a size and with
bars, the tables there, and a screenshot kept in test-artifacts/."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bench.seed import MONDAY_10AM_NEW_YORK, seed
from tests.browser import ARTIFACTS, chromium, skip_without_browser
from tests.cli import InProcess, clean_env, database_for_cli

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    skip_without_browser()
    monkeypatch.setattr("bot.usecases.common.utc_now", lambda: MONDAY_10AM_NEW_YORK)
    folder = tmp_path_factory.mktemp("report")
    with database_for_cli("sqlite", tmp_path_factory, migrated=True) as (db, url):
        seed(db, 600, now=MONDAY_10AM_NEW_YORK)
        done = InProcess(monkeypatch, capsys)(
            ["report", "--min-group", "3", "--html", str(folder / "report.html")], clean_env(DATABASE_URL=url), folder
        )
    assert done.returncode == 0, done.stderr
    return folder / "report.html"


def _colours(png: bytes) -> int:
    from PIL import Image  # matplotlib's own dependency

    with Image.open(io.BytesIO(png)) as image:
        return len(image.convert("RGB").getcolors(maxcolors=1 << 24) or ())


def test_the_report_page_opens_and_its_charts_render(page: Path, tmp_path: Path) -> None:
    with chromium(1280, 2400) as driver:
        driver.get(page.as_uri())
        assert driver.title.startswith("careerplan report for")
        for chart in ("chart-months", "chart-teams"):
            svg = driver.find_element("css selector", f"#{chart} svg")
            box = driver.execute_script(
                "const r = arguments[0].getBoundingClientRect(); return [r.width, r.height]", svg
            )
            assert box[0] > 200 and box[1] > 100, (chart, box)
            # Bars are SVG paths with a fill; a chart of only axes would have none of the bar colour.
            bars = driver.execute_script(
                "return [...arguments[0].querySelectorAll('path')].filter(p => /#1264a3|#e01e5a/"
                ".test(p.getAttribute('style') || '')).length",
                svg,
            )
            assert bars > 0, chart
            assert _colours(svg.screenshot_as_png) > 3, f"{chart} looks blank"
        assert driver.find_element("css selector", "#section-people").text.startswith("People")
        assert "Team of U" in driver.find_element("css selector", "#teams").text
        # Nothing was fetched: the page is the file, and the file holds everything.
        assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "report-html.png"))
    assert (ARTIFACTS / "report-html.png").stat().st_size > 10_000
