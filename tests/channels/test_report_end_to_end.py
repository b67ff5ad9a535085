"""`python -m report` on conversations sent through the REST channel to the session's real server.

A known set of conversations (topics typed and by button, feedback, walk-throughs finished and
stopped, questions the page does not cover, messages not understood, emergencies) is sent, its
events are copied from the server's SQLite tracker store into a file of their own (the session's
other tests write there too), and the report written from that copy must show each figure as
sent, no message text and no sender id by default, and only masked text with
--with-unanswered. The report then opens offline in Chromium: screenshot, axe-core.
"""

import re
import sqlite3
import subprocess
import time
import uuid
from pathlib import Path
from typing import Callable, Dict, List

import pytest

from actions import feedback
from browser import assert_accessible
from report.privacy import shown
from support import ROOT

PEOPLE = 5  # conversations of each kind: enough for every count to be shown
RUN = uuid.uuid4().hex[:8]
# Sent as typed, never to appear in the report by default. Each kind's first reply proves the
# model read it as the test means (an assertion names the reply otherwise).
CHEMO = "what is chemotherapy"
SIDE_EFFECTS = "what are the side effects of chemotherapy"
# two messages the model reads as nothing it knows ("not understood"), with what masking hides
UNCLEAR = [
    "Dr Maria said the radiation thing maria.lopez@example.org",
    "Dr Maria said the radiation thing in 2019",
]
MASKED = [
    "Dr [name] said the radiation thing [e-mail]",
    "Dr [name] said the radiation thing in [number]",
]
EMERGENCY = "my dad collapsed and is not breathing"
WALK_ANSWERS = ["pancreas", "it makes hormones", "it spread to the liver"]
REFINE = '/refine_options{"fully_removable":"yes"}'


