"""Assemble the project's spaCy pipeline: a blank English pipeline plus an entity ruler.

No pretrained spaCy model can be downloaded where this assistant is built, and none is
needed: Rasa's SpacyNLP only needs a tokenizer, and the entities come from the patterns in
nlp/entity_patterns.yml. `make install` runs this; config.yml's SpacyNLP points at the output.

    python nlp/build_pipeline.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path
from typing import Dict, List

import spacy
import yaml
from spacy.pipeline import EntityRuler

HERE = Path(__file__).parent
PATTERNS_FILE = HERE / "entity_patterns.yml"
PIPELINE_DIR = HERE / "net_pipeline"


def load_patterns(path: Path = PATTERNS_FILE) -> Dict[str, Dict[str, List[str]]]:
    """label -> canonical value -> phrases, as written in the patterns file."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def build(patterns: Dict[str, Dict[str, List[str]]]) -> "spacy.language.Language":
    nlp = spacy.blank("en")
    # LOWER: "Pancreas" and "PANCREAS" match "pancreas"; ruler keeps the longest match.
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    assert isinstance(ruler, EntityRuler)
    ruler.add_patterns(
        [
            {"label": label, "pattern": phrase, "id": value}
            for label, values in patterns.items()
            for value, phrases in values.items()
            for phrase in phrases
        ]
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
