"""Intent classifier for the assistant: logistic regression over the pipeline's sparse n-gram features.

Rasa 3.6's ``LogisticRegressionClassifier`` with one extra setting, ``C`` (inverse regularisation strength,
scikit-learn's default 1.0). With ~25 intents and a few hundred short examples, C = 1 spreads probability so
thinly that clear messages ("chứng thực giấy tờ") fall under the FallbackClassifier threshold; a larger C gives
confidences that mean something. Why not DIET: on this data it was no more accurate in cross-validation and
cost ~9 ms of TensorFlow per message, half of Rasa's CPU per turn (see assistant/actions/README.md).
"""
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.featurizers.featurizer import Featurizer


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SparseIntentClassifier(LogisticRegressionClassifier):
    """``LogisticRegressionClassifier`` whose regularisation strength ``C`` is set in config.yml."""

    @classmethod
    def required_components(cls) -> List[type]:
        return [Featurizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0}

    def __init__(
        self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage, resource: Resource
    ) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=float(self.config["C"]))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls(config, execution_context.node_name, model_storage, resource)
