"""The glossary, the unsure-fallback and the feedback counter."""

from functools import lru_cache
from typing import Any, Dict, List

import pytest
import spacy
import sqlalchemy
from rasa_sdk.executor import CollectingDispatcher

from actions import feedback
from actions.fallback import ActionDefaultAskAffirmation
from actions.feedback import ActionRecordFeedback, answered_topic
from actions.glossary import ActionExplainTerm
from nlp.build_pipeline import PIPELINE_DIR
from nlp.entities import extract
from scope import labels
from support import domain, make_tracker

DOMAIN = domain()


@lru_cache(maxsize=1)
def nlp():
    return spacy.load(PIPELINE_DIR)


async def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    return events, dispatcher.messages


# ------------------------------------------------------------------ glossary
@pytest.mark.parametrize(
    "text,response",
    [
        ("what does metastasis mean", "utter_term_metastasis"),
        ("what does metastasized mean?", "utter_term_metastasis"),
        ("define non-functional", "utter_term_functional"),
        ("whats an IV", "utter_term_iv"),
        ("catheter meaning", "utter_term_catheter"),
        ("what is an artery", "utter_term_artery"),
        ("precision medicine in plain english", "utter_term_precision_medicine"),
        ("what's a somatostatin analogue", "utter_term_somatostatin_analog"),
        ("what does radionuclide mean", "utter_term_radionuclide"),
        ("what is meant by active surveillance", "utter_term_active_surveillance"),
        ("what does PRRT stand for", "utter_term_prrt"),
        ("what does gobbledygook mean", "utter_term_unknown"),
    ],
)
async def test_glossary_explains_the_word_asked(text, response):
    # the entities as nlp/entities.py finds them on the built pipeline
    entities = extract(nlp()(text))
    tracker = make_tracker(text=text, intent="ask_term_meaning", entities=entities)
    _, messages = await run(ActionExplainTerm(), tracker)
    assert [m["response"] for m in messages] == [response]


async def test_glossary_reads_a_canonical_entity_value_from_a_button():
    tracker = make_tracker(
        text='/ask_term_meaning{"term":"iv"}',
        intent="ask_term_meaning",
        entities=[{"entity": "term", "value": "iv"}],
    )
    _, messages = await run(ActionExplainTerm(), tracker)
    assert messages[0]["response"] == "utter_term_iv"


# ------------------------------------------------------------------ fallback
async def test_unsure_offers_readable_topics_and_none_of_these():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.4},
        {"name": "ask_prrt", "confidence": 0.3},
        {"name": "greet", "confidence": 0.2},
        {"name": "ask_radiation_therapy", "confidence": 0.1},
    ]
    _, messages = await run(
        ActionDefaultAskAffirmation(), make_tracker(intent="nlu_fallback", intent_ranking=ranking)
    )
    assert len(messages) == 1
    assert messages[0]["response"] == "utter_did_you_mean"
    assert messages[0]["buttons"] == [
        {"title": "Peptide radionuclide therapy", "payload": "/ask_prrt"},
        {"title": "Radiation therapy", "payload": "/ask_radiation_therapy"},
        {"title": "Something else", "payload": "/out_of_scope"},
    ]


async def test_unsure_with_a_worrying_word_opens_with_the_safety_line():
    ranking = [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "ask_prrt", "confidence": 0.3}]
    safety = [{"entity": "safety", "value": "possible"}]
    tracker = make_tracker(intent="nlu_fallback", intent_ranking=ranking, entities=safety)
    _, messages = await run(ActionDefaultAskAffirmation(), tracker)
    assert [m["response"] for m in messages] == ["utter_safety_line", "utter_did_you_mean"]


async def test_unsure_with_no_topic_in_view_asks_to_rephrase():
    ranking = [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "greet", "confidence": 0.3}]
    _, messages = await run(
        ActionDefaultAskAffirmation(), make_tracker(intent="nlu_fallback", intent_ranking=ranking)
    )
    assert [m["response"] for m in messages] == ["utter_ask_rephrase"]


def test_suggestion_labels_name_real_intents_and_read_like_words():
    for intent, label in labels().items():
        assert intent in DOMAIN["intents"]
        assert "_" not in label and label[0].isupper()


# ------------------------------------------------------------------ feedback
def action(name):
    return {"event": "action", "name": name}


ANSWER_THEN_QUESTION = [
    action("action_listen"),
    {"event": "user", "text": "what is prrt"},
    action("utter_prrt"),
    action("utter_ask_helpful"),
    action("action_listen"),
    {"event": "user", "text": "yes"},
]


def test_the_topic_is_the_answer_before_the_feedback_question():
    assert answered_topic(ANSWER_THEN_QUESTION) == "utter_prrt"
    in_form = ANSWER_THEN_QUESTION[:4] + [action("treatment_factors_form"), action("action_listen")]
    assert answered_topic(in_form) == "utter_prrt"
    assert answered_topic([action("action_listen")]) is None


def test_an_answer_in_parts_counts_for_the_topic_it_answered():
    in_parts = [action("action_answer"), action("utter_ask_helpful"), action("action_listen")]
    assert answered_topic(in_parts, "prrt") == "utter_prrt"
    assert answered_topic(in_parts, None) is None


@pytest.fixture
def feedback_db(tmp_path, monkeypatch):
    path = tmp_path / "feedback.db"
    monkeypatch.setenv(feedback.FEEDBACK_DB_ENV, str(path))
    return path


@pytest.mark.parametrize(
    "intent,helpful,reply",
    [
        ("affirm", True, "utter_feedback_thanks"),
        ("deny", False, "utter_feedback_sorry"),
    ],
)
async def test_feedback_is_counted_per_topic(feedback_db, intent, helpful, reply):
    tracker = make_tracker(intent=intent, events=ANSWER_THEN_QUESTION)
    for _ in range(2):
        _, messages = await run(ActionRecordFeedback(), tracker)
    assert [m["response"] for m in messages] == [reply]
    assert feedback.counts() == {"utter_prrt": {helpful: 2, not helpful: 0}}


def stored_rows(db_file) -> Dict[str, List[Dict[str, Any]]]:
    """Every row of every table in the feedback database, read without actions.feedback."""
    engine = sqlalchemy.create_engine(f"sqlite:///{db_file}")
    tables = sqlalchemy.MetaData()
    tables.reflect(bind=engine)
    with engine.connect() as db:
        return {
            name: [dict(row._mapping) for row in db.execute(table.select())]
            for name, table in tables.tables.items()
        }


async def test_feedback_stores_the_topic_and_answer_and_no_one_who_asked(feedback_db):
    for user, text, intent in [
        ("caregiver-ana-4821", "what is prrt for my mum margarethe", "affirm"),
        ("patient-bo-9376", "prrt please, bo jorgensen here", "deny"),
    ]:
        tracker = make_tracker(text=text, intent=intent, events=ANSWER_THEN_QUESTION)
        tracker.sender_id = user
        await run(ActionRecordFeedback(), tracker)

    assert feedback.counts() == {"utter_prrt": {True: 1, False: 1}}
    # what is kept is one row per topic and answer with its count: nothing else
    rows = stored_rows(feedback_db)
    assert list(rows) == ["feedback"]
    assert sorted(rows["feedback"], key=lambda row: row["helpful"]) == [
        {"topic": "utter_prrt", "helpful": False, "count": 1},
        {"topic": "utter_prrt", "helpful": True, "count": 1},
    ]
    raw = feedback_db.read_bytes()
    for private in ["caregiver-ana-4821", "patient-bo-9376", "margarethe", "jorgensen"]:
        assert private.encode() not in raw, private
