"""An NLU component: where the project's lexicon is sure, it decides the intent.

An intent classifier trained on a few thousand examples is not sure of everything people
write. The entity ruler knows some words for certain, and this component, last in config.yml,
lets them decide, in this order:

1. Emergencies (nlp/emergency.py): one happening now is `emergency`, whatever the classifier
   thought. A classifier's `emergency` without that evidence is one only when it is sure,
   nothing in the message holds it back, and the message asks nothing else the assistant
   answers (its next reading is small talk, personal advice or nothing understood: a long calm
   story that ends in a question about PRRT is answered, after the safety line). Otherwise,
   like a worrying word that is over,
   supposed, asked about as a side effect or a figure of speech, the message keeps what it
   asks and gets the entity `safety` (the reply opens with the safety line); so does any
   message the classifier ranks `emergency` at HESITANT_EMERGENCY or more, and any that asks
   what to do ("my son ate pills, what I do"): a sign the lexicon does not know yet. "Not an
   emergency, just feeling down" is what it asks, with no safety line.
2. A message that is only a yes or a no ("yep", "not that we know") is `affirm` or `deny`; a
   short one that says it is not known ("they haven't said", "no idea") is `dont_know`; one
   that says to stop ("enough for today", "stop asking") is `stop`; and "What does <a word of
   the page> mean?" is `ask_term_meaning`.
3. A yes or no that states a walk-through factor ("yes, to the liver") answers the factor, and
   what the care team said, read as a topic question ("the surgeon said the operation would
   be too hard for her"), is `refine_options`.
4. Another cancer or condition, in a message that names no NET and no NET drug, is
   `ask_other_condition`: "radiation for prostate cancer" is not the NET radiation question.
   The classifier's `ask_other_condition` for a message that names a NET and no other
   condition is its next reading.
5. A NET question about an aspect the page does not cover (side effects, doses, outlook...)
   that the classifier read as a page topic, or as small talk, is `ask_not_covered`: a page
   topic's answer would pass off as an answer to it.
6. A named drug or procedure (octreotide, Y-90...) leads to its page topic when the
   classifier read another topic or was unsure: an answer beats "did you mean".
"""

import re
from typing import Any, Dict, List, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlp import emergency
from nlp.entities import tells_what_the_care_team_said
from scope import glossary_words_not_topics, not_covered_aspects, page_topic_intents, topics

EMERGENCY = "emergency"
# A classifier's `emergency` with no lexicon evidence is taken as one from this confidence on.
SURE_EMERGENCY = 0.8
# Any other reading that still ranks emergency this high gets the safety line: the classifier
# is unsure, and a line too many costs less than a missed emergency. On the development set
# (8,934 messages), 0.02 lets the classifier alone catch 99.2% of emergencies (0.1: 98.0%) for
# a safety line on 2.8% more of the other messages, the answer still following it.
HESITANT_EMERGENCY = 0.02
SAFETY = {"entity": "safety", "value": "possible", "extractor": "LexiconRouter"}

OTHER_CONDITION, NET_MENTION, ASPECT, DRUG = "other_condition", "net_mention", "aspect", "drug"
ANSWER, AFFIRM, DENY, DONT_KNOW, UNKNOWN = "answer", "affirm", "deny", "dont_know", "unknown"
# "they haven't said" answers the question asked when the message is this short and asks nothing
SHORT_ANSWER = 12
STOP = re.compile(
    r"^\W*(stop|enough|cancel|quit)\b|\b(that's|thats|that is) enough\b|\benough for (now|today|tonight)\b"
    r"|\bstop (asking|the questions|this)\b|\bno more questions\b"
)
NET_WORDS = ("net", "neuroendocrine", "carcinoid")
# How people ask what a word means, for the glossary's words that are not page topics of their
# own and for the factors' words ("metastatic", "non-functional").
FACTOR_WORDS = ("hormone_status", "tumor_spread")
DEFINITION = re.compile(
    r"\bmeans?( what| exactly| in (plain|simple))?\s*([?.!,;]|$)|\bmeaning\b|\bdefin(e|ition)\b"
    r"|\bstands? for\b|\bwhat is meant by\b"
)
WHAT_IS_A = re.compile(r"(what is|what's|whats) (a|an) ")
FACTOR_ENTITIES = ("tumor_site", "hormone_status", "tumor_spread")
# what a question names: a message with one of these asks something
ASKED_ABOUT = ("topic", "drug", "term", "aspect")
# a message that asks, with or without its question mark ("what if surgery cant get it all",
# "my dad keeps asking if they can take it out"): not a report of what the care team said
ASKS = re.compile(
    r"\?|\b(what|whats|why|how|which|should|shall|ask|asks|asking|wonder|wondering)\b"
    r"|^\W*(can|could|will|would|is|are|do|does|may|if)\b"
)

