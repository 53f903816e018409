"""Layering (import-linter contracts in pyproject.toml) and packaging contracts."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "annotator"


def test_import_linter_contracts_hold():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is part of the test extra: pip install -e '.[test]'"
    r = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_only_ui_and_app_import_pyside6():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "ui" or rel.name == "app.py":
            continue
        if any(m.split(".")[0] in ("PySide6", "shiboken6") for m in _imports(path)):
            offenders.append(str(rel))
    assert offenders == []


def test_domain_is_stdlib_only():
    allowed = set(sys.stdlib_module_names) | {"annotator"}
    offenders = [f"{p.name}: {m}" for p in (PACKAGE / "domain").rglob("*.py")
                 for m in _imports(p) if m.split(".")[0] not in allowed]
    assert offenders == []


def test_every_package_is_listed_for_the_wheel():
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"])
    found = {".".join(p.relative_to(ROOT).parent.parts) for p in PACKAGE.rglob("__init__.py")}
    assert found - listed == set()


def test_wheel_ships_resources_and_seeds(tmp_path):
    """A plain (non-editable) build carries the schema and the seed articles."""
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                        "-w", str(tmp_path), str(ROOT)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    wheel = next(tmp_path.glob("annotator-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "annotator/resources/schemas/attribution-stance.json" in names
    assert any(n.startswith("annotator/seeds/") and n.endswith(".txt") for n in names)
    assert "annotator/cli/__init__.py" in names
