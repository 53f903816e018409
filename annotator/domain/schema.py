"""Annotation schemas: load a JSON schema file, validate it, and answer questions about it.

A schema names span labels (each with a one-character key and a ``#rrggbb`` colour,
optionally attributes) and frame types (roles that point at span labels, and attributes).
Every problem is reported as a :class:`SchemaError` naming the file and, where it can be
found, the line. Stdlib only.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError, SchemaError
from .text import decode_utf8

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
ATTRIBUTE_KINDS = ("choice", "text", "target")


@dataclass(frozen=True)
class AttributeDef:
    name: str
    kind: str = "choice"  # choice | text | target
    values: tuple[str, ...] = ()
    default: str | None = None


@dataclass(frozen=True)
class LabelDef:
    name: str
    key: str
    color: str
    description: str = ""
    attributes: tuple[AttributeDef, ...] = ()


@dataclass(frozen=True)
class RoleDef:
    name: str
    label: str
    min: int = 0
    max: int | None = None


@dataclass(frozen=True)
class FrameDef:
    type: str
    key: str = ""
    roles: tuple[RoleDef, ...] = ()
    attributes: tuple[AttributeDef, ...] = ()

    def role(self, name: str) -> RoleDef | None:
        return next((r for r in self.roles if r.name == name), None)


@dataclass(frozen=True)
class Schema:
    name: str
    version: int
    labels: tuple[LabelDef, ...]
    frames: tuple[FrameDef, ...] = ()
    description: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def label(self, name: str) -> LabelDef | None:
        return next((x for x in self.labels if x.name == name), None)

    def label_for_key(self, key: str) -> LabelDef | None:
        return next((x for x in self.labels if x.key == key), None)

    def frame(self, type_: str) -> FrameDef | None:
        return next((f for f in self.frames if f.type == type_), None)

    @property
    def label_names(self) -> tuple[str, ...]:
        return tuple(x.name for x in self.labels)

    def to_json(self) -> str:
        return json.dumps(self.raw, ensure_ascii=False, sort_keys=True)

    def with_labels(self, names: list[str]) -> Schema:
        """A copy that also holds ``names`` as labels (``--add-labels``), with free keys."""
        raw = json.loads(json.dumps(self.raw))
        used = {x.key for x in self.labels}
        free = [k for k in "56789abcdefghijklmnopqrstuvwxyz" if k not in used]
        palette = ["#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]
        for i, name in enumerate(n for n in names if self.label(n) is None):
            raw["labels"].append({"name": name, "key": free[i] if i < len(free) else "",
                                  "color": palette[i % len(palette)]})
        return parse_schema(raw, "<schema>")


def _line_of(raw_text: str, needle: str, nth: int = 1) -> int | None:
    for i, line in enumerate(raw_text.splitlines(), 1):
        if needle in line:
            nth -= 1
            if nth == 0:
                return i
    return None


def load_schema(path: str | Path) -> Schema:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SchemaError(str(path), None, f"cannot read schema: {exc.strerror}") from None
    try:
        raw_text = decode_utf8(data, str(path))
    except InputError as exc:
        raise SchemaError(exc.path, exc.line, exc.message) from None
    if not raw_text.strip():
        raise SchemaError(str(path), 1, "the schema file is empty")
    try:
        parsed = _loads_unique_keys(raw_text, str(path))
    except json.JSONDecodeError as exc:
        raise SchemaError(str(path), exc.lineno, f"invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise SchemaError(str(path), None, "invalid JSON: nested too deeply") from None
    return parse_schema(parsed, str(path), raw_text)


def _loads_unique_keys(raw_text: str, path: str) -> Any:
    """``json.loads`` that refuses an object holding the same key twice (plain json keeps the
    last one silently, so a typo'd schema would lose a definition without a word)."""
    decoder = json.JSONDecoder()

    def parse_object(s_and_end: tuple[str, int], strict: bool, scan_once: Any,
                     object_hook: Any, object_pairs_hook: Any, memo: Any = None) -> Any:
        text, start = s_and_end
        pairs, end = json.decoder.JSONObject(s_and_end, strict, scan_once, None, list, memo)
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                line = text.count("\n", 0, start) + 1
                raise SchemaError(path, line, f'the object starting on this line has the key '
                                  f'"{key}" twice')
            seen.add(key)
        return dict(pairs), end

    decoder.parse_object = parse_object  # type: ignore[assignment]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    return decoder.decode(raw_text)


def parse_schema(data: Any, path: str = "<schema>", raw_text: str = "") -> Schema:
    def fail(msg: str, needle: str | None = None, nth: int = 1) -> SchemaError:
        return SchemaError(path, _line_of(raw_text, needle, nth) if needle else None, msg)

    if not isinstance(data, dict):
        raise fail("a schema must be a JSON object")
    for key in ("name", "labels"):
        if key not in data:
            raise fail(f'missing key "{key}"')
    if not isinstance(data["name"], str) or not data["name"]:
        raise fail('"name" must be a non-empty string', '"name"')
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool):
        raise fail('"version" must be an integer', '"version"')
    if not isinstance(data["labels"], list) or not data["labels"]:
        raise fail('"labels" must be a non-empty list', '"labels"')

    labels: list[LabelDef] = []
    names: set[str] = set()
    keys: set[str] = set()
    for i, item in enumerate(data["labels"]):
        if not isinstance(item, dict):
            raise fail(f"label #{i + 1} must be an object")
        for key in ("name", "key", "color"):
            if key not in item:
                raise fail(f'label #{i + 1} is missing key "{key}"',
                           json.dumps(item.get("name", "")))
        name, key, colour = item["name"], item["key"], item["color"]
        needle = f'"{name}"'
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z][\w\-]*", name):
            raise fail(f"label #{i + 1} has an invalid name {name!r}", needle)
        if name in names:
            raise fail(f"duplicate label {name}", needle, 2)
        if not isinstance(key, str) or len(key) > 1:
            raise fail(f"label {name}: key must be one character, got {key!r}", needle)
        if key and key in keys:
            raise fail(f"label {name}: duplicate key {key!r}", needle)
        if not isinstance(colour, str) or not _COLOUR.match(colour):
            raise fail(f"label {name}: bad colour {colour!r} (expected #rrggbb)", needle)
        names.add(name)
        if key:
            keys.add(key)
        labels.append(LabelDef(name, key, colour, str(item.get("description", "")),
                               _attributes(item.get("attributes", []), f"label {name}", fail)))

    frames: list[FrameDef] = []
    if not isinstance(data.get("frames", []) or [], list):
        raise fail('"frames" must be a list', '"frames"')
    for i, item in enumerate(data.get("frames", []) or []):
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise fail(f'frame #{i + 1} needs a "type"')
        ftype = item["type"]
        roles: list[RoleDef] = []
        if not isinstance(item.get("roles", []), list):
            raise fail(f'frame {ftype}: "roles" must be a list', f'"{ftype}"')
        for role in item.get("roles", []):
            if not isinstance(role, dict) or "name" not in role or "label" not in role:
                raise fail(f'frame {ftype}: every role needs "name" and "label"', f'"{ftype}"')
            if not isinstance(role["name"], str) or not isinstance(role["label"], str):
                raise fail(f'frame {ftype}: a role\'s "name" and "label" must be strings',
                           f'"{role["name"]}"' if isinstance(role["name"], str) else None)
            if role["label"] not in names:
                raise fail(f"frame {ftype}: role {role['name']} names unknown label "
                           f"{role['label']!r}", f'"{role["label"]}"')
            lo, hi = role.get("min", 0), role.get("max")
            if not isinstance(lo, int) or (hi is not None and (not isinstance(hi, int) or hi < lo)):
                raise fail(f"frame {ftype}: role {role['name']} has bad min/max", f'"{ftype}"')
            roles.append(RoleDef(role["name"], role["label"], lo, hi))
        frames.append(FrameDef(ftype, str(item.get("key", "")), tuple(roles),
                               _attributes(item.get("attributes", []), f"frame {ftype}", fail)))
    return Schema(data["name"], version, tuple(labels), tuple(frames),
                  str(data.get("description", "")), raw=data)


def _attributes(items: Any, owner: str, fail: Any) -> tuple[AttributeDef, ...]:
    if not isinstance(items, list):
        raise fail(f"{owner}: attributes must be a list")
    out = []
    for a in items:
        if not isinstance(a, dict) or not isinstance(a.get("name"), str):
            raise fail(f'{owner}: every attribute needs a "name"')
        kind = a.get("kind", "choice" if "values" in a else "text")
        if kind not in ATTRIBUTE_KINDS:
            raise fail(f"{owner}: attribute {a['name']} has unknown kind {kind!r}")
        values = a.get("values", [])
        if kind == "choice" and (not isinstance(values, list) or not values):
            raise fail(f"{owner}: attribute {a['name']} needs a list of values")
        out.append(AttributeDef(a["name"], kind, tuple(values), a.get("default")))
    return tuple(out)
