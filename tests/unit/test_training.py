import shutil

from bot.settings import PROJECT_ROOT
from bot.training import TRAINING_INPUTS, inputs_hash


def copy_inputs(target):
    for name in TRAINING_INPUTS:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def test_model_is_retrained_only_when_an_input_changes(tmp_path):
    copy_inputs(tmp_path)
    before = inputs_hash(tmp_path)
    assert inputs_hash(tmp_path) == before

    (tmp_path / "domain.yml").write_text((tmp_path / "domain.yml").read_text() + "\n# edited\n")

    assert inputs_hash(tmp_path) != before


def test_unrelated_files_do_not_trigger_training(tmp_path):
    copy_inputs(tmp_path)
    before = inputs_hash(tmp_path)
    (tmp_path / "README.md").write_text("changed")
    assert inputs_hash(tmp_path) == before