# The page's topics: readings the lexicon may correct (it never overrules a reading of
# personal advice, an emergency, small talk or the walk-through's answers).
PAGE_TOPICS = page_topic_intents() | {"ask_term_meaning"}
# Readings that another condition turns into its question: "my mum has dementia, what
# treatments are there" is not the clinical trials answer.
ASKS_ABOUT_TREATMENT = frozenset(
    {"ask_not_covered", "explore_options", "ask_clinical_trials", "ask_insurance"}
)
# "lung cancer, not a NET": the NET word that says the message is not about one
NOT_A_NET = re.compile(r"\bnot (a |an )?(net|neuroendocrine|carcinoid)")
NOT_UNDERSTOOD = "nlu_fallback"
UNSURE = frozenset({NOT_UNDERSTOOD, "out_of_scope"})
# Readings that say nothing about the tumor: one that names a factor is an answer about it.
NOT_A_QUESTION = UNSURE | {"affirm", "deny", "greet", "goodbye", "thank"}
# Second readings that leave nothing to answer beside a sure classifier's emergency.
NOTHING_ELSE_ASKED = NOT_A_QUESTION | {
    "stop",
    "dont_know",
    "inform",
    "refine_options",
    "ask_personal_advice",
}


def _values(doc: Any, label: str) -> List[str]:
    return [ent.ent_id_ for ent in doc.ents if ent.label_ == label]


def _mentions_net(doc: Any) -> bool:
    """A NET word or a NET drug ("does lanreotide cause gallstones" is about the drug)."""
    if NOT_A_NET.search(doc.text.lower()):
        return False
    return any(
        ent.label_ in (NET_MENTION, DRUG) or any(word in ent.text.lower() for word in NET_WORDS)
        for ent in doc.ents
    )


def _next_reading(ranking: List[Dict[str, Any]], instead_of: str = EMERGENCY) -> str | None:
    """The classifier's best reading other than `instead_of` (and never an emergency)."""
    skip = {EMERGENCY, instead_of}
    return next((r["name"] for r in ranking if r.get("name") not in skip), None)


def _confidence(ranking: List[Dict[str, Any]], intent: str) -> float:
    return next((r.get("confidence") or 0.0 for r in ranking if r.get("name") == intent), 0.0)


def safety_first(
    doc: Any, intent: str | None, ranking: List[Dict[str, Any]], corrects: bool = False
) -> Tuple[str | None, bool]:
    """Rule 1: the intent (None to keep the classifier's) and whether to add the safety line.
    `corrects`: the message changes a walk-through answer ("wait, I got that wrong, it's the
    lung"), whose "wait" the classifier alone would take for alarm."""
    level = emergency.assess(doc)
    if level == emergency.Level.PRESENT:
        return EMERGENCY, False
    if emergency.says("not_an_emergency", doc.text):
        # "not an emergency, just feeling down": what it asks, and no alarm
        return (_next_reading(ranking) if intent == EMERGENCY else None), False
    if intent == EMERGENCY:
        sure = _confidence(ranking, EMERGENCY) >= SURE_EMERGENCY
        alternative = _next_reading(ranking)
        if (
            level == emergency.Level.NONE
            and sure
            and not emergency.held_back(doc.text)
            and alternative in NOTHING_ELSE_ASKED
        ):
            return EMERGENCY, False
        return alternative, True
    hesitant = _confidence(ranking, EMERGENCY) >= HESITANT_EMERGENCY and not corrects
    hesitant = hesitant or emergency.says("asks_what_to_do", doc.text)
    return None, level == emergency.Level.POSSIBLE or hesitant


