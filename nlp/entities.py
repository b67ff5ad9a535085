"""An NLU component: the entity ruler's matches as entities with canonical values, read in context.

SpacyNLP parses each message once with the project's pipeline (nlp/build_pipeline.py); this
component reads that parse. Each entity's `value` is the ruler's id (`pancreas`, `liver`,
`prrt`), so slots and actions get canonical values and the action server needs no spaCy.
The ruler matches words; this component reads them in their sentence:
- negation: "bones but not the liver", "the liver is clear", "not in the lung, in the pancreas"
  leave out the place denied; a denied spread with no spread stated is "not spread";
- one value per walk-through factor, by the precedence of canonical values below ("spread to
  the liver and bones" is a liver case; "spread to the nearby lymph nodes" is not spread, in
  the page's sense of spread);
- a refinement asked as a question ("can they get it all out?") is not what the care team said.
"""

import re
from typing import Any, Dict, List, NamedTuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlp.typos import add_typo_matches

# What Rasa receives (the domain's entities); the ruler's other labels (emergency,
# other_condition, net_mention) are read by the lexicon router only.
OUTPUT_LABELS = (
    "tumor_site",
    "hormone_status",
    "tumor_spread",
    "fully_removable",
    "surgery_concern",
    "symptom",
    "topic",
    "drug",
    "aspect",
    "term",
)
# One value per walk-through factor, the first of these found. Spread ids of the ruler that are
# not canonical: `spread` (the word alone: "it has spread") and `nodes` (lymph nodes, which the
# page counts as not spread).
PRECEDENCE = {
    "tumor_spread": ("liver", "elsewhere", "not_spread", "nodes", "spread"),
    "hormone_status": ("functional", "non_functional"),
    # "can't remove all of it" names both: the ruler's longest match already keeps the "no"
    "fully_removable": ("no", "yes"),
}
CANONICAL = {"nodes": "not_spread", "spread": "elsewhere"}
# A denied value: a denied site is left out; a denied spread, when nothing else is said, is
# "not spread"; a denied hormone status is the other one.
DENIED = {
    "tumor_spread": {"liver": "not_spread", "elsewhere": "not_spread", "spread": "not_spread"},
    "hormone_status": {"functional": "non_functional"},
}
NEGATABLE = ("tumor_site", "tumor_spread", "hormone_status")
NEGATION_BEFORE = {"not", "n't", "no", "never", "without", "nothing", "none", "neither", "nor"}
# "not sure if it's the lung" is not a denial: the person does not know
UNCERTAIN = re.compile(
    r"\b(not sure|unsure|n't know|dont know|not know|no idea|not certain|dunno|idk|no clue)\b"
)
NEGATION_AFTER = {"clear", "clean", "fine", "negative", "free", "ok", "okay", "normal", "spared"}
CLAUSE_ENDS = {",", ";", ".", "!", "?", "but", "and", "or", "though", "although", "while"}
NEGATION_WINDOW = 4
DENIED_CUE, UNSURE = "denied", "unsure"
# Refinements are what the care team said, never what the person asks.
REPORTED = {"said", "says", "say", "told", "tell", "think", "thinks", "thought", "mentioned"}
REPORTED |= {"explained", "according", "believe", "believes", "reckon", "reckons", "confirmed"}
ASKING_STARTS = {"can", "could", "will", "would", "is", "are", "do", "does", "should", "may"}
REFINEMENTS = ("fully_removable", "surgery_concern")
# "spread to his lungs": a site after these is where it spread
SPREAD_TO = {"to", "into", "onto"}
POSSESSIVES = {"the", "his", "her", "my", "their", "our", "your", "both", "its", "a"}


