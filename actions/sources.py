"""Where does it say that? Quote the page sentences behind the last answer, with their heading."""

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, NamedTuple

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import factors

SOURCES_FILE = Path(__file__).with_name("page_sources.yml")
# the hospital's page (domain.yml's hospital section), whose passages are `hospital_page` below
HOSPITAL_PAGE_SLOT = "source_page_url"
# Messages that follow an answer without being one: "the last answer" is found before them.
NOT_ANSWER_RESPONSES = frozenset(
    {
        "utter_ask_helpful",
        "utter_feedback_thanks",
        "utter_feedback_sorry",
        "utter_thank",
        "utter_source_passage",
        "utter_source_page_top",
        "utter_source_not_from_page",
        "utter_source_link",
        "utter_source_none",
    }
)
# the walk-through's explanation, whose sources are the page lines its table rows cite
EXPLANATION_PREFIX = "utter_fit_"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


class Passage(NamedTuple):
    heading: str | None  # None: above the page's first heading
    quote: str
    url: str


@lru_cache(maxsize=1)
def page_sources() -> Dict[str, Any]:
    return yaml.safe_load(SOURCES_FILE.read_text(encoding="utf-8"))


def sentences(text: str) -> List[str]:
    return _SENTENCE_END.split(text.strip())


def heading_of(line: int) -> str | None:
    """The heading a page line sits under: the last one above it."""
    headings = page_sources()["headings"]
    above = [number for number in headings if number <= line]
    return headings[max(above)] if above else None


def line_passage(line: int, numbers: Iterable[int] | None = None) -> Passage:
    """Page line `line`, or only its sentences `numbers` (1 is the first)."""
    text = page_sources()["lines"][line]
    if numbers is not None:
        parts = sentences(text)
        text = " ".join(parts[number - 1] for number in numbers)
    return Passage(heading_of(line), text, page_sources()["page"]["url"])


def passages_for_lines(lines: Iterable[int]) -> List[Passage]:
    """Whole page lines, for answers that cite lines (the walk-through); unknown lines are skipped."""
    known = page_sources()["lines"]
    return [line_passage(line) for line in dict.fromkeys(lines) if line in known]


def response_passages(response: str) -> List[Passage]:
    cited = page_sources()["sources"].get(response) or {}
    return [line_passage(line, numbers) for line, numbers in cited.items()]


def definitions_in(response: str) -> List[str]:
    """The plain definitions (not from the page) that a response gives."""
    meanings = page_sources()["definitions"]
    return [meanings[word]["meaning"] for word in page_sources()["defined_in"].get(response, [])]


def explanation_lines(tracker: Tracker) -> List[int]:
    """The page lines behind the walk-through's explanation: those its fitting rows cite."""
    return factors.cited_lines(factors.answers_of(tracker))


def explanation_statements(tracker: Tracker) -> List[str]:
    """The statements the walk-through's explanation gave, for their plain definitions."""
    answers = factors.answers_of(tracker)
    return factors.statements_for(answers, True) + factors.statements_for(answers, False)


def answers(events: List[Dict[str, Any]]) -> List[List[str]]:
    """The responses of each of the bot's turns, latest turn first, each in order."""
    turns: List[List[str]] = [[]]
    for event in reversed(events):
        if event.get("event") == "user" and turns[-1]:
            turns.append([])
        if event.get("event") == "bot":
            name = (event.get("metadata") or {}).get("utter_action")
            if name and name not in NOT_ANSWER_RESPONSES:
                turns[-1].insert(0, name)
    return [turn for turn in turns if turn]


def hospital_passages(tracker: Tracker, response: str) -> List[Passage]:
    """Where the hospital's own page says what a claim about the hospital says."""
    url = tracker.get_slot(HOSPITAL_PAGE_SLOT) or ""
    cited = page_sources()["hospital_page"].get(response) or []
    return [Passage(passage["heading"], passage["quote"], url) for passage in cited]


def turn_sources(tracker: Tracker, answer: List[str]) -> tuple[List[Passage], List[str]]:
    """The page passages and the plain definitions behind one answer, without repeats."""
    passages: List[Passage] = []
    definitions: List[str] = []
    for response in answer:
        passages += hospital_passages(tracker, response) + response_passages(response)
        definitions += definitions_in(response)
    if any(response.startswith(EXPLANATION_PREFIX) for response in answer):
        passages += passages_for_lines(explanation_lines(tracker))
        for statement in explanation_statements(tracker):
            definitions += definitions_in(statement)
    return list(dict.fromkeys(passages)), list(dict.fromkeys(definitions))


def answer_sources(tracker: Tracker) -> tuple[List[Passage], List[str]]:
    """The sources of the last answer that restated a page ("where does it say that?" after
    "the page doesn't say how often" is about the answer before it)."""
    for answer in answers(tracker.events):
        passages, definitions = turn_sources(tracker, answer)
        if passages:
            return passages, definitions
    return [], []


class ActionShowSource(Action):
    """After an answer: the exact page sentences behind it, under their headings, and the link."""

    def name(self) -> str:
        return "action_show_source"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        passages, definitions = answer_sources(tracker)
        if not passages:
            dispatcher.utter_message(response="utter_source_none")
            return []
        # one message per heading; sentences in a row under the same heading go together
        groups: List[List[Passage]] = []
        for passage in passages:
            last = groups[-1][-1] if groups else None
            if last and (last.heading, last.url) == (passage.heading, passage.url):
                groups[-1].append(passage)
            else:
                groups.append([passage])
        for group in groups:
            quote = "\n".join(f"\u201c{passage.quote}\u201d" for passage in group)
            heading = group[0].heading
            if heading is None:
                dispatcher.utter_message(response="utter_source_page_top", quote=quote)
            else:
                dispatcher.utter_message(
                    response="utter_source_passage", heading=heading, quote=quote
                )
        for definition in definitions:
            dispatcher.utter_message(response="utter_source_not_from_page", definition=definition)
        for url in dict.fromkeys(passage.url for passage in passages):
            dispatcher.utter_message(response="utter_source_link", page_url=url)
        return []
