"""SentenceCountVectorsFeaturizer (assistant/components/sentence_count_vectors.py) in real Rasa (.venv-rasa): the
same sentence features as Rasa's CountVectorsFeaturizer, word and character analyzers, and no sequence features."""
from __future__ import annotations

from tests.assistant.rasa_probe import run_probe

_PROBE = r'''
import json, logging, tempfile
from pathlib import Path
logging.disable(logging.WARNING)
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from assistant.components.sentence_count_vectors import SentenceCountVectorsFeaturizer

storage = LocalModelStorage(Path(tempfile.mkdtemp()))
context = ExecutionContext(GraphSchema({}), "probe")
tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
train_texts = ["làm giấy khai sinh cho con", "lệ phí bao nhiêu", "how much does it cost", "nộp ở quầy nào"]
out = {}
for analyzer in ("word", "char_wb"):
    extra = {"analyzer": analyzer, "min_ngram": 2, "max_ngram": 4} if analyzer == "char_wb" else {}
    made = {}
    for cls in (CountVectorsFeaturizer, SentenceCountVectorsFeaturizer):
        config = {**cls.get_default_config(), **extra}
        featurizer = cls.create(config, storage, Resource(f"{cls.__name__}-{analyzer}"), context)
        data = TrainingData([Message(data={"text": t, "intent": "x"}) for t in train_texts])
        tokenizer.process_training_data(data)
        featurizer.train(data)
        messages = [Message(data={"text": t}) for t in ["khai sinh bao nhiêu", "cost of a copy", "quầy nào"]]
        tokenizer.process(messages)
        featurizer.process(messages)
        made[cls.__name__] = messages
    ours, rasa = made["SentenceCountVectorsFeaturizer"], made["CountVectorsFeaturizer"]
    same = []
    for a, b in zip(ours, rasa):
        fa = a.get_sparse_features("text")
        fb = b.get_sparse_features("text")
        same.append(fa[0] is None and fb[0] is not None and (fa[1].features != fb[1].features).nnz == 0
                    and fa[1].features.nnz > 0)
    out[analyzer] = same
print(json.dumps(out))
'''


def test_sentence_features_match_rasas_and_sequence_features_are_skipped():
    out = run_probe(_PROBE)
    assert out == {"word": [True, True, True], "char_wb": [True, True, True]}
