"""Assemble the project's spaCy pipeline: blank English, a sentencizer and an entity ruler.

No pretrained spaCy model can be downloaded where this assistant is built, and none is
needed: Rasa's SpacyNLP needs a tokenizer, nlp/entities.py reads sentences (is a refinement
asked or reported?), and the entities come from three files, each the one home of its words:
nlp/entity_patterns.yml (the walk-through's words), nlp/emergency.yml (emergency phrases) and
scope/registry.yml (topics, drugs, aspects, glossary, other conditions). `make install` runs
this; config.yml's SpacyNLP points at the output.

    python nlp/build_pipeline.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import spacy
import yaml
from spacy.pipeline import EntityRuler

HERE = Path(__file__).parent
PATTERNS_FILE = HERE / "entity_patterns.yml"
EMERGENCY_FILE = HERE / "emergency.yml"
REGISTRY_FILE = HERE.parent / "scope" / "registry.yml"
PIPELINE_DIR = HERE / "net_pipeline"
# the section of entity_patterns.yml that holds regular expressions for nlp/entities.py, not phrases
SENTENCE_RULES = "refinement_sentences"

# (label, value, phrase)
Pattern = Tuple[str, str, str]


def _table(patterns: Dict[str, Dict[str, List[str]]]) -> Iterator[Pattern]:
    for label, values in patterns.items():
        for value, phrases in values.items():
            for phrase in phrases:
                yield label, value, phrase


def registry_patterns(registry: Dict) -> Iterator[Pattern]:
    """The scope registry's words: topic names, drugs, aspects, glossary, other conditions."""
    for topic, entry in registry["topics"].items():
        for word in entry.get("words", []):
            yield "topic", topic, word
        for names in (entry.get("names") or {}).values():
            for name in names:
                yield "drug", topic, name
    for aspect, entry in registry["aspects"].items():
        for word in entry.get("words", []):
            yield "aspect", aspect, word
    for term, entry in registry["glossary"].items():
        for word in entry.get("words", []):
            yield "term", term, word
    yield from _table({"other_condition": registry["other_conditions"]})


def load_patterns() -> List[Pattern]:
    def read(path: Path) -> Dict:
        return yaml.safe_load(path.read_text(encoding="utf-8"))

    return [
        *_table({k: v for k, v in read(PATTERNS_FILE).items() if k != SENTENCE_RULES}),
        *_table({"emergency": read(EMERGENCY_FILE)["phrases"]}),
        *registry_patterns(read(REGISTRY_FILE)),
    ]


def clashes(patterns: List[Pattern]) -> Dict[str, List[Tuple[str, str]]]:
    """Phrases given two meanings (the ruler would keep one of them silently)."""
    meanings: Dict[str, set] = {}
    for label, value, phrase in patterns:
        meanings.setdefault(phrase.lower(), set()).add((label, value))
    return {phrase: sorted(found) for phrase, found in meanings.items() if len(found) > 1}


def build(patterns: List[Pattern]) -> "spacy.language.Language":
    if clashes(patterns):
        raise ValueError(f"phrases with two meanings: {clashes(patterns)}")
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    # LOWER: "Pancreas" and "PANCREAS" match "pancreas"; the ruler keeps the longest match.
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    assert isinstance(ruler, EntityRuler)
    ruler.add_patterns(
        [{"label": label, "pattern": phrase, "id": value} for label, value, phrase in patterns]
    )
    nlp.meta["name"] = "net_ruler"
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = "Blank English pipeline with the NET assistant's entity ruler"
    # Rasa 3.6 runs spaCy 3.4: the pipeline must say it is compatible with it.
    nlp.meta["spacy_version"] = ">=3.4.0,<3.5.0"
    return nlp


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else PIPELINE_DIR
    build(load_patterns()).to_disk(out)
    print(f"spaCy pipeline written to {out}")


if __name__ == "__main__":
    main()
