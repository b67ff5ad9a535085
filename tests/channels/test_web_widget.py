"""The web page in web/ with its chat widget (rasa-webchat), driven in headless Chromium.

The page is served from web/ by a thread in this process on a free port; the widget is pointed
at the session's Rasa server (the `servers` fixture) through window.NET_ASSISTANT_CONFIG.
Chromium is Debian's (/usr/bin/chromium, `make browser`; the `browser` fixture is in
conftest.py); Playwright only drives it, it never downloads a browser. axe-core's checks are
tests/browser.py's. web/node_modules comes from `make web`.
"""

import functools
import json
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator, List

import pytest
from playwright.sync_api import (
    BrowserContext,
    ConsoleMessage,
    Page,
    expect,
)

from browser import WEB, assert_accessible
from support import CHEMOTHERAPY, GREETING, domain

BUNDLE = WEB / "node_modules" / "rasa-webchat" / "lib" / "index.js"
# Generous: the first reply after the server starts can take ~10 s on a 2-core machine.
REPLY_TIMEOUT_MS = 90_000

HELPFUL = "Was this helpful?"
# the first sentence of the targeted therapy answer
TARGETED = domain()["responses"]["utter_targeted_therapy"][0]["text"].split(".")[0]
# <script> would not run from innerHTML anyway; the <img onerror> would, if markup got through.
HTML_INPUT = "<script>alert(1)</script><b>bold</b><img src=x onerror=alert(2)>"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def page_url() -> Iterator[str]:
    """web/ served the way `make serve` does (a static file server), on a free port."""
    if not BUNDLE.exists():
        pytest.fail(f"{BUNDLE} is missing: run `make web` (npm ci in web/)")
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(WEB))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class Widget:
    """One browser profile (its own localStorage) with the page open, and what went wrong in it."""

    def __init__(self, context: BrowserContext, url: str):
        self.context = context
        self.url = url
        self.page: Page = context.new_page()
        self.dialogs: List[str] = []
        self.errors: List[str] = []
        self.page.on("dialog", self._on_dialog)
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        self.page.on("console", self._on_console)

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _on_console(self, message: ConsoleMessage) -> None:
        # The widget's CSS @imports a Google font; the page's CSP blocks it on purpose.
        if message.type == "error" and "fonts.googleapis.com" not in message.text:
            self.errors.append(f"console: {message.text}")

    def open(self, reload: bool = False) -> None:
        if reload:
            self.page.reload()
        else:
            self.page.goto(self.url)
        # The launcher shows at once; the chat's state (open or not) is restored after a reload.
        launcher = self.page.locator(".rw-launcher")
        expect(launcher).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        if not self.page.locator(".rw-conversation-container").is_visible():
            launcher.click()
        expect(self.page.locator(".rw-conversation-container")).to_be_visible()

    def bot_message(self, starts_with: str):
        return self.page.locator(".rw-response").filter(has_text=starts_with)

    def user_messages(self):
        return self.page.locator(".rw-client")

    def expect_bot(self, starts_with: str):
        message = self.bot_message(starts_with).last
        expect(message).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        assert message.inner_text().strip().startswith(starts_with)
        return message

    def type(self, text: str) -> None:
        box = self.page.locator(".rw-new-message")
        expect(box).to_be_enabled(timeout=REPLY_TIMEOUT_MS)
        box.fill(text)
        box.press("Enter")

    def session_id(self) -> str:
        """The id rasa-webchat keeps in localStorage and sends with session_request."""
        return self.page.evaluate("JSON.parse(localStorage.getItem('chat_session')).session_id")

    def reply_button(self, title: str):
        return self.page.locator(".rw-reply").filter(has_text=re.compile(f"^{re.escape(title)}$"))