def _negation(doc: Any, ent: Any) -> str | None:
    """DENIED when the entity's clause denies it (a cue just before it, or "is clear" just
    after); UNSURE when the clause says the person does not know ("not sure if it reached the
    liver")."""
    words = [token.lower_ for token in doc]
    start = ent.start
    while start > 0 and words[start - 1] not in CLAUSE_ENDS:
        start -= 1
    clause = words[start : ent.start]
    if UNCERTAIN.search(" ".join(clause)):
        return UNSURE
    if any(word in NEGATION_BEFORE for word in clause[-NEGATION_WINDOW:]):
        return DENIED_CUE
    after = words[ent.end : ent.end + 3]
    return DENIED_CUE if any(word in NEGATION_AFTER for word in after) else None


def _asked(doc: Any, ent: Any) -> bool:
    """The entity is part of a question, not something the person reports."""
    sentence = ent.sent
    before = {token.lower_ for token in doc[sentence.start : ent.start]}
    if before & REPORTED:
        return False
    first = sentence[0].lower_ if len(sentence) else ""
    return sentence.text.rstrip().endswith("?") or first in ASKING_STARTS


class Mention(NamedTuple):
    """A ruler match as this component reads it: its label and id may be re-read in context."""

    label: str
    value: str
    start: int
    end: int
    denied: bool


def _spread_to(doc: Any, ent: Any) -> bool:
    """A site named as where the tumor went ("spread to his lungs", "into the bones")."""
    i = ent.start - 1
    while i >= 0 and doc[i].lower_ in POSSESSIVES:
        i -= 1
    return i >= 0 and doc[i].lower_ in SPREAD_TO


def _mention(doc: Any, ent: Any) -> Mention | None:
    """The match read in its clause; None when the person says they don't know it."""
    label, value = ent.label_, ent.ent_id_
    if label == "tumor_site" and _spread_to(doc, ent):
        label, value = "tumor_spread", "elsewhere"
    # values that say a negation themselves ("hasn't spread") are not taken back by one
    deniable = label == "tumor_site" or value in DENIED.get(label, {})
    negation = _negation(doc, ent) if deniable else None
    if negation == UNSURE:
        return None
    return Mention(label, value, ent.start_char, ent.end_char, negation == DENIED_CUE)


def _entity(mention: Mention, value: str | None = None) -> Dict[str, Any]:
    return {
        "entity": mention.label,
        "value": value or mention.value,
        "start": mention.start,
        "end": mention.end,
        "confidence": 1.0,
    }


def _resolved(label: str, found: List[Mention]) -> Dict[str, Any] | None:
    """The one value of a factor (or refinement) among its mentions."""
    # the last one said ("at first they thought lung, but it's the pancreas"), unless the
    # factor's values have a precedence
    stated = [m for m in found if not m.denied][::-1]
    order = PRECEDENCE.get(label)
    if order:
        stated.sort(key=lambda m: order.index(m.value) if m.value in order else len(order))
    if stated:
        return _entity(stated[0], CANONICAL.get(stated[0].value, stated[0].value))
    denials = DENIED.get(label, {})
    denied = [m for m in found if m.denied and m.value in denials]
    return _entity(denied[0], denials[denied[0].value]) if denied else None


def extract(doc: Any) -> List[Dict[str, Any]]:
    """The message's entities for Rasa: canonical values, one per factor, in context."""
    add_typo_matches(doc)
    by_label: Dict[str, List[Mention]] = {}
    for ent in doc.ents:
        if ent.label_ not in OUTPUT_LABELS:
            continue
        if ent.label_ in REFINEMENTS and _asked(doc, ent):
            continue
        mention = _mention(doc, ent)
        if mention:
            by_label.setdefault(mention.label, []).append(mention)
    entities: List[Dict[str, Any]] = []
    for label, found in by_label.items():
        if label in NEGATABLE or label in REFINEMENTS:
            resolved = _resolved(label, found)
            entities += [resolved] if resolved else []
        else:
            # each value once, at its first mention
            first = {m.value: m for m in reversed(found)}
            entities += [_entity(m) for m in first.values()]
    return sorted(entities, key=lambda entity: entity["start"])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LexiconEntityExtractor(GraphComponent, EntityExtractorMixin):
    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LexiconEntityExtractor":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None:
                continue
            found = self.add_extractor_name(extract(doc))
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages
