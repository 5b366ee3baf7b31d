"""Intent classifier for the assistant: logistic regression over the pipeline's sentence features — the sparse
word/char n-gram counts and, when the pipeline has one, a dense sentence vector (e5_featurizer.py) beside them.

Rasa 3.6's ``LogisticRegressionClassifier`` with one extra setting, ``C`` (inverse regularisation strength,
scikit-learn's default 1.0). With ~25 intents and a few hundred short examples, C = 1 spreads probability so
thinly that clear messages ("chứng thực giấy tờ") fall under the FallbackClassifier threshold; a larger C gives
confidences that mean something. Why not DIET: on this data it is no more accurate in cross-validation and
costs ~9 ms of TensorFlow per message, half of Rasa's CPU per turn (see assistant/actions/README.md).
"""

from typing import Any, Dict, List, Optional, Text, Tuple

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.tensorflow.constants import RANKING_LENGTH


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SparseIntentClassifier(LogisticRegressionClassifier):
    """``LogisticRegressionClassifier`` whose regularisation strength ``C`` is set in config.yml."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0}

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=float(self.config["C"]))
        # (coef_, coef_ transposed), built on first use and again if the classifier is retrained or replaced
        self._weights_by_feature: Optional[Tuple[np.ndarray, np.ndarray]] = None

    def process(self, messages: List[Message]) -> List[Message]:
        """Intent and ranking per message, as Rasa's classifier sets them.

        A message with no known word or character n-gram (empty, emoji, punctuation, another script) gets no
        intent with confidence 0 — the model's intercepts (and a dense sentence vector, which every text has)
        would otherwise pick one — and so does one whose features do not have the trained width (no tokens: the
        regex featurizer then adds no columns).
        FallbackClassifier then answers it.
        """
        for message in messages:
            probabilities = self._probabilities(message)
            if probabilities is None:
                message.set("intent", {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set("intent_ranking", [], add_to_output=True)
                continue
            ranking = sorted(
                ({"name": name, "confidence": float(p)} for name, p in zip(self.clf.classes_, probabilities)),
                key=lambda entry: -entry["confidence"],
            )
            message.set("intent", ranking[0], add_to_output=True)
            if self.config[RANKING_LENGTH] > 0:
                ranking = ranking[: self.config[RANKING_LENGTH]]
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages

    def _probabilities(self, message: Message) -> Optional[np.ndarray]:
        """Class probabilities for one message, or None when it has no usable features.

        The same numbers as ``predict_proba`` on ``_row`` (a test compares them), without building the row: the
        logits are the non-zero feature values times the matching rows of the transposed weights, plus the
        intercepts, then softmax. Building the row (``hstack``, scikit-learn's checks) would cost ~0.5 of Rasa's ~8 ms
        per turn.
        """
        columns, values, width, sparse_values = self._nonzero_features(message)
        if width != getattr(self.clf, "n_features_in_", None) or not sparse_values:
            return None
        if not self._is_multinomial():  # two intents or a one-vs-rest setting: scikit-learn's own path
            return self.clf.predict_proba(self._row(message))[0]
        if self._weights_by_feature is None or self._weights_by_feature[0] is not self.clf.coef_:
            self._weights_by_feature = (self.clf.coef_, np.ascontiguousarray(self.clf.coef_.T))
        # einsum, not `@`: with a dense sentence vector the product is large enough for OpenBLAS to wake its
        # threads, which then spin and doubled the process's CPU per parse (wall time unchanged).
        logits = np.einsum("i,ij->j", values, self._weights_by_feature[1][columns]) + self.clf.intercept_
        logits -= logits.max()
        exponentials = np.exp(logits)
        return exponentials / exponentials.sum()

    def _is_multinomial(self) -> bool:
        return (
            self.clf.classes_.size > 2
            and self.clf.multi_class in ("auto", "multinomial")
            and self.clf.solver != "liblinear"
        )

    @staticmethod
    def _nonzero_features(message: Message) -> Tuple[np.ndarray, np.ndarray, int, int]:
        """Column indices and values of the row ``_row`` would build, its width, and how many of those values
        come from sparse (n-gram) features."""
        columns, values, width, sparse_values = [], [], 0, 0
        for feature in _sentence_features(message):
            matrix = feature.features
            if feature.is_sparse():
                part = matrix.tocoo()
                keep = part.data != 0
                columns.append(part.col[keep] + width)
                values.append(part.data[keep])
                sparse_values += int(keep.sum())
            else:
                dense = np.asarray(matrix, dtype=float).reshape(-1)
                (nonzero,) = np.nonzero(dense)
                columns.append(nonzero + width)
                values.append(dense[nonzero])
            width += matrix.shape[-1]
        if not columns:
            return np.zeros(0, dtype=int), np.zeros(0), 0, 0
        return np.concatenate(columns), np.concatenate(values).astype(float), width, sparse_values

    def _create_X(self, messages: List[Message]) -> scipy.sparse.csr_matrix:
        """Training matrix: one row per message (see ``_row``)."""
        rows = [self._row(m) for m in messages]
        return scipy.sparse.vstack(rows, format="csr") if rows else scipy.sparse.csr_matrix((0, 0))

    @staticmethod
    def _row(message: Message) -> scipy.sparse.csr_matrix:
        """The text's sentence features side by side, in pipeline order (sparse, then dense).

        The same row Rasa's method builds, in one ``hstack`` instead of a deep copy and an ``hstack`` per
        featurizer for sequence and sentence features alike: 1.6 → 0.4 ms per message under cProfile.
        """
        parts = [
            f.features if f.is_sparse() else scipy.sparse.csr_matrix(f.features) for f in _sentence_features(message)
        ]
        return scipy.sparse.hstack(parts, format="csr") if parts else scipy.sparse.csr_matrix((1, 0))


def _sentence_features(message: Message) -> List[Any]:
    """The text's sentence features in the order the classifier's row puts them: sparse ones, then dense ones."""
    sentence = [f for f in message.features if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE]
    return [f for f in sentence if f.is_sparse()] + [f for f in sentence if f.is_dense()]
