"""Count-vector featurizer that builds only sentence features.

Rasa's ``CountVectorsFeaturizer`` runs its vectoriser twice per message: once over the tokens one by one
(sequence features, for DIET-style models) and once over the whole text (sentence features). This assistant's
intent classifier reads sentence features only and the CRF tags entities from its own token features, so the
sequence pass was work nobody used: ~0.3 of Rasa's ~5.5 ms per turn with the word and character featurizers.
Everything else (vocabulary, analyzers, OOV handling, training) is Rasa's.
"""

from typing import List, Optional, Text, Tuple

import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceCountVectorsFeaturizer(CountVectorsFeaturizer):
    """``CountVectorsFeaturizer`` without sequence features."""

    def _create_features(
        self, attribute: Text, all_tokens: List[List[Text]]
    ) -> Tuple[List[Optional[scipy.sparse.spmatrix]], List[Optional[scipy.sparse.spmatrix]]]:
        """No sequence features; sentence features exactly as Rasa computes them."""
        if not self.vectorizers.get(attribute):
            return [None], [None]
        sentence_features: List[Optional[scipy.sparse.spmatrix]] = []
        for tokens in all_tokens:
            if not tokens or attribute not in DENSE_FEATURIZABLE_ATTRIBUTES:
                sentence_features.append(None)
                continue
            vector = self.vectorizers[attribute].transform([" ".join(tokens)])
            vector.sort_indices()
            sentence_features.append(vector.tocoo())
        return [None] * len(all_tokens), sentence_features
