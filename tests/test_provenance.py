"""Where does it say that? Every quoted passage is the page's, word for word, and every answer
with medical content has one; action_show_source quotes the last answer's."""

import asyncio
import re

import pytest
from rasa_sdk.executor import CollectingDispatcher
from test_factors import ALL_COMBINATIONS, combination_id, explanation

from actions.sources import ActionShowSource, page_sources, response_passages, sentences
from support import PAGE as SOURCE_PAGE
from support import domain, make_tracker

DOMAIN = domain()
RESPONSES = DOMAIN["responses"]
SLOTS = {name: slot.get("initial_value") for name, slot in DOMAIN["slots"].items()}
MAP = page_sources()
HOSPITAL_PAGE = MAP["hospital_page"]
PAGE = SOURCE_PAGE.read_text(encoding="utf-8")
PAGE_LINES = PAGE.split("\n")
# Responses that say nothing about NETs from the page: conversation, safety, the edges of the
# page's scope ("the page doesn't cover ..."), and the source replies themselves.
NO_PAGE_CONTENT = {
    "utter_greet",
    "utter_capabilities",
    "utter_iamabot",
    "utter_goodbye",
    "utter_thank",
    "utter_ask_helpful",
    "utter_feedback_thanks",
    "utter_feedback_sorry",
    "utter_ask_rephrase",
    "utter_default",
    "utter_did_you_mean",
    "utter_emergency",
    "utter_personal_advice",
    "utter_out_of_scope",
    "utter_other_condition",
    "utter_not_covered",
    "utter_not_covered_cause",
    "utter_not_covered_side_effects",
    "utter_not_covered_diet",
    "utter_not_covered_dose",
    "utter_drug_not_named",
    "utter_term_unknown",
    "utter_walkthrough_intro",
    "utter_walkthrough_stopped",
    "utter_factor_marked_not_sure",
    "utter_refine_unclear",
    "utter_offer_walkthrough",
    "utter_answer_not_placed",
    "utter_symptoms_not_an_answer",
    "utter_safety_line",
    "utter_personal_advice_general",
    "utter_page_silent",
    "utter_procedure_closest",
    "utter_technical_problem",
    "utter_message_too_long",
    "utter_restart",
}
# The walk-through cites its table's page lines (issue 9); form questions restate nothing.
CITED_ELSEWHERE = ("utter_fit_", "utter_ask_", "utter_question_", "utter_source_")


def test_the_page_is_there():
    assert SOURCE_PAGE.exists(), f"the source page is expected at {SOURCE_PAGE}"


@pytest.mark.parametrize("line,text", MAP["lines"].items())
def test_stored_lines_are_the_page_word_for_word(line, text):
    assert PAGE_LINES[line - 1] == text


@pytest.mark.parametrize("line,heading", MAP["headings"].items())
def test_headings_are_the_pages(line, heading):
    assert PAGE_LINES[line - 1] == heading


@pytest.mark.parametrize("response", MAP["sources"])
def test_each_answer_quotes_whole_sentences_verbatim(response):
    assert response in RESPONSES
    for line, numbers in MAP["sources"][response].items():
        assert line in MAP["lines"], f"{response} cites line {line}, which is not stored"
        assert numbers and all(1 <= n <= len(sentences(MAP["lines"][line])) for n in numbers)
    for passage in response_passages(response):
        at = PAGE.index(passage.quote)
        # the heading it is quoted under is the last heading above it on the page
        heading = str(passage.heading)
        heading_at = PAGE.rindex(f"\n{heading}\n", 0, at)
        between = PAGE[heading_at + len(heading) + 2 : at]
        assert not any(f"\n{h}\n" in f"\n{between}" for h in MAP["headings"].values())


@pytest.mark.parametrize("response", HOSPITAL_PAGE)
def test_the_hospital_passages_are_its_page_verbatim(response):
    assert response in RESPONSES
    for passage in HOSPITAL_PAGE[response]:
        at = PAGE.index(passage["quote"])
        if passage["heading"] is None:
            assert PAGE.index(MAP["headings"][min(MAP["headings"])]) > at
        else:
            # a whole line of the page, above the quote
            assert f"\n{passage['heading']}\n" in PAGE[:at]


