"""An NLU component: where the project's lexicon is sure, it decides the intent.

An intent classifier trained on a few hundred examples, with no pretrained vectors, is not
sure of everything people write. The entity ruler (nlp/entity_patterns.yml, run by SpacyNLP)
knows some words for certain, and this component, last in config.yml, lets them decide, in
this order:

1. A described emergency is `emergency`, whatever the classifier thought: "call 911" must not
   depend on its confidence. It is an emergency phrase of the ruler ("not suicidal" is not),
   a sign from EMERGENCY_SIGNS (two words near each other: "lips ... blue"), or a number out
   of range beside its word ("fever ... 104", "pulse 175", "took 30 ... pills"), unless the
   message places it long ago and nothing in it now ("a stroke last year"). The bare
   words "emergency" / "urgent" do not count when the message says it is not one ("not an
   emergency, just feeling down"), and then neither does a classifier's `emergency` without
   an emergency phrase: its next guess stands. A reading too unsure to answer ("not
   understood") that still ranks emergency at HESITANT_EMERGENCY or more is one.
2. "What does <a word of the page> mean?" is `ask_term_meaning`.
3. A yes or no that states a walk-through factor ("yes, to the liver") answers the factor.
4. Another cancer or condition, in a message that names no NET and no NET drug, is
   `ask_other_condition`: "radiation for prostate cancer" is not the NET radiation question.
5. A NET question about an aspect the page does not cover (side effects, doses, outlook...)
   that the classifier read as a page topic, or as small talk, is `ask_not_covered`: a page
   topic's answer would pass off as an answer to it.
6. A named drug or procedure (octreotide, Y-90...) leads to its page topic when the
   classifier read another topic or was unsure: an answer beats "did you mean".
"""

import re
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from scope import page_topic_intents

