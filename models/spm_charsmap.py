"""Build a SentencePiece `precompiled_charsmap` (the blob `tokenizers.normalizers.Precompiled` reads).

Blob layout: u32 trie_bytes, then a darts-clone double-array trie of u32 units keyed by the UTF-8
bytes of each source character, then the replacement strings, each NUL-terminated; a key's trie
value is the byte offset of its replacement. Unit bits (darts-clone): label in bits 0-7, "has leaf"
in bit 8, the XOR distance to the node's children in bits 10-31; a value unit has bit 31 set.
"""

from __future__ import annotations

import struct

_LEAF_BIT = 1 << 8
_VALUE_BIT = 1 << 31
_MAX_OFFSET = 1 << 21  # larger XOR distances need darts-clone's shifted encoding; never needed here


class _Node:
    __slots__ = ("children", "value", "base")

    def __init__(self) -> None:
        self.children: dict[int, _Node] = {}
        self.value: int | None = None
        self.base = 0


def _replacement_pool(mapping: dict[int, str]) -> tuple[bytes, dict[str, int]]:
    """NUL-terminated replacement strings, de-duplicated; returns the pool and text -> offset."""
    pool, where = bytearray(), {}
    for text in sorted(set(mapping.values())):
        where[text] = len(pool)
        pool += text.encode("utf-8") + b"\0"
    return bytes(pool), where


def _build_trie(mapping: dict[int, str], where: dict[str, int]) -> _Node:
    root = _Node()
    for codepoint in sorted(mapping):
        node = root
        for byte in chr(codepoint).encode("utf-8"):
            node = node.children.setdefault(byte, _Node())
        node.value = where[mapping[codepoint]]
    return root


def _place(root: _Node) -> list[int]:
    """Assign each node a unique base so that base ^ label (label 0 = the value slot) is free."""
    units: list[int] = [0]
    used = bytearray(b"\x01")  # position 0 holds the root unit
    taken_bases: set[int] = set()
    lowest_free = 1
    queue = [root]
    while queue:
        node = queue.pop(0)
        if not node.children and node.value is None:
            continue
        # Slot base ^ 0 is always reserved (value unit or unused), so a taken base is never free.
        labels = [0, *sorted(node.children)]
        while lowest_free < len(used) and used[lowest_free]:
            lowest_free += 1
        base = lowest_free ^ labels[-1]
        while base in taken_bases or any(base ^ lab < len(used) and used[base ^ lab] for lab in labels):
            base += 1
        needed = (base | 0xFF) + 1  # every base ^ byte must stay inside the array
        if needed > len(used):
            used.extend(bytes(needed - len(used)))
            units.extend([0] * (needed - len(units)))
        taken_bases.add(base)
        node.base = base
        for lab in labels:
            used[base ^ lab] = 1
        if node.value is not None:
            units[base] = node.value | _VALUE_BIT
        queue.extend(node.children.values())
    return units


def _encode_offset(offset: int) -> int:
    if offset >= _MAX_OFFSET:
        raise ValueError(f"double-array offset {offset} too large for the simple encoding")
    return offset << 10


def _fill_units(root: _Node, units: list[int]) -> None:
    units[0] = _encode_offset(root.base)
    stack = [root]
    while stack:
        node = stack.pop()
        for label, child in node.children.items():
            pos = node.base ^ label
            unit = label | (_LEAF_BIT if child.value is not None else 0)
            units[pos] = unit | _encode_offset(pos ^ child.base)
            stack.append(child)


def build_precompiled_charsmap(mapping: dict[int, str]) -> bytes:
    """Charsmap blob that rewrites each code point in `mapping` to its replacement text ("" deletes)."""
    if not mapping:
        raise ValueError("empty normalisation map")
    pool, where = _replacement_pool(mapping)
    root = _build_trie(mapping, where)
    units = _place(root)
    _fill_units(root, units)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + pool


def lookup(charsmap: bytes, key: bytes) -> str | None:
    """Replacement for the shortest key that prefixes `key` (what sentencepiece/tokenizers use)."""
    (trie_bytes,) = struct.unpack_from("<I", charsmap, 0)
    units = struct.unpack_from(f"<{trie_bytes // 4}I", charsmap, 4)
    pool = charsmap[4 + trie_bytes :]

    def offset(unit: int) -> int:
        return (unit >> 10) << ((unit & (1 << 9)) >> 6)

    pos = offset(units[0])
    for byte in key:
        pos ^= byte
        unit = units[pos]
        if unit & (_VALUE_BIT | 0xFF) != byte:
            return None
        pos ^= offset(unit)
        if unit & _LEAF_BIT:
            start = units[pos] & (_VALUE_BIT - 1)
            return pool[start : pool.index(b"\0", start)].decode("utf-8")
    return None
