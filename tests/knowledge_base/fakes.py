"""Recording fakes for the search engines: they keep what they received and answer deterministically."""

from __future__ import annotations

import hashlib

import numpy as np

from knowledge_base.catalogue import Procedure
from knowledge_base.text import tokens


class RecordingEncoder:
    """Bag-of-folded-words hashed into a small vector space; records every text it encodes."""

    name = "fake-bag-of-words"

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.queries: list[str] = []
        self.passages: list[str] = []

    def encode_queries(self, texts):
        self.queries.extend(texts)
        return self._vectors(texts)

    def encode_passages(self, texts):
        self.passages.extend(texts)
        return self._vectors(texts)

    def _vectors(self, texts) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in tokens(text):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
            out[row, 0] += 0.01  # never an all-zero row
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def FakeProcedure(
    code: str, name: str, field: str, *, ward_level: bool = True, result: str = "", levels: list[str] | None = None
) -> Procedure:
    """A real catalogue record (through ``Procedure.from_dict``, so a change of the record's fields breaks the fakes
    here) with the fields search reads set and every other field empty."""
    levels = levels if levels is not None else (["Cấp xã"] if ward_level else ["Cấp tỉnh"])
    return Procedure.from_dict(
        {
            **_EMPTY_RECORD,
            "code": code,
            "name": name,
            "field": field,
            "levels": levels,
            "ward_level": ward_level,
            "result": result,
        }
    )


_EMPTY_RECORD: dict[str, object] = {
    name: []
    if name in ("levels", "applicants", "related_procedures", "steps", "channels", "documents", "legal_basis")
    else ""
    for name in Procedure.__dataclass_fields__
}
"""Every field of a procedure record, empty (the lists as empty lists)."""


SAMPLE_PROCEDURES = [
    FakeProcedure("1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch", result="Giấy khai sinh"),
    FakeProcedure("1.000656", "Thủ tục đăng ký khai tử", "Hộ tịch", result="Trích lục khai tử"),
    FakeProcedure("1.000894", "Thủ tục đăng ký kết hôn", "Hộ tịch"),
    FakeProcedure("1.004873", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch"),
    FakeProcedure("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Chứng thực"),
    FakeProcedure("1.004194", "Đăng ký tạm trú", "Đăng ký, quản lý cư trú"),
    FakeProcedure("1.004222", "Đăng ký thường trú", "Đăng ký, quản lý cư trú"),
    FakeProcedure("9.000001", "Cấp giấy phép khai thác khoáng sản", "Địa chất và khoáng sản", ward_level=False),
]


def turn_search(procedures: list[Procedure]):
    """A real ProcedureSearch over ``procedures`` with the recording encoder and no dense floor: what the turn
    decision tests search with."""
    from knowledge_base.search.engine import ProcedureSearch, SearchTuning
    from knowledge_base.search.lexical import Bm25Scorer
    from knowledge_base.search.vector_index import NumpyFlatIndex

    encoder = RecordingEncoder()
    engine = ProcedureSearch(
        encoder=encoder,
        index=NumpyFlatIndex(encoder.dim),
        lexical=Bm25Scorer(),
        tuning=SearchTuning(dense_floor=0.0, dense_ceiling=1.0),
    )
    engine.load(procedures)
    return engine