EMERGENCY = "emergency"
# the emergency value that is only the word itself, which a negation takes back
EMERGENCY_WORD_ONLY = "generic"
NEGATED = re.compile(
    r"\b(not|isn't|isnt|is not|no|nothing|non)( an| a| really| that)? (emergency|urgent)\b"
)
# Signs of an emergency that phrases cannot list: a word of each set within SIGN_WINDOW
# tokens of each other ("her lips are going blue", "vomiting a lot of blood").
SIGN_WINDOW = 5
EMERGENCY_SIGNS = [
    (
        {"chest"},
        {"pain", "pains", "hurts", "hurting", "pressure", "tight", "crushing", "squeezing"}
        | {"clutching", "elephant", "heavy", "heaviness"},
    ),
    (
        {"breathe", "breath", "breathing", "air"},
        {
            "n't",
            "cannot",
            "cant",
            "barely",
            "struggling",
            "gasping",
            "shallow",
            "strange",
            "heaving",
        },
    ),
    ({"lips", "face", "fingers", "skin"}, {"blue", "grey", "gray"}),
    (
        {"throat", "tongue", "lips", "face", "eyes"},
        {"swelling", "swollen", "swelled", "closing", "closed", "puffed", "puffy", "tightening"}
        | {"blowing", "balloon"},
    ),
    ({"wheezing", "wheeze"}, {"badly", "barely", "worse", "n't", "cant", "cannot"}),
    (
        {
            "vomit",
            "vomiting",
            "vomited",
            "vomitted",
            "threw",
            "throwing",
            "throwin",
            "puking",
            "puked",
        }
        | {"coughing", "spitting"},
        {"blood", "bloody", "black", "red"},
    ),
    (
        {"diarrhea", "diarrhoea", "stool", "stools", "poop", "poo"},
        {"blood", "bloody", "black", "tar", "tarry"},
    ),
    (
        {"heart", "pulse", "heartbeat"},
        {"racing", "pounding", "crazy", "irregular", "fluttering", "skipping", "flopping"},
    ),
    (
        {"blood", "bleeding", "wound", "incision"},
        {"gushing", "pouring", "spurting", "soaking", "soaked", "clots", "floor", "bandage"},
    ),
    (
        {"shivering", "shaking", "shakes", "chills", "rigors"},
        {"non", "nonstop", "uncontrollably", "violently", "stop", "blankets", "chattering"},
    ),
    (
        {"pain", "hurts", "hurting"},
        {"unbearable", "terrible", "severe", "excruciating", "worst", "agony", "screaming"}
        | {"insane", "horrible", "stabbing", "crippling", "intense", "uncontrollable"},
    ),
    (
        {"arm", "face", "side", "leg", "smile"},
        {"numb", "drooping", "droopy", "paralyzed", "paralysed", "crooked", "lopsided", "limp"},
    ),
    (
        {"speak", "speech", "talk", "talking", "words"},
        {"slurring", "slurred", "garbled", "jumbled"},
    ),
    (
        {"wake", "respond", "responding", "conscious"},
        {"n't", "not", "cannot", "barely", "cant", "wont", "isnt"},
    ),
    # many doses at once: "took a week's worth of her capecitabine"
    ({"took", "taken", "swallowed"}, {"worth", "bottle", "packet", "box"}),
    (
        {"confused", "disoriented"},
        {"suddenly", "sudden", "sleepy", "drowsy", "name", "seeing", "hallucinating"},
    ),
]
FEVER_WORDS = {"fever", "temp", "temperature", "burning", "thermometer"}
PILL_WORDS = {"pills", "tablets", "tylenol", "paracetamol", "advil", "ibuprofen", "painkillers"}
# A number this far out of range within SIGN_WINDOW tokens of its word: a fever in Fahrenheit
# or Celsius, a pulse, blood sugar, blood pressure, and "took 20 tylenol" (with a pill word
# near: the third set, empty where none is needed).
NUMBER_SIGNS = [
    (FEVER_WORDS, lambda n: 102 <= n <= 110 or 39 <= n <= 43, set()),
    ({"bpm", "pulse", "rate"}, lambda n: n >= 150 or 20 <= n <= 40, set()),
    ({"sugar", "glucose"}, lambda n: 10 <= n <= 50, set()),
    ({"bp", "pressure"}, lambda n: n >= 200, set()),
    ({"took", "taken", "swallowed", "ate"}, lambda n: n >= 10, PILL_WORDS),
]
# "i'm dying to know": a figure of speech, not a crisis
FIGURE_OF_SPEECH_AFTER = {"dying": "to"}
# "no chest pain" is not a sign; nor, for a phrase, "not suicidal" or "not going to hurt myself"
# ("not" is a word of some signs: "won't wake up")
NO_SIGN_BEFORE = {"no", "without", "never"}
NO_PHRASE_BEFORE = NO_SIGN_BEFORE | {"not"}
NOT_GOING_TO = {("not", "going", "to"), ("never", "going", "to"), ("n't", "going", "to")}
# "he had a stroke last year so they won't operate": a history, told to explain a situation,
# is not the lexicon's emergency unless the message also says something is happening now
# (the classifier may still read one).
LONG_AGO = re.compile(
    r"\b(last (year|month|spring|summer|fall|autumn|winter)|(years?|months?) (ago|back)"
    r"|in (19|20)\d\d|history of)\b"
)
NOW = re.compile(
    r"\b(now|today|tonight|currently|again|at the moment|this (morning|afternoon|evening)"
    r"|(minutes?|hours?) ago|since (yesterday|last night))\b"
)
OTHER_CONDITION, NET_MENTION, ASPECT, DRUG = "other_condition", "net_mention", "aspect", "drug"
NET_WORDS = ("net", "neuroendocrine", "carcinoid")
# How people ask what a word means, for the glossary's words (actions/glossary.py) that are
# not page topics of their own and for the factors' words ("metastatic", "non-functional").
FACTOR_WORDS = ("hormone_status", "tumor_spread")
DEFINITION = re.compile(
    r"\bmeans?( what| exactly| in (plain|simple))?\s*([?.!,;]|$)|\bmeaning\b|\bdefin(e|ition)\b"
    r"|\bstands? for\b|\bwhat is meant by\b"
)
WHAT_IS_A = re.compile(r"(what is|what's|whats) (a|an) ")
WORDS_NOT_TOPICS = {"iv", "catheter", "artery", "radionuclide", "metastasis"}
FACTOR_LABELS = ("tumor_site", "hormone_status", "tumor_spread")

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
# An unsure reading that ranks emergency this high is an emergency: a missed one costs more
# than the 911 line said once too often.
HESITANT_EMERGENCY = 0.1
# Readings that say nothing about the tumor: one that names a factor is an answer about it.
NOT_A_QUESTION = UNSURE | {
    "affirm",
    "deny",
    "greet",
    "goodbye",
    "thank",
}
# Aspects no page topic answers. "symptoms" and "stage" are not among them: the page does
# speak of relieving symptoms and of how advanced the disease is.
NOT_COVERED_ASPECTS = frozenset(
    {"diagnosis", "grade", "outlook", "cause", "prevention", "side_effects", "diet", "dose"}
)


def _values(doc: Any, label: str) -> List[str]:
    return [ent.ent_id_ for ent in doc.ents if ent.label_ == label]