def test_every_answer_with_medical_content_names_its_page_passage():
    checked = [name for name in RESPONSES if not name.startswith(CITED_ELSEWHERE)]
    sourced = set(MAP["sources"]) | set(HOSPITAL_PAGE)
    assert not sourced & NO_PAGE_CONTENT
    unclassified = [name for name in checked if name not in sourced | NO_PAGE_CONTENT]
    assert not unclassified, f"name the page passage these restate: {unclassified}"
    assert NO_PAGE_CONTENT <= set(RESPONSES)


def test_the_statements_not_from_the_page_are_listed_once():
    assert set(MAP["defined_in"]) <= set(RESPONSES)
    used = {word for words in MAP["defined_in"].values() for word in words}
    assert used == set(MAP["definitions"])


# ------------------------------------------------------------------ action_show_source
def bot(response: str) -> dict:
    return {"event": "bot", "text": "...", "metadata": {"utter_action": response}}


def user(intent: str) -> dict:
    return {"event": "user", "text": intent, "parse_data": {"intent": {"name": intent}}}


async def show_source(events, slots=None):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(slots={**SLOTS, **(slots or {})}, intent="ask_source", events=events)
    await ActionShowSource().run(dispatcher, tracker, DOMAIN)
    return dispatcher.messages


async def test_prrt_then_where_does_it_say_that():
    messages = await show_source(
        [user("ask_prrt"), bot("utter_prrt"), bot("utter_ask_helpful"), user("ask_source")]
    )
    passage, *definitions, link = messages
    assert passage["response"] == "utter_source_passage"
    assert passage["heading"] == "Peptide radionuclide therapy"
    for sentence in sentences(PAGE_LINES[29]):
        assert sentence in passage["quote"]
    assert {m["response"] for m in definitions} == {"utter_source_not_from_page"}
    said = " ".join(m["definition"] for m in definitions)
    assert "IV" in said and "peptide receptor radionuclide therapy" in said
    assert link == {**link, "response": "utter_source_link", "page_url": MAP["page"]["url"]}


async def test_the_last_answer_is_found_past_feedback_and_thanks():
    messages = await show_source(
        [
            user("ask_surgery"),
            bot("utter_surgery"),
            bot("utter_ask_helpful"),
            user("affirm"),
            bot("utter_feedback_thanks"),
            user("thank"),
            bot("utter_thank"),
            user("ask_source"),
        ]
    )
    headings = [m["heading"] for m in messages if m["response"] == "utter_source_passage"]
    assert headings == ["NET treatment plans", "Surgery"]


async def test_an_answer_not_from_the_page_has_nothing_to_quote():
    for events in ([], [user("greet"), bot("utter_greet"), user("ask_source")]):
        messages = await show_source(events)
        assert [m["response"] for m in messages] == ["utter_source_none"]


async def test_a_named_drug_says_its_class_is_not_from_the_page():
    messages = await show_source(
        [
            user("ask_somatostatin_analogs"),
            bot("utter_drug_not_named"),
            bot("utter_somatostatin_analogs"),
        ]
    )
    definitions = [
        m["definition"] for m in messages if m["response"] == "utter_source_not_from_page"
    ]
    assert definitions == [MAP["definitions"]["named_drug"]["meaning"]]
    quotes = [m["quote"] for m in messages if m["response"] == "utter_source_passage"]
    assert "Somostatin analogs are drugs" in quotes[0]


async def test_a_hospital_answer_quotes_the_hospitals_page():
    messages = await show_source([user("request_appointment"), bot("utter_request_appointment")])
    assert [m["response"] for m in messages] == [
        "utter_source_page_top",
        "utter_source_passage",
        "utter_source_link",
    ]
    assert messages[1]["heading"] == "Becoming Our Patient"
    assert messages[-1]["page_url"] == SLOTS["source_page_url"]


