"""Settings: the file location, per-project grouping, typed reads of bad values."""

from __future__ import annotations

from pathlib import Path

from annotator.ui.settings import Settings, project_key, settings_path


def test_settings_live_in_annotator_home_when_set(monkeypatch, tmp_path):
    monkeypatch.setenv("ANNOTATOR_HOME", str(tmp_path / "home"))
    assert settings_path() == tmp_path / "home" / "settings.ini"


def test_values_are_grouped_per_project_and_survive_a_new_instance(qapp, tmp_path):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    s = Settings(tmp_path / "s.ini")
    s.put(a, "last_document", "doc1")
    s.put(b, "last_document", "doc2")
    s.put(a, "splitter", [1, 2, 3])
    s.annotator = "Zoë"
    s.sync()
    again = Settings(tmp_path / "s.ini")
    assert again.get(a, "last_document") == "doc1"
    assert again.get(b, "last_document") == "doc2"
    assert again.get_ints(a, "splitter") == [1, 2, 3]
    assert again.annotator == "Zoë"
    assert project_key(a) == project_key(Path(str(a)))  # same file, same group
    assert project_key(a) != project_key(b)


def test_bad_stored_values_fall_back_to_defaults(qapp, tmp_path):
    s = Settings(tmp_path / "s.ini")
    s.put(None, "last_offset", "not a number")
    s.put(None, "splitter", ["x", "y"])
    assert s.get_int(None, "last_offset", 7) == 7
    assert s.get_ints(None, "splitter") == []
    assert s.get_bytes(None, "geometry") is None
    assert s.snap_to_words is True
    s.snap_to_words = False
    assert Settings(tmp_path / "s.ini").snap_to_words is False


def test_project_key_is_the_sha1_of_the_resolved_path(tmp_path):
    # Qt's SHA-1 replaced hashlib's (start-up time): keys saved before must still match
    import hashlib

    for name in ("p.db", "émoji 😀 dir/p.annotator.db"):
        path = tmp_path / name
        resolved = str(path.expanduser().resolve())
        assert project_key(path) == "p" + hashlib.sha1(resolved.encode("utf-8")).hexdigest()[:16]
    assert project_key(None) == "memory"
