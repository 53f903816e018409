"""The full report: shape, JSON, definitions, counts, per-document order, gold."""

from __future__ import annotations

import json

import pytest

from annotator.agreement import Corpus, disagreements
from annotator.agreement.report import DEFINITIONS, full_report
from annotator.domain.model import GOLD

from .helpers import doc, frame, layer, span

TEXT = ("Officials said on Tuesday that the talks failed. Critics, including Senator Smith, "
        "argued the opposite in a statement.")


def corpus_layers():
    d1 = doc(TEXT, "d1")
    d2 = doc("The minister said nothing. Reporters were told otherwise.", "d2")
    a = [span(d1, "a", "SOURCE", (0, 9), sid="a1"), span(d1, "a", "CUE", (10, 14), sid="a2"),
         span(d1, "a", "CONTENT", (31, 47), sid="a3")]
    b = [span(d1, "b", "SOURCE", (0, 9), sid="b1"), span(d1, "b", "CUE", (10, 17), sid="b2"),
         span(d1, "b", "SOURCE", (31, 47), sid="b3")]
    fa = frame(d1, "a", a[1], (a[0],), (a[2],), "AGAINST", fid="fa")
    fb = frame(d1, "b", b[1], (b[0],), (b[2],), "AGAINST", fid="fb")
    a2 = [span(d2, "a", "SOURCE", (0, 12), sid="a4")]
    b2 = [span(d2, "b", "SOURCE", (0, 12), sid="b4")]
    gold = [span(d1, GOLD, "SOURCE", (0, 9), sid="g1"), span(d1, GOLD, "CUE", (10, 14),
                                                               sid="g2")]
    layers = [layer(d1, "a", a, [fa]), layer(d1, "b", b, [fb]), layer(d2, "a", a2),
              layer(d2, "b", b2), layer(d1, GOLD, gold)]
    return [d1, d2], layers


def test_report_is_json_and_has_every_section() -> None:
    docs, layers = corpus_layers()
    r = full_report(docs, layers)
    assert json.loads(json.dumps(r)) == r
    assert r["annotators"] == ["a", "b"] and r["gold"] == GOLD
    assert r["labels"] == ["CONTENT", "CUE", "SOURCE"]
    assert r["definitions"] == DEFINITIONS
    for section in ("tokens", "unitizing", "spans", "frames", "disagreements",
                    "per_document", "vs_gold"):
        assert section in r
    assert r["documents"] == {"total": 2, "annotated_by": {"a": 2, "b": 2, GOLD: 1},
                              "annotated_by_all": 2}


def test_span_figures_and_counts() -> None:
    docs, layers = corpus_layers()
    r = full_report(docs, layers)
    exact = r["spans"]["exact"]["pairs"]["a|b"]
    overlap = r["spans"]["overlap"]["pairs"]["a|b"]
    assert exact["annotators"] == ["a", "b"] and exact["documents"] == 2
    assert exact["all"]["matched"] == 2 and exact["all"]["reference_spans"] == 4
    assert overlap["all"]["matched"] == 3  # the CUE pair overlaps
    assert overlap["labels"]["CUE"]["f1"] == 1.0 and exact["labels"]["CUE"]["f1"] == 0.0
    assert overlap["labels"]["CONTENT"]["recall"] == 0.0
    assert overlap["labels"]["CONTENT"]["precision"] is None  # b has no CONTENT span
    assert r["spans"]["overlap"]["all_pairs"]["all"] == overlap["all"]
    counts = r["disagreements"]["counts"]
    assert counts["by_pair"]["a|b"]["boundary"] == 2  # CUE span + frame cue role
    assert counts["by_pair"]["a|b"]["label"] == 1
    assert counts["by_type"]["label"] == 1
    assert counts["by_label"]["CONTENT"]["label"] == 1
    # the counts are those of the records
    recs = [x for x in disagreements(Corpus.build(docs, layers)) if x.annotators == ("a", "b")]
    assert sum(counts["by_pair"]["a|b"].values()) == len(recs)


def test_frames_and_stance() -> None:
    docs, layers = corpus_layers()
    r = full_report(docs, layers)
    pair = r["frames"]["pairs"]["a|b"]
    assert pair["aligned"] == 1 and pair["f1"] == 1.0
    assert pair["roles"]["cue"] == {"exact": 0.0, "dice": 2 * 4 / 11, "pairs": 1,
                                    "identical": 0}
    assert pair["roles"]["source"]["exact"] == 1.0
    assert pair["stance"]["units"] == 1 and pair["stance"]["observed_agreement"] == 1.0
    assert r["frames"]["stance"]["units"] == 1


def test_per_document_rows_sorted_by_lowest_agreement() -> None:
    docs, layers = corpus_layers()
    rows = full_report(docs, layers)["per_document"]
    assert [row["document_id"] for row in rows] == ["d1", "d2"]
    assert rows[1]["token_alpha"] == 1.0 and rows[1]["disagreements"] == 0
    # span boundary (CUE), span label (CONTENT vs SOURCE), frame cue boundary
    assert rows[0]["token_alpha"] < 1.0 and rows[0]["disagreements"] == 3
    assert rows[0]["by_type"]["label"] == 1 and rows[0]["annotators"] == ["a", "b"]


