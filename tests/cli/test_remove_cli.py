"""``annotator remove``: documents go with everything in them, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.cli import main as cli_main
from annotator.domain.model import GOLD
from annotator.store.project import Project
from tests.conftest import make_doc
from tests.seed_review import make_two_projects


def test_remove_documents_dry_run_and_all_or_nothing(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture) -> None:
    alice, bob, doc = make_two_projects(tmp_path)
    p = ["--project", str(alice)]
    assert cli_main(["merge", str(bob), *p]) == 0
    assert cli_main(["adjudicate", *p, "--by", "lead", "agreed"]) == 0
    with Project.open(alice) as project:
        project.add_documents([make_doc("Another text.", "two")])
        spans = len(project.spans(doc))
    capsys.readouterr()

    assert cli_main(["remove", doc, "--dry-run", *p]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"would remove {doc}: {spans} span(s), ")
    assert "in 3 layer(s), 5 decision record(s)" in out
    assert cli_main(["remove", doc, "nope", *p]) == 2  # one unknown id: nothing goes
    assert "no document 'nope'" in capsys.readouterr().err
    with Project.open(alice) as project:
        assert project.count_documents() == 2 and len(project.spans(doc)) == spans

    assert cli_main(["remove", doc, "two", *p]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        "removed two: 0 span(s), 0 frame(s) in 0 layer(s), 0 decision record(s)")
    with Project.open(alice) as project:
        assert project.count_documents() == 0 and project.spans(doc) == []
        assert project.frames(doc, GOLD) == [] and project.all_provenance() == []
    assert cli_main(["remove", doc, "--project", str(tmp_path / "none.db")]) == 2
    assert not (tmp_path / "none.db").exists()
