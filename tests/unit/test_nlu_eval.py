import json

from bot.nlu_eval import accuracy_per_language, examples_by_language


def test_reported_examples_are_counted_per_language_of_their_test_file(tmp_path):
    (tmp_path / "nlu_test_de.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - Hallo\n    - Guten Tag\n'
        "- intent: inform_location\n  examples: |\n    - Ich wohne in [Köthen](place)\n",
        encoding="utf-8",
    )
    (tmp_path / "nlu_test_ar.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - مرحبا\n', encoding="utf-8"
    )
    languages = examples_by_language(tmp_path)
    assert languages == {"Hallo": "de", "Guten Tag": "de", "Ich wohne in Köthen": "de", "مرحبا": "ar"}

    out = tmp_path / "out"
    out.mkdir()
    (out / "intent_successes.json").write_text(json.dumps([{"text": "Hallo"}, {"text": "مرحبا"}]))
    (out / "intent_errors.json").write_text(json.dumps([{"text": "Ich wohne in Köthen"}]))

    assert accuracy_per_language(out, languages) == {"ar": (1, 1), "de": (1, 2)}
