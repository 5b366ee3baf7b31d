"""SentenceCountVectorsFeaturizer (assistant/components/sentence_count_vectors.py): the same sentence features as
Rasa's CountVectorsFeaturizer, for the word and character analyzers, and no sequence features."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.components.sentence_count_vectors import SentenceCountVectorsFeaturizer

TRAIN = ["làm giấy khai sinh cho con", "lệ phí bao nhiêu", "how much does it cost", "nộp ở quầy nào"]
QUERIES = ["khai sinh bao nhiêu", "cost of a copy", "quầy nào"]


def featurised(cls, extra: dict, storage, analyzer: str) -> list:
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    featurizer = cls.create(
        {**cls.get_default_config(), **extra},
        storage,
        Resource(f"{cls.__name__}-{analyzer}"),
        ExecutionContext(GraphSchema({}), "test"),
    )
    data = TrainingData([Message(data={"text": text, "intent": "x"}) for text in TRAIN])
    tokenizer.process_training_data(data)
    featurizer.train(data)
    messages = [Message(data={"text": text}) for text in QUERIES]
    tokenizer.process(messages)
    featurizer.process(messages)
    return messages


@pytest.mark.parametrize("analyzer", ["word", "char_wb"])
def test_sentence_features_match_rasas_and_sequence_features_are_skipped(tmp_path, analyzer):
    extra = {"analyzer": analyzer, "min_ngram": 2, "max_ngram": 4} if analyzer == "char_wb" else {}
    storage = LocalModelStorage(tmp_path)
    ours = featurised(SentenceCountVectorsFeaturizer, extra, storage, analyzer)
    rasa = featurised(CountVectorsFeaturizer, extra, storage, analyzer)
    for a, b in zip(ours, rasa):
        our_sequence, our_sentence = a.get_sparse_features("text")
        rasa_sequence, rasa_sentence = b.get_sparse_features("text")
        assert our_sequence is None and rasa_sequence is not None
        assert our_sentence.features.nnz > 0
        assert (our_sentence.features != rasa_sentence.features).nnz == 0
