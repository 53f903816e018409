"""The default schema loads; broken schemas name what is wrong."""

from __future__ import annotations

import json

import pytest

from annotator.domain.errors import SchemaError
from annotator.domain.schema import load_schema
from annotator.paths import default_schema_path


def test_default_schema():
    s = load_schema(default_schema_path())
    assert [(x.name, x.key) for x in s.labels] == [("SOURCE", "1"), ("CUE", "2"),
                                                    ("CONTENT", "3"), ("STANCE", "4")]
    frame = s.frame("ATTRIBUTION")
    assert frame is not None
    assert [(r.name, r.label, r.min, r.max) for r in frame.roles] == [
        ("cue", "CUE", 1, 1), ("source", "SOURCE", 0, None), ("content", "CONTENT", 1, None)]
    assert {a.name for a in frame.attributes} == {"stance", "target", "quote_form", "type"}
    stance = next(a for a in frame.attributes if a.name == "stance")
    assert stance.values == ("FAVOR", "AGAINST", "NEUTRAL", "NONE")
    assert s.label_for_key("4").name == "STANCE"
    assert {a.name for a in s.label("STANCE").attributes} == {"polarity", "target"}


def _write(tmp_path, data):
    p = tmp_path / "schema.json"
    p.write_text(json.dumps(data, indent=2))
    return p


def _base():
    return json.loads(default_schema_path().read_text())


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d.pop("labels"), 'missing key "labels"'),
    (lambda d: d["labels"][1].pop("key"), 'missing key "key"'),
    (lambda d: d["labels"][1].update(name="SOURCE"), "duplicate label SOURCE"),
    (lambda d: d["labels"][1].update(key="1"), "duplicate key '1'"),
    (lambda d: d["labels"][0].update(color="blue"), "bad colour 'blue'"),
    (lambda d: d["frames"][0]["roles"][0].update(label="VERB"), "unknown label 'VERB'"),
])
def test_bad_schema_names_the_problem(tmp_path, mutate, message):
    data = _base()
    mutate(data)
    path = _write(tmp_path, data)
    with pytest.raises(SchemaError) as info:
        load_schema(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_bad_schema_line_numbers(tmp_path):
    data = _base()
    data["labels"][2]["color"] = "#12345"
    path = _write(tmp_path, data)
    with pytest.raises(SchemaError) as info:
        load_schema(path)
    line = info.value.line
    assert line is not None and '"CONTENT"' in path.read_text().splitlines()[line - 1]


def test_invalid_json(tmp_path):
    p = tmp_path / "s.json"
    p.write_text('{\n "name": "x",\n "labels": [,]\n}')
    with pytest.raises(SchemaError, match=r"s\.json:3: invalid JSON"):
        load_schema(p)


def test_with_labels_extends():
    s = load_schema(default_schema_path()).with_labels(["EVENT", "SOURCE"])
    assert s.label("EVENT") is not None and s.label("EVENT").key == "5"
    assert len(s.labels) == 5