# What the explanation says, and the page line that says it: written out here, not taken
# from the table that chooses the statements.
SAID_ON_LINE = {
    "may cure": 10,
    "in some cases": 11,
    "vast majority": 12,
    "removing part of the tumor": 12,
    "slow or stop": 13,
    "especially so": 19,
    "essentially identical": 20,
    "surgery options depend": 20,
    "chemo, targeted therapy": 24,
    "somatostatin analogs": 32,
    "liver-directed": 34,
    "active surveillance": 17,
}


@pytest.mark.parametrize("factors", ALL_COMBINATIONS, ids=combination_id)
def test_the_explanation_source_quotes_exactly_the_lines_it_restated(factors):
    said = explanation(factors)
    events = [
        user("explore_options"),
        bot("utter_fit_in_short"),
        bot("utter_fit_details"),
        bot("utter_fit_questions"),
        bot("utter_fit_closing"),
        bot("utter_ask_helpful"),
        user("ask_source"),
    ]
    messages = asyncio.run(show_source(events, slots=factors))
    quoted = " ".join(m["quote"] for m in messages if "quote" in m)
    quoted_lines = {
        n
        for n, line in enumerate(PAGE_LINES, 1)
        if line.strip() and n not in MAP["headings"] and line in quoted
    }
    restated = {line for phrase, line in SAID_ON_LINE.items() if phrase in said}
    # every line whose words the explanation used is quoted, and no line it did not use
    assert restated <= quoted_lines, sorted(restated - quoted_lines)
    unused = quoted_lines - restated - {22, 28, 30}  # the other treatments: one statement, 4 lines
    assert not unused, sorted(unused)


# ------------------------------------------------------------------ no statement of our own
# A sentence of an answer restates its page passage when at least half of its words are the
# passage's (crude stems, stop words left out). Those that do not are either about the page or
# the care team (META), or give one of the answer's listed definitions (`defined_in`): nothing
# else may be said.
STOP_WORDS = set(
    "a an the and or but of to in on for with by at from as is are was be been it its this that "
    "these those they them their there then than so can may might will would could should do "
    "does did not no if when where which who what how all any some most more each other also "
    "only just very into out up about before after because while through".split()
)
META = re.compile(
    r"^(the (treatment )?page (doesn't|does not|says|also|describes|calls)|your care team"
    r"|only the care team|it is often called)",
    re.IGNORECASE,
)


def stems(text: str) -> list:
    found = []
    for word in re.findall(r"[a-z][a-z'-]*", text.lower()):
        if word in STOP_WORDS:
            continue
        for suffix in ("ing", "ies", "es", "ed", "s", "ly"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                break
        found.append(word)
    return found


def own_statements(response: str, cited: str) -> list:
    page_words = set(stems(cited + " " + " ".join(MAP["headings"].values())))
    defined = {
        stem
        for word in MAP["defined_in"].get(response, [])
        for stem in stems(" ".join(MAP["definitions"][word]["words"]))
    }
    text = RESPONSES[response][0]["text"].split("\nRead more")[0]
    own = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        words = stems(sentence)
        restated = sum(word in page_words for word in words) >= len(words) / 2
        if words and not restated and not META.match(sentence) and not defined & set(words):
            own.append(sentence)
    return own


@pytest.mark.parametrize("response", MAP["sources"])
def test_every_sentence_of_an_answer_is_the_pages_or_listed(response):
    cited = " ".join(passage.quote for passage in response_passages(response))
    assert not own_statements(response, cited)


def test_a_sentence_of_our_own_is_caught():
    # a made-up claim and a made-up definition in an answer that cites the PRRT passage
    cited = PAGE_LINES[29]
    RESPONSES["utter_made_up"] = [{"text": "Most people feel fine within a week of treatment."}]
    try:
        assert own_statements("utter_made_up", cited) == [
            "Most people feel fine within a week of treatment."
        ]
    finally:
        del RESPONSES["utter_made_up"]