def unknown_answer(doc: Any) -> bool:
    """A short statement that the answer is not known ("They haven't said.", "we dont no")."""
    if not any(ent.label_ == ANSWER and ent.ent_id_ == UNKNOWN for ent in doc.ents):
        return False
    asks = "?" in doc.text or any(ent.label_ in ASKED_ABOUT for ent in doc.ents)
    return len(doc) <= SHORT_ANSWER and not asks


def bare_answer(doc: Any) -> str | None:
    """`affirm` or `deny` for a message that is only a yes or a no ("yep", "not that we know")."""
    if unknown_answer(doc):
        return DONT_KNOW
    answers = [ent for ent in doc.ents if ent.label_ == ANSWER]
    covered = {i for ent in answers for i in range(ent.start, ent.end)}
    rest = [token for i, token in enumerate(doc) if i not in covered and not token.is_punct]
    if not answers or rest or len({ent.ent_id_ for ent in answers}) > 1:
        return None
    return AFFIRM if answers[0].ent_id_ == "yes" else DENY


def routed_intent(doc: Any, intent: str | None, ranking: List[Dict[str, Any]]) -> str | None:
    """Rules 2 to 6: the intent the lexicon decides, or None to keep `intent`."""
    answer = bare_answer(doc)
    if answer:
        return answer
    text = doc.text.lower()
    if STOP.search(text) and "?" not in text:
        return "stop"
    words = glossary_words_not_topics() & set(_values(doc, "term"))
    asks_definition = DEFINITION.search(text) and (
        words or any(_values(doc, label) for label in FACTOR_WORDS)
    )
    if (asks_definition or (WHAT_IS_A.match(text) and words)) and intent not in (
        "ask_personal_advice",
        "ask_not_covered",
    ):
        return "ask_term_meaning"
    if intent in NOT_A_QUESTION and any(_values(doc, label) for label in FACTOR_ENTITIES):
        return "inform"
    correctable = intent in PAGE_TOPICS or intent in UNSURE
    if correctable and not ASKS.search(text) and tells_what_the_care_team_said(doc):
        return "refine_options"
    if intent == "ask_other_condition" and _mentions_net(doc) and not _values(doc, OTHER_CONDITION):
        return _next_reading(ranking, intent)
    if _values(doc, OTHER_CONDITION) and not _mentions_net(doc):
        asks_about_it = correctable or intent in ASKS_ABOUT_TREATMENT
        return "ask_other_condition" if asks_about_it else None
    not_covered = not_covered_aspects() & set(_values(doc, ASPECT))
    # "do nets run in families" is a question, whatever small talk the classifier heard
    if not_covered and _mentions_net(doc) and intent in NOT_A_QUESTION:
        return "ask_not_covered"
    if not correctable:
        return None
    if not_covered:
        return "ask_not_covered"
    drugs = _values(doc, DRUG)
    return topics()[drugs[0]].intent if drugs else None


def decide(
    doc: Any, intent: str | None, ranking: List[Dict[str, Any]], corrects: bool = False
) -> Tuple[str | None, bool]:
    """The intent the lexicon decides (None: keep the classifier's), and whether the reply
    opens with the safety line."""
    decided, safety_line = safety_first(doc, intent, ranking, corrects)
    if decided != EMERGENCY:
        decided = routed_intent(doc, decided or intent, ranking) or decided
    return decided, safety_line


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class LexiconRouter(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LexiconRouter":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None:
                continue
            intent = (message.get(INTENT) or {}).get("name")
            entities = message.get(ENTITIES) or []
            corrects = any(entity.get("entity") == "correction" for entity in entities)
            ranking = message.get(INTENT_RANKING_KEY) or []
            decided, safety_line = decide(doc, intent, ranking, corrects)
            if decided:
                message.set(INTENT, {"name": decided, "confidence": 1.0}, add_to_output=True)
            if safety_line:
                # the whole message is what worries; Rasa's evaluation sorts entities by span
                safety = {**SAFETY, "start": 0, "end": len(doc.text)}
                message.set(ENTITIES, entities + [safety], add_to_output=True)
        return messages
