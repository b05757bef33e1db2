"""A real headless browser on the demo's page (DESIGN.md §7 "Pages"): Debian's chromium and chromium-driver, driven
with Selenium as a person would (clicks, typing), waiting on what the page shows, never on the clock.

Screenshots go to test-artifacts/ (CAREERPLAN_TEST_ARTIFACTS elsewhere), kept for a person to look at."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(os.environ.get("CAREERPLAN_TEST_ARTIFACTS") or Path(__file__).resolve().parents[1] / "test-artifacts")
WAIT_SECONDS = 30.0


def skip_without_browser() -> None:
    if not CHROMIUM.exists() or not (CHROMEDRIVER.exists() or shutil.which("chromedriver")):
        pytest.skip("no system Chromium: apt-get install chromium chromium-driver (.ci/run does)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        pytest.skip("selenium is not installed: pip install -e '.[dev]'")


@contextmanager
def chromium(width: int = 1280, height: int = 900) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # as root in CI
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={width},{height}",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


class Page:
    """The demo page in the browser, in a person's words: who I am, what I click, type and see."""

    def __init__(self, driver: Any, url: str) -> None:
        self.driver = driver
        self.url = url

    def open(self) -> None:
        self.driver.get(self.url)
        self.until(lambda: self.driver.find_element("tag name", "body").get_attribute("data-ready") == "true", "ready")

    def until(self, check: Callable[[], Any], what: str) -> Any:
        from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
        from selenium.webdriver.support.ui import WebDriverWait

        def settled(_driver: Any) -> Any:
            if "busy" in (self.driver.find_element("tag name", "body").get_attribute("class") or ""):
                return False
            try:
                return check()
            except (NoSuchElementException, StaleElementReferenceException):
                return False

        try:
            return WebDriverWait(self.driver, WAIT_SECONDS, poll_frequency=0.05).until(settled)
        except Exception as exc:
            self.screenshot("failed")
            raise AssertionError(f"the page never showed {what}: …{self.text('main')[-2500:]}") from exc

    def by_css(self, css: str) -> Any:
        return self.driver.find_element("css selector", css)

    def by_xpath(self, xpath: str) -> Any:
        """What `xpath` finds, once the page shows it (for "the button next to this text")."""
        return self.until(lambda: self.driver.find_element("xpath", xpath), f"an element at {xpath}")

    def all_css(self, css: str) -> list[Any]:
        return list(self.driver.find_elements("css selector", css))

    def text(self, css: str) -> str:
        found = self.all_css(css)
        return "\n".join(str(e.text) for e in found)

    def be(self, user_id: str) -> None:
        from selenium.webdriver.support.ui import Select

        Select(self.by_css("#person")).select_by_value(user_id)
        self.until(
            lambda: self.driver.execute_script("return localStorage.getItem('careerplan-demo-user')") == user_id,
            user_id,
        )
        self.until(lambda: self.all_css("#home .blocks"), "the Home tab")

    def tab(self, name: str) -> None:
        self.by_css(f"#tab-{name}").click()

    def command(self, text: str) -> None:
        self.tab("messages")
        box = self.by_css("#message-box")
        box.clear()
        box.send_keys(text)
        self.by_css("#composer button").click()
        self.until(lambda: self.by_css("#message-box").get_attribute("value") == "", "the command sent")

    def click_button(self, label: str, within: str = "body") -> None:
        button = self.until(
            lambda: next((b for b in self.all_css(f"{within} button") if b.text == label and b.is_displayed()), None),
            f"a button {label!r} in {within}",
        )
        button.click()

    def click_action(self, action_id: str, within: str = "body") -> None:
        """The (last shown) button whose action_id is `action_id`, in `within`."""
        css = f'{within} button[data-action-id="{action_id}"]'
        button = self.until(lambda: [b for b in self.all_css(css) if b.is_displayed()][-1:], f"a button {action_id}")[0]
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()

    def click_action_in_message(self, action_id: str, saying: str) -> None:
        """The button `action_id` of the latest DM message whose text has `saying`."""

        def found() -> Any:
            for message in reversed(self.all_css("#dm .message")):
                buttons = message.find_elements("css selector", f'button[data-action-id="{action_id}"]')
                if saying in message.text and buttons:
                    return buttons[0]
            return None

        button = self.until(found, f"a message saying {saying!r} with a button {action_id}")
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()

    def modal_title(self) -> str:
        return str(self.by_css("#modal-layer .modal-title").text)

    def wait_for_modal(self, title: str) -> None:
        self.until(
            lambda: self.all_css("#modal-layer .modal-title") and self.modal_title() == title, f"modal {title!r}"
        )

    def field(self, block_id: str, css: str = "input, textarea") -> Any:
        return self.by_css(f'#modal-layer [data-block-id="{block_id}"]').find_element("css selector", css)

    def type_into(self, block_id: str, text: str) -> None:
        element = self.field(block_id)
        element.clear()
        element.send_keys(text)

    def set_date(self, block_id: str, day: str) -> None:
        element = self.field(block_id, "input[type=date]")
        self.driver.execute_script("arguments[0].value = arguments[1]", element, day)

    def choose(self, block_id: str, label: str) -> None:
        from selenium.webdriver.support.ui import Select

        Select(self.field(block_id, "select")).select_by_visible_text(label)

    def pick(self, block_id: str, label: str) -> None:
        """A radio button or checkbox, by its label."""
        choice = next(c for c in self.all_css(f'#modal-layer [data-block-id="{block_id}"] label') if label in c.text)
        choice.find_element("css selector", "input").click()

    def submit(self) -> None:
        self.by_css("#modal-submit").click()

    def error_on(self, block_id: str) -> str:
        return str(self.by_css(f'#modal-layer [data-error-for="{block_id}"]').text)

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path