def test_vs_gold() -> None:
    docs, layers = corpus_layers()
    g = full_report(docs, layers)["vs_gold"]
    assert set(g) == {"a", "b"}
    a = g["a"]
    assert a["documents"] == 1
    assert a["spans"]["exact"]["all"]["precision"] == pytest.approx(2 / 3)
    assert a["spans"]["exact"]["all"]["recall"] == 1.0
    assert a["disagreements"]["spurious"] >= 1  # a's CONTENT and frame are not in gold
    assert g["b"]["spans"]["exact"]["all"]["matched"] == 1
    assert -1.0 <= a["token_cohen_kappa"] <= 1.0


def test_no_gold_section_without_gold() -> None:
    docs, layers = corpus_layers()
    r = full_report(docs, [x for x in layers if x.annotator != GOLD])
    assert r["gold"] is None and r["vs_gold"] is None


def test_selection_of_annotators_and_labels() -> None:
    docs, layers = corpus_layers()
    r = full_report(docs, layers, annotators=["a", GOLD], labels=["SOURCE"])
    assert r["annotators"] == ["a", GOLD] and r["gold"] is None
    assert r["labels"] == ["SOURCE"]
    assert list(r["spans"]["exact"]["pairs"]) == ["a|gold"]
    # gold annotated only d1
    assert r["spans"]["exact"]["pairs"]["a|gold"]["documents"] == 1
    d1_tokens = next(x["tokens"] for x in r["per_document"] if x["document_id"] == "d1")
    assert r["tokens"]["overall"]["pairs"]["a|gold"]["units"] == d1_tokens
    assert set(r["tokens"]["labels"]) == {"SOURCE"}


def test_records_on_request() -> None:
    docs, layers = corpus_layers()
    r = full_report(docs, layers, include_disagreements=True)
    recs = r["disagreements"]["records"]
    assert {x["type"] for x in recs} >= {"boundary", "label", "spurious"}
    first = recs[0]
    assert set(first) >= {"document_id", "type", "kind", "annotators", "items", "offsets",
                          "start", "end", "paragraph"}
    assert "records" not in full_report(docs, layers)["disagreements"]


def test_single_annotator_has_no_pairs() -> None:
    docs, layers = corpus_layers()
    r = full_report(docs, [x for x in layers if x.annotator == "a"])
    assert r["tokens"]["overall"]["alpha"] is None
    assert r["spans"]["exact"]["pairs"] == {}
    assert r["unitizing"]["alpha"] is None
    assert all(row["token_alpha"] is None for row in r["per_document"])


def test_sections_carry_their_definitions() -> None:
    docs, layers = corpus_layers()
    r = full_report(docs, layers)
    assert r["tokens"]["definitions"]["token_alpha"] == DEFINITIONS["token_alpha"]
    assert "unitizing_alpha" in r["unitizing"]["definitions"]
    assert "span_overlap" in r["spans"]["definitions"]
    assert "stance" in r["frames"]["definitions"]
    assert "disagreements" in r["disagreements"]["definitions"]
    assert set(r["vs_gold"]) == {"a", "b"}  # keyed by annotator only


def test_stance_figures_over_frame_units() -> None:
    from annotator.agreement import cohen_kappa, fleiss_kappa_ratings, krippendorff_alpha

    d = doc(TEXT, "d1")
    # three attributions (cues at three places), three annotators, stance per annotator
    cues = [(10, 14), (57, 66), (84, 90)]
    stances = {"a": ["AGAINST", "FAVOR", "NEUTRAL"],
               "b": ["AGAINST", "FAVOR", "FAVOR"],
               "c": ["AGAINST", None, "NEUTRAL"]}
    layers = []
    for ann, values in stances.items():
        spans, frames = [], []
        for k, ((s, e), st) in enumerate(zip(cues, values, strict=True)):
            cue = span(d, ann, "CUE", (s, e), sid=f"{ann}c{k}")
            con = span(d, ann, "CONTENT", (e + 1, e + 5), sid=f"{ann}t{k}")
            spans += [cue, con]
            frames.append(frame(d, ann, cue, (), (con,), st, fid=f"{ann}f{k}"))
        layers.append(layer(d, ann, spans, frames))
    r = full_report([d], layers)
    rows = [stances[a] for a in ("a", "b", "c")]
    st = r["frames"]["stance"]
    assert st["units"] == 3 and st["complete_units"] == 2
    assert st["alpha"] == pytest.approx(krippendorff_alpha(rows))
    complete = [[row[0], row[2]] for row in rows]
    assert st["fleiss_kappa"] == pytest.approx(fleiss_kappa_ratings(complete))
    ab = r["frames"]["pairs"]["a|b"]["stance"]
    assert ab["units"] == 3
    assert ab["cohen_kappa"] == pytest.approx(cohen_kappa(stances["a"], stances["b"]))
    assert r["frames"]["pairs"]["a|c"]["stance"]["units"] == 2  # c's second stance unset
