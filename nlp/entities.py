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
- where it started is a site ("it began in his liver"), where it went is spread ("spread to
  his lungs"), and "only in the lung" also says it has not spread;
- "no wait, lung" corrects, it does not deny; a message that corrects carries `correction`;
- a refinement asked as a question ("can they get it all out?") is not what the care team said;
  one told in other words ("the surgeon say they can not take all tumor out") is found by the
  sentence rules of nlp/entity_patterns.yml.
"""

import re
from functools import lru_cache
from typing import Any, Dict, List, NamedTuple, Set

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlp.build_pipeline import PATTERNS_FILE, SENTENCE_RULES
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
    "correction",
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
NEGATION_BEFORE = {
    "not",
    "n't",
    "nt",
    "no",
    "never",
    "without",
    "nothing",
    "none",
    "neither",
    "nor",
}
# "no wait, lung", "no sorry it's the pancreas": a "no" followed by these corrects what was said
CORRECTING = {"wait", "sorry", "actually", "i", "it", "its", "it's", "sry", "my"}
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
QUESTION_WORDS = {"what", "where", "how", "which", "why", "when"}
QUESTION_STARTS = ASKING_STARTS | QUESTION_WORDS | {"has", "did"}
# "hasn't spread", "doesn't make any": an auxiliary with a negation and no subject reports
AUXILIARIES = QUESTION_STARTS - QUESTION_WORDS
NEGATED_AUXILIARY = {"n't", "not"}
CLAUSE_PUNCTUATION = {",", ";", ".", "!", "?"}
ASKED = "asked"
REFINEMENTS = ("fully_removable", "surgery_concern")
# "spread to his lungs": a site after these is where it spread
SPREAD_TO = {"to", "into", "onto"}
POSSESSIVES = {"the", "his", "her", "my", "their", "our", "your", "both", "its", "a"}
# "it began in his liver": a place after these (and in/from/at) is where it started
STARTED = {"started", "start", "starts", "starting", "began", "begin", "begins", "begun"}
STARTED |= {"originated", "originates", "originate", "came", "comes", "primary", "arose"}
STARTED_PLACE = {"in", "from", "at", "is", "was", "the"}
# "only in the lung", "just the stomach": the site and nowhere else
ONLY = {"only", "just", "solely", "confined"}
# a message that changes an earlier answer
CORRECTION = re.compile(
    r"\b(actually|wait|i meant|i mean|my mistake|correction|misread|got it wrong|"
    r"was wrong|mixed (it|them) up|not the \w+ (but|after all)|after all)\b"
)


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
    near = clause[-NEGATION_WINDOW:]
    cues = [
        i
        for i, word in enumerate(near)
        if word in NEGATION_BEFORE
        and not (word == "no" and near[i + 1 : i + 2] and near[i + 1] in CORRECTING)
    ]
    if cues:
        return DENIED_CUE
    after = words[ent.end : ent.end + 3]
    return DENIED_CUE if any(word in NEGATION_AFTER for word in after) else None


def _in_a_question(doc: Any, ent: Any) -> bool:
    """The entity's clause asks something ("is the liver usually where these spread?"), where
    "pancreas, is that bad?" answers first and then asks."""
    start, end = ent.start, ent.end
    while start > 0 and doc[start - 1].text not in CLAUSE_PUNCTUATION:
        start -= 1
    while end < len(doc) and doc[end].text not in CLAUSE_PUNCTUATION:
        end += 1
    ends_with_question = end < len(doc) and doc[end].text == "?"
    return ends_with_question or _opens_a_question(doc[start:end], QUESTION_STARTS)


def _opens_a_question(span: Any, starts: Set[str]) -> bool:
    """The span starts like a question ("has it spread"), not like a report ("hasn't spread")."""
    words = [token.lower_ for token in span[:2]]
    if not words or words[0] not in starts:
        return False
    return not (words[0] in AUXILIARIES and words[1:] and words[1] in NEGATED_AUXILIARY)


def _asked(doc: Any, ent: Any) -> bool:
    """The entity is part of a question, not something the person reports."""
    sentence = ent.sent
    before = {token.lower_ for token in doc[sentence.start : ent.start]}
    if before & REPORTED:
        return False
    return sentence.text.rstrip().endswith("?") or _opens_a_question(sentence, ASKING_STARTS)


class Mention(NamedTuple):
    """A ruler match as this component reads it: its label and id may be re-read in context."""

    label: str
    value: str
    start: int
    end: int
    denied: bool
    # a factor named in a question ("can it spread to the bones?"): Rasa gets the role `asked`
    asked: bool = False


def _spread_to(doc: Any, ent: Any) -> bool:
    """A site named as where the tumor went ("spread to his lungs", "into the bones")."""
    i = ent.start - 1
    while i >= 0 and doc[i].lower_ in POSSESSIVES:
        i -= 1
    return i >= 0 and doc[i].lower_ in SPREAD_TO


def _started_in(doc: Any, ent: Any) -> bool:
    """A place named as where the tumor started ("it began in his liver", "primary is the liver")."""
    i = ent.start - 1
    while i >= 0 and doc[i].lower_ in POSSESSIVES | STARTED_PLACE:
        i -= 1
    return i >= 0 and doc[i].lower_ in STARTED


def _only(doc: Any, ent: Any) -> bool:
    """The site named as the only place ("only in the lung", "it was just in the ovary")."""
    before = [token.lower_ for token in doc[max(0, ent.start - 4) : ent.start]]
    return bool(ONLY & set(before))


def _mention(doc: Any, ent: Any) -> Mention | None:
    """The match read in its clause; None when the person says they don't know it."""
    label, value = ent.label_, ent.ent_id_
    if label == "tumor_spread" and value == "liver" and _started_in(doc, ent):
        label, value = "tumor_site", "other"
    elif label == "tumor_site" and _spread_to(doc, ent):
        label, value = "tumor_spread", "elsewhere"
    # values that say a negation themselves ("hasn't spread") are not taken back by one
    deniable = label == "tumor_site" or value in DENIED.get(label, {})
    negation = _negation(doc, ent) if deniable else None
    if negation == UNSURE:
        return None
    asked = label in NEGATABLE and _in_a_question(doc, ent)
    return Mention(label, value, ent.start_char, ent.end_char, negation == DENIED_CUE, asked)


def _entity(mention: Mention, value: str | None = None) -> Dict[str, Any]:
    entity = {
        "entity": mention.label,
        "value": value or mention.value,
        "start": mention.start,
        "end": mention.end,
        "confidence": 1.0,
    }
    return {**entity, "role": ASKED} if mention.asked else entity


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


@lru_cache(maxsize=1)
def _sentence_rules() -> Dict[str, Dict[str, "re.Pattern[str]"]]:
    table = yaml.safe_load(PATTERNS_FILE.read_text(encoding="utf-8"))[SENTENCE_RULES]
    return {
        label: {part: re.compile(rx) for part, rx in rules.items()}
        for label, rules in table.items()
    }


def told_refinements(doc: Any) -> List[Mention]:
    """What the care team said, in sentences no ruler phrase matched: removal words with "all"
    ("he can remove all tumor"; with a negation, "no"), or a burden word with surgery ("the
    operation is too hard for her"). A question is not a statement."""
    found = []
    matched = {ent.sent.start for ent in doc.ents if ent.label_ in REFINEMENTS}
    rules = _sentence_rules()
    for sentence in doc.sents:
        text = sentence.text.lower()
        if (
            sentence.start in matched
            or text.rstrip().endswith("?")
            or _opens_a_question(sentence, ASKING_STARTS)
        ):
            continue
        removal = rules["fully_removable"]
        if removal["removal"].search(text) and removal["all"].search(text):
            value = "no" if removal["negation"].search(text) else "yes"
            found.append(
                Mention("fully_removable", value, sentence.start_char, sentence.end_char, False)
            )
        concern = rules["surgery_concern"]
        if concern["surgery"].search(text) and concern["burden"].search(text):
            found.append(
                Mention("surgery_concern", "yes", sentence.start_char, sentence.end_char, False)
            )
    return found


def tells_what_the_care_team_said(doc: Any) -> bool:
    """Whether the message reports a refinement ("the surgeon said it can all come out")."""
    phrases = any(ent.label_ in REFINEMENTS and not _asked(doc, ent) for ent in doc.ents)
    return phrases or bool(told_refinements(doc))


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
            if mention.label == "tumor_site" and not mention.denied and _only(doc, ent):
                spread = mention._replace(label="tumor_spread", value="not_spread")
                by_label.setdefault("tumor_spread", []).append(spread)
    for mention in told_refinements(doc):
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
    # only a message that states a factor corrects one ("what does it actually do" does not)
    correction = CORRECTION.search(doc.text.lower())
    if correction and any(entity["entity"] in NEGATABLE for entity in entities):
        entities.append(
            {
                "entity": "correction",
                "value": "yes",
                "start": correction.start(),
                "end": correction.end(),
                "confidence": 1.0,
            }
        )
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