@pytest.fixture
def widget(browser, page_url, servers, results_dir, request) -> Iterator[Widget]:
    context = browser.new_context(viewport={"width": 1100, "height": 860})
    context.add_init_script(
        f"window.NET_ASSISTANT_CONFIG = {{socketUrl: {json.dumps(servers.rasa_url)}}};"
    )
    widget = Widget(context, page_url)
    failures_before = request.session.testsfailed
    try:
        yield widget
    finally:
        if request.session.testsfailed > failures_before:
            # what the page looked like when the test failed, next to the other results
            widget.page.screenshot(path=str(results_dir / f"{request.node.name}.png"))
            (results_dir / f"{request.node.name}.html").write_text(widget.page.content())
        context.close()


def test_greeting_question_button_and_reload(widget: Widget, servers, results_dir: Path):
    widget.open()

    # Opening the chat sends initPayload /greet: the greeting says this is not medical advice.
    greeting = widget.expect_bot(GREETING)
    assert "this is not medical advice" in greeting.inner_text()
    expect(widget.page.locator(".rw-reply")).to_have_count(5)
    expect(widget.page.locator(".rw-reply").first).to_have_text("Treatment options")

    # A question typed in the box, and its answer, followed by "Was this helpful?".
    widget.type("what is chemotherapy")
    expect(widget.user_messages().filter(has_text="what is chemotherapy")).to_have_count(1)
    widget.expect_bot(CHEMOTHERAPY)
    widget.expect_bot(HELPFUL)
    # The answer's buttons stay under it (web/widget.js turns quick replies into buttons), in
    # view together with the Yes and No of "Was this helpful?", without scrolling.
    next_questions = domain()["responses"]["utter_chemotherapy"][0]["buttons"]
    for title in [button["title"] for button in next_questions] + ["Yes", "No"]:
        expect(widget.reply_button(title).last).to_be_in_viewport(ratio=1)
    # The page with the widget, scrolled to the question and its answer.
    widget.user_messages().filter(has_text="what is chemotherapy").evaluate(
        "element => element.scrollIntoView({block: 'start'})"
    )
    widget.page.screenshot(path=str(results_dir / "web_widget.png"))

    # A button sends its payload, and the answer is that topic's.
    widget.reply_button("Targeted therapy").last.click()
    expect(widget.user_messages().filter(has_text="Targeted therapy")).to_have_count(1)
    widget.expect_bot(TARGETED)

    # A reload keeps the conversation: the widget restores it from localStorage, keeps its
    # session id, and does not greet again.
    session_id = widget.session_id()
    widget.open(reload=True)
    assert widget.session_id() == session_id
    for text in (GREETING, CHEMOTHERAPY, TARGETED):
        expect(widget.bot_message(text)).to_have_count(1)
    expect(widget.user_messages()).to_have_count(2)

    # ... and the same conversation goes on after it.
    widget.type("what is chemotherapy")
    expect(widget.bot_message(CHEMOTHERAPY)).to_have_count(2, timeout=REPLY_TIMEOUT_MS)
    expect(widget.bot_message(GREETING)).to_have_count(1)

    # Rasa kept one conversation for it all (session_persistence: keyed by the widget's session id).
    wanted = ["/greet", "what is chemotherapy", "/ask_targeted_therapy", "what is chemotherapy"]
    assert servers.user_texts(session_id, at_least=len(wanted)) == wanted

    assert widget.dialogs == []
    assert widget.errors == []


def test_user_html_is_shown_as_text(widget: Widget):
    widget.open()
    widget.expect_bot(GREETING)
    bot_replies_before = widget.page.locator(".rw-response").count()

    widget.type(HTML_INPUT)
    mine = widget.user_messages().filter(has_text="alert(1)")
    expect(mine).to_have_count(1)
    # shown character for character, and no element made from it
    assert mine.inner_text().strip() == HTML_INPUT
    assert mine.locator("script, b, img").count() == 0
    # the bot answers (whatever it makes of it), and still nothing ran or appeared
    expect(widget.page.locator(".rw-response")).not_to_have_count(
        bot_replies_before, timeout=REPLY_TIMEOUT_MS
    )
    assert widget.page.locator(".rw-messages-container").locator("script, b, img").count() == 0

    assert widget.dialogs == []
    assert widget.errors == []


