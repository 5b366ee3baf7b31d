"""Dense sentence features from multilingual-e5: the meaning of a message beside its word and character n-grams.

The count-vector features only match n-grams the training examples share with a message; "mất căn cước rồi làm
lại sao" and "xin cấp lại thẻ bị thất lạc" share almost none. This featurizer adds one 384-d sentence vector per
message from the same multilingual-e5-small int8 ONNX graph, tokenizer and "query: " prefix the bridge's search
uses for queries (``knowledge_base.search.onnx_encoder.OnnxE5Encoder``: encoder, mean pooling and L2 norm in one
graph, onnxruntime only, no torch), so an intent classifier reading sentence features gets both.

The graph and tokenizer are loaded when Rasa first creates or loads the component, never at import, and shared by
every instance in the process. Vectors are kept in a per-process LRU cache keyed by text: Rasa featurizes the same
text more than once (cross-validation folds, ``rasa test`` after training, a citizen repeating a turn), and an
encoding costs milliseconds of CPU.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
MODEL_DIR_ENV = "LETANSO_E5_MODEL_DIR"
"""Environment variable naming the e5 model folder when config.yml does not (``model_dir``)."""
DEFAULT_MODEL_DIR = ROOT / "models" / "embedding" / "multilingual-e5-small"
"""Where `make setup` builds the model (models/build_embedding_model.py, models/export_onnx_encoder.py)."""


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class E5SentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the e5 query vector of each message's text as a dense sentence feature (no sequence features)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            # e5 model folder (tokenizer.json, onnx/); empty: $LETANSO_E5_MODEL_DIR, else the set-up's folder.
            "model_dir": None,
            # graph for the messages, relative to model_dir: the int8 one the bridge uses for queries.
            "onnx_file": "onnx/model.int8.onnx",
            # tokens kept per message, as the bridge's queries (knowledge_base.search.onnx_encoder.QUERY_MAX_TOKENS)
            "max_tokens": 64,
            # onnxruntime threads: one keeps each parse's CPU low on a shared machine (0 = onnxruntime decides).
            "threads": 1,
            # texts whose vectors are kept in memory per process
            "cache_size": 4096,
            # the vector is multiplied by this: unit vectors next to raw n-gram counts are otherwise regularised
            # away by the classifier's L2 penalty (a weight on a feature scaled by s costs 1/s² as much).
            "scale": 1.0,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["onnxruntime", "tokenizers"]

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        for key in ("max_tokens", "cache_size"):
            if int(config[key]) < 1:
                raise InvalidConfigException(f"{cls.__name__}: {key} must be at least 1, not {config[key]!r}")
        if not float(config["scale"]) > 0:
            raise InvalidConfigException(f"{cls.__name__}: scale must be positive, not {config['scale']!r}")

    def __init__(self, config: Dict[Text, Any], name: Text, vectors: Optional["CachedQueryVectors"] = None) -> None:
        """``vectors`` replaces the process's shared ONNX encoder and cache, for tests."""
        super().__init__(name, config)
        self._vectors = vectors if vectors is not None else shared_vectors(config)
        self._scale = float(config["scale"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "E5SentenceFeaturizer":
        return cls(config, execution_context.node_name)

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds the sentence feature to every message with text; returns the same messages."""
        texts = [_text(message) for message in messages]
        vectors = self._vectors.get([text for text in texts if text])
        for message, text in zip(messages, texts):
            if text:
                self.add_features_to_message(None, vectors[text][np.newaxis, :] * self._scale, TEXT, message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data


class CachedQueryVectors:
    """An encoder's query vectors with an LRU cache per text; thread-safe."""

    def __init__(self, encoder: Any, cache_size: int) -> None:
        """``encoder``: anything with ``encode_queries(texts) -> array`` (the ONNX one, or a test's fake)."""
        self._encoder = encoder
        self._cache: "OrderedDict[str, np.ndarray]" = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def get(self, texts: Sequence[str]) -> Dict[str, np.ndarray]:
        """Read-only vector per distinct text.

        Each text is encoded on its own, never in a batch: the int8 graph quantises activations with one scale
        per batch, so a text's vector would depend on its batch-mates (cosine ~0.996 to its own). Alone, it is
        the vector the bridge's search computes for the same query, at training and at parse time alike.
        """
        with self._lock:
            for text in dict.fromkeys(texts):
                if text not in self._cache:
                    vector = np.asarray(self._encoder.encode_queries([text]), dtype=np.float32)[0]
                    vector.flags.writeable = False
                    self._cache[text] = vector
            found = {}
            for text in texts:
                self._cache.move_to_end(text)
                found[text] = self._cache[text]
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
            return found


_SHARED: Dict[tuple, CachedQueryVectors] = {}
_SHARED_LOCK = threading.Lock()


def shared_vectors(config: Dict[Text, Any]) -> CachedQueryVectors:
    """One encoder and cache per process and model setting: Rasa makes a new component for every training run
    (each cross-validation fold) and for the loaded model, and the graph takes seconds to load."""
    folder = model_dir(config)
    key = (str(folder / config["onnx_file"]), int(config["max_tokens"]), int(config["threads"]))
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = CachedQueryVectors(load_encoder(config), int(config["cache_size"]))
        return _SHARED[key]


def _text(message: Message) -> str:
    text = message.get(TEXT)
    return text.strip() if isinstance(text, str) else ""


def model_dir(config: Dict[Text, Any]) -> Path:
    """The configured model folder, else $LETANSO_E5_MODEL_DIR, else the set-up's; relative paths from the repo."""
    chosen = Path(config.get("model_dir") or os.environ.get(MODEL_DIR_ENV) or DEFAULT_MODEL_DIR)
    return chosen if chosen.is_absolute() else ROOT / chosen


def load_encoder(config: Dict[Text, Any]) -> Any:
    """The bridge's ONNX query encoder over the configured graph; a clear error when set-up has not built it."""
    from knowledge_base.search.onnx_encoder import OnnxE5Encoder

    folder = model_dir(config)
    graph = folder / config["onnx_file"]
    if not (folder / "tokenizer.json").is_file() or not graph.is_file():
        raise FileNotFoundError(
            f"E5SentenceFeaturizer: no e5 model at {folder} (tokenizer.json and {config['onnx_file']}): run "
            f"`make setup`, or set model_dir in config.yml or ${MODEL_DIR_ENV}"
        )
    log.info("e5 sentence features from %s", graph)
    return OnnxE5Encoder(
        folder,
        threads=int(config["threads"]) or None,
        onnx_file=graph,
        query_onnx_file=graph,
        query_max_tokens=int(config["max_tokens"]),
    )