def texts(replies: List[Dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def conversations(servers) -> Dict[str, int]:
    """Send every conversation; return how many user messages each sender sent."""
    sent: Dict[str, int] = {}

    def talk(kind: str, *messages: str, check: Callable[[str], bool]) -> None:
        for n in range(PEOPLE):
            sender = f"report-{kind}-{n}-{RUN}"
            replies = [texts(servers.rest(sender, message)) for message in messages]
            assert check("\n".join(replies)), f"{kind}: {replies}"
            sent[sender] = len(messages)

    talk("typed", CHEMO, "/affirm", check=lambda said: "Thank you" in said)
    talk("button", "/ask_surgery", "/deny", check=lambda said: "Was this helpful?" in said)
    talk(
        "walk",
        "/explore_options",
        *WALK_ANSWERS,
        REFINE,
        check=lambda said: said.count("In short") == 2,
    )
    talk("stop", "/explore_options", "stop", check=lambda said: "stopped the questions" in said)
    talk("not-covered", SIDE_EFFECTS, check=lambda said: "doesn't say what side effects" in said)
    talk("unclear", *UNCLEAR, check=lambda said: "Did you mean" in said)
    talk("emergency", EMERGENCY, check=lambda said: said.startswith("If this is an emergency"))
    return sent


def copy_of_these(servers, senders: List[str], copy: Path) -> None:
    """The events of `senders` only, in a tracker store file of their own."""
    with sqlite3.connect(copy) as db:
        db.execute("ATTACH DATABASE ? AS server", (str(servers.tracker_db),))
        db.execute("CREATE TABLE events AS SELECT * FROM server.events WHERE 0")
        marks = ",".join("?" * len(senders))
        db.execute(
            f"INSERT INTO events SELECT * FROM server.events WHERE sender_id IN ({marks})",
            senders,
        )


def run_report(endpoints: Path, out: Path, feedback_db: Path, *options: str) -> str:
    """What `make report` runs."""
    command = [str(ROOT / ".venv" / "bin" / "python"), "-m", "report", "--days", "1"]
    command += ["--endpoints", str(endpoints), "--out", str(out), "--feedback", str(feedback_db)]
    run = subprocess.run(
        command + list(options), cwd=ROOT, capture_output=True, text=True, timeout=180
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return out.read_text()


def row(page: str, *cells: str) -> bool:
    """A table row of exactly these cells."""
    return (
        re.search(
            "<tr>" + "".join(rf"<t[hd][^>]*>{re.escape(c)}</t[hd]>" for c in cells) + "</tr>", page
        )
        is not None
    )


@pytest.fixture(scope="module")
def reports(servers, tmp_path_factory):
    feedback_db = servers.work / "feedback.db"
    before = feedback.counts(str(feedback_db))
    started = time.strftime("%Y-%m-%d", time.gmtime())
    sent = conversations(servers)
    today = time.strftime("%Y-%m-%d", time.gmtime())
    if today != started:  # the report counts per UTC day: its rows would be split in two
        pytest.skip("the conversations were sent across midnight UTC")
    servers.user_texts(next(reversed(sent)), at_least=1)  # the last save has landed
    work = tmp_path_factory.mktemp("report")
    copy_of_these(servers, list(sent), work / "tracker.db")
    endpoints = work / "endpoints.yml"
    endpoints.write_text(
        f'tracker_store:\n  type: failsafe.tracker_store.SQLTrackerStore\n  dialect: "sqlite"\n'
        f'  db: "{work / "tracker.db"}"\n'
    )
    private = run_report(endpoints, work / "report.html", feedback_db)
    unanswered = run_report(endpoints, work / "unanswered.html", feedback_db, "--with-unanswered")
    after = feedback.counts(str(feedback_db))
    return sent, private, unanswered, before, after, work / "report.html", today


def test_every_figure_is_what_was_sent(reports):
    sent, page, _, before, after, _, today = reports
    conversations, messages = len(sent), sum(sent.values())
    assert row(page, today, shown(conversations), shown(messages))  # all through REST
    assert f"{conversations} conversations wrote at least one message" in page
    # topics: typed or by button (the walk-through's buttons included)
    assert row(page, "Chemotherapy", shown(PEOPLE), shown(PEOPLE), shown(0))
    assert row(page, "Surgery", shown(PEOPLE), shown(0), shown(PEOPLE))
    assert row(page, "Walk me through my situation", shown(2 * PEOPLE), shown(0), shown(2 * PEOPLE))
    # the walk-through
    for step, conversations_at in {
        "Started the walk-through": 2 * PEOPLE,
        "Answered: tumor site": PEOPLE,
        "Answered: hormone status": PEOPLE,
        "Answered: tumor spread": PEOPLE,
        "Reached the explanation": PEOPLE,
        "Added what the care team said": PEOPLE,
        "Stopped before the explanation": PEOPLE,
        "Left before the explanation": 0,
    }.items():
        assert row(page, step, shown(conversations_at)), step
    # not understood and not covered today, what they asked about, emergencies today
    assert row(page, today, shown(2 * PEOPLE), shown(PEOPLE))
    assert row(page, "side effects", shown(PEOPLE))
    assert row(page, today, shown(PEOPLE))
    # "Was this helpful?": what the action server counted, this test's answers among them
    chemo, surgery = after["utter_chemotherapy"], after["utter_surgery"]
    assert chemo[True] - before.get("utter_chemotherapy", {True: 0})[True] == PEOPLE
    assert surgery[False] - before.get("utter_surgery", {False: 0})[False] == PEOPLE
    assert row(page, "Chemotherapy", shown(chemo[True]), shown(chemo[False]))
    assert row(page, "Surgery", shown(surgery[True]), shown(surgery[False]))
    # the model that answered
    assert re.search(r"<th scope=\"row\">[0-9a-f]{32}</th><td>" + shown(conversations), page)


def test_no_text_and_no_sender_by_default(reports):
    sent, page, *_ = reports
    for text in [
        CHEMO,
        SIDE_EFFECTS,
        *UNCLEAR,
        EMERGENCY,
        *WALK_ANSWERS,
        "Maria",
        "radiation thing",
    ]:
        assert text not in page, text
    assert RUN not in page and "report-" not in page


def test_with_unanswered_the_messages_not_understood_are_masked(reports):
    page = reports[2]
    for masked in MASKED:
        assert f'{masked} <span class="times">({shown(PEOPLE)})</span>' in page
    assert row(page, "side effects", shown(PEOPLE))  # the figures too
    for secret in ["Maria", "maria.lopez", "example.org", "2019", RUN]:
        assert secret not in page, secret
    # only the messages not understood
    assert CHEMO not in page and SIDE_EFFECTS not in page


def test_the_report_opens_offline_screenshot_and_axe(reports, browser, results_dir):
    report_file = reports[5]
    # axe is added by the test, inline: the report's own policy forbids any script
    context = browser.new_context(bypass_csp=True, viewport={"width": 1100, "height": 900})
    page = context.new_page()
    requests: List[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(report_file.as_uri())
        assert requests == [report_file.as_uri()]  # nothing else fetched
        assert page.locator("svg[role=img]").count() == 6
        page.screenshot(path=str(results_dir / "report.png"), full_page=True)
        assert_accessible(page, "on the report")
    finally:
        context.close()