def _number(token: Any) -> float | None:
    try:
        return float(token.text)
    except ValueError:
        return None


def _has_emergency_sign(doc: Any) -> bool:
    words = [token.lower_ for token in doc]
    values = [_number(token) for token in doc]
    for i, word in enumerate(words):
        if i and words[i - 1] in NO_SIGN_BEFORE:
            continue
        window = slice(max(0, i - SIGN_WINDOW), i + SIGN_WINDOW + 1)
        near = set(words[window])
        if any(word in first and near & second for first, second in EMERGENCY_SIGNS):
            return True
        if word in FEVER_WORDS and "high" in near:
            return True
        numbers = [n for n in values[window] if n is not None]
        if any(
            word in names and (not needs or near & needs) and any(map(out_of_range, numbers))
            for names, out_of_range, needs in NUMBER_SIGNS
        ):
            return True
    return False


def _phrase_negated(doc: Any, start: int) -> bool:
    before = tuple(token.lower_ for token in doc[max(0, start - 3) : start])
    return bool(before) and (before[-1] in NO_PHRASE_BEFORE or before in NOT_GOING_TO)


def _figure_of_speech(doc: Any, ent: Any) -> bool:
    last = doc[ent.end - 1].lower_
    return ent.end < len(doc) and FIGURE_OF_SPEECH_AFTER.get(last) == doc[ent.end].lower_


def _hesitant_emergency(ranking: List[Dict[str, Any]]) -> bool:
    return any(
        r.get("name") == EMERGENCY and (r.get("confidence") or 0) >= HESITANT_EMERGENCY
        for r in ranking
    )


def _mentions_net(doc: Any) -> bool:
    """A NET word or a NET drug ("does lanreotide cause gallstones" is about the drug)."""
    if NOT_A_NET.search(doc.text.lower()):
        return False
    return any(
        ent.label_ in (NET_MENTION, DRUG) or any(word in ent.text.lower() for word in NET_WORDS)
        for ent in doc.ents
    )


def routed_intent(doc: Any, intent: str | None, ranking: List[Dict[str, Any]]) -> str | None:
    """The intent the lexicon decides for a parsed message, or None to keep `intent`."""
    text = doc.text.lower()
    emergencies = [
        ent.ent_id_
        for ent in doc.ents
        if ent.label_ == EMERGENCY
        and not _phrase_negated(doc, ent.start)
        and not _figure_of_speech(doc, ent)
    ]
    negated = bool(NEGATED.search(text))
    history = bool(LONG_AGO.search(text)) and not NOW.search(text)
    if not history and (
        any(value != EMERGENCY_WORD_ONLY for value in emergencies)
        or (emergencies and not negated)
        or _has_emergency_sign(doc)
    ):
        return EMERGENCY
    if intent == EMERGENCY and negated:
        return next((r["name"] for r in ranking if r.get("name") != EMERGENCY), None)
    if intent == NOT_UNDERSTOOD and not negated and _hesitant_emergency(ranking):
        return EMERGENCY
    words = WORDS_NOT_TOPICS & set(_values(doc, "term"))
    asks_definition = DEFINITION.search(text) and (
        words or any(_values(doc, label) for label in FACTOR_WORDS)
    )
    if (asks_definition or (WHAT_IS_A.match(text) and words)) and intent not in (
        "ask_personal_advice",
        "ask_not_covered",
    ):
        return "ask_term_meaning"
    if intent in NOT_A_QUESTION and any(_values(doc, label) for label in FACTOR_LABELS):
        return "inform"
    correctable = intent in PAGE_TOPICS or intent in UNSURE
    if _values(doc, OTHER_CONDITION) and not _mentions_net(doc):
        asks_about_it = correctable or intent in ASKS_ABOUT_TREATMENT
        return "ask_other_condition" if asks_about_it else None
    not_covered = NOT_COVERED_ASPECTS & set(_values(doc, ASPECT))
    # "do nets run in families" is a question, whatever small talk the classifier heard
    if not_covered and _mentions_net(doc) and intent in NOT_A_QUESTION:
        return "ask_not_covered"
    if not correctable:
        return None
    if not_covered:
        return "ask_not_covered"
    drugs = _values(doc, DRUG)
    if drugs:
        return f"ask_{drugs[0]}"
    return None


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
            intent = routed_intent(
                doc, (message.get(INTENT) or {}).get("name"), message.get(INTENT_RANKING_KEY) or []
            )
            if intent:
                message.set(INTENT, {"name": intent, "confidence": 1.0}, add_to_output=True)
        return messages
