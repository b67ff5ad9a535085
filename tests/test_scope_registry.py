"""The scope registry (scope/registry.yml) is the one home of the scope: every topic, aspect and
glossary word it names exists in the domain, and everything the domain and the rules answer as
a topic has its entry there."""

import yaml

from nlp.build_pipeline import clashes, load_patterns
from scope import aspects, not_covered_aspects, registry, topics
from support import ROOT, domain, entity_names

RESPONSES = domain()["responses"]
RULES = ROOT / "data" / "rules"


def rules(name: str):
    return yaml.safe_load((RULES / name).read_text())["rules"]


def test_every_topic_names_an_intent_and_responses_that_exist():
    for topic in topics().values():
        assert topic.intent in domain()["intents"], topic.id
        for response in (topic.response, topic.simpler, *topic.page_says.values()):
            assert response in RESPONSES, (topic.id, response)
        assert topic.label and topic.called


def test_every_faq_rule_is_a_topic_and_every_topic_has_its_rule():
    # a response answers a topic; the glossary's rule runs its action
    answered = {
        rule["steps"][0]["intent"]: rule["steps"][1]["action"]
        for rule in rules("faq.yml")
        if rule["steps"][1]["action"].startswith("utter_")
    }
    assert answered == {topic.intent: topic.response for topic in topics().values()}


def test_the_topic_slot_knows_exactly_the_registrys_topics():
    slot = domain()["slots"]["topic"]
    assert set(slot["values"]) == set(topics()) | {"walkthrough"}
    mapped = {m["intent"]: m["value"] for m in slot["mappings"] if m["type"] == "from_intent"}
    assert mapped == {topic.intent: topic.id for topic in topics().values()}


def test_answers_in_parts_cover_exactly_the_registrys_topics():
    by_name = {rule["rule"]: rule for rule in rules("answers.yml")}

    def intents_with(entity: str):
        return {
            step["intent"]
            for rule in by_name.values()
            for step in rule["steps"][0].get("or", [])
            if entity in step.get("entities", [])
        }

    assert intents_with("drug") == {t.intent for t in topics().values() if t.names}
    assert intents_with("safety") == {t.intent for t in topics().values()}


def test_every_aspect_names_responses_that_exist():
    for aspect in aspects().values():
        assert aspect.response in RESPONSES or aspect.response is None, aspect.id
        assert aspect.response or aspect.of_topic or aspect.topic_answer, f"{aspect.id}: no answer"
    assert not_covered_aspects() <= set(aspects())
    # the aspects without words of their own are the walk-through's factors
    assert {a.id for a in aspects().values() if not a.words} <= entity_names()


def test_the_glossary_explains_words_that_exist():
    for term, entry in registry()["glossary"].items():
        assert entry["response"] in RESPONSES, term
        assert ("words" in entry) != ("topic" in entry), term
        assert entry.get("topic", next(iter(topics()))) in topics(), term
    assert set(registry()["glossary_factors"].values()) <= set(RESPONSES)


def test_suggestions_name_intents_that_exist():
    assert set(registry()["suggestions"]) <= set(domain()["intents"])


def test_no_word_of_the_lexicon_has_two_meanings_or_is_listed_twice():
    patterns = load_patterns()
    assert clashes(patterns) == {}
    assert len(patterns) == len(set(patterns))
