"""Where the shipped resources and seed articles live, installed or in a checkout.

In a wheel, ``resources/`` and ``seeds/`` are installed as ``annotator/resources`` and
``annotator/seeds``; in a source checkout they sit beside the package. Stdlib only.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _first_existing(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the {name}/ folder is not installed beside {_PACKAGE}")


def resources_dir() -> Path:
    return _first_existing("resources")


def seeds_dir() -> Path:
    return _first_existing("seeds")


def default_schema_path() -> Path:
    return resources_dir() / "schemas" / "attribution-stance.json"