# --- accessibility ----------------------------------------------------------------------------
# what a screen reader user hears a button called
LAUNCHER_OPEN, LAUNCHER_CLOSE = "Open the chat", "Close the chat"


def focused(page: Page) -> dict:
    return page.evaluate(
        "() => { const e = document.activeElement; const s = getComputedStyle(e);"
        " return {label: e.getAttribute('aria-label'), text: e.innerText || '',"
        " cls: e.className, outline: s.outlineStyle + ' ' + s.outlineWidth}; }"
    )


def tab_to(page: Page, matches, limit: int = 40) -> dict:
    """Press Tab until the focused element matches; each stop must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if element["cls"] and "rw-" in str(element["cls"]):
            assert not element["outline"].startswith("none"), f"focus not visible on {element}"
        if matches(element):
            return element
    pytest.fail(f"Tab never reached the element; last focus: {focused(page)}")


def test_keyboard_alone_with_screen_reader_names_and_no_serious_axe_violation(
    widget: Widget,
):
    page = widget.page
    page.goto(widget.url)
    expect(page.locator(".rw-launcher")).to_be_visible(timeout=REPLY_TIMEOUT_MS)

    # open with the keyboard: the launcher is named, shows focus, and says it is closed
    tab_to(page, lambda e: e["label"] == LAUNCHER_OPEN)
    expect(page.locator(".rw-launcher")).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(page.locator(".rw-conversation-container")).to_be_visible()
    # focus moved into the chat (not left behind on the page)
    # a function, not an expression: Playwright would eval() an expression, which the CSP forbids
    page.wait_for_function(
        "() => document.activeElement.closest('.rw-conversation-container') !== null",
        timeout=5000,
    )
    # new messages go into a live region that screen readers announce
    log = page.locator("[role=log][aria-live=polite]")
    expect(log.locator(".rw-response").filter(has_text=GREETING)).to_have_count(
        1, timeout=REPLY_TIMEOUT_MS
    )
    assert_accessible(page, "with the chat open")

    # choose an answer button with the keyboard
    tab_to(page, lambda e: e["text"].strip() == "Surgery")
    page.keyboard.press("Enter")
    expect(widget.user_messages().filter(has_text="Surgery")).to_have_count(1)
    widget.expect_bot("For most NETs, wherever they are, the preferred treatment is surgery")

    # type a question: the box is reachable and named
    box = tab_to(page, lambda e: e["label"] == "Your question")
    assert box
    page.keyboard.type("what is chemotherapy")
    page.keyboard.press("Enter")
    widget.expect_bot(CHEMOTHERAPY)
    widget.expect_bot(HELPFUL)
    expect(log.locator(".rw-response").filter(has_text=CHEMOTHERAPY)).to_have_count(1)
    assert_accessible(page, "after a conversation")

    # Escape closes the chat and gives the focus back to the launcher
    page.keyboard.press("Escape")
    expect(page.locator(".rw-conversation-container")).to_have_count(0)
    assert focused(page)["label"] == LAUNCHER_OPEN
    assert widget.errors == []


def test_text_zoomed_to_200_percent_keeps_the_input(browser, page_url, servers):
    """200% zoom is the same page in half the CSS pixels: the input stays on screen and works."""
    context = browser.new_context(viewport={"width": 550, "height": 430}, device_scale_factor=2)
    context.add_init_script(
        f"window.NET_ASSISTANT_CONFIG = {{socketUrl: {json.dumps(servers.rasa_url)}}};"
    )
    try:
        widget = Widget(context, page_url)
        widget.open()
        widget.expect_bot(GREETING)
        box = widget.page.locator(".rw-new-message")
        expect(box).to_be_visible()
        frame = box.bounding_box()
        assert frame and frame["y"] >= 0 and frame["y"] + frame["height"] <= 430, frame
        assert frame["x"] >= 0 and frame["x"] + frame["width"] <= 550, frame
        widget.type("what is chemotherapy")
        widget.expect_bot(CHEMOTHERAPY)
        expect(box).to_be_in_viewport()
        assert_accessible(widget.page, "at 200% zoom")
    finally:
        context.close()
