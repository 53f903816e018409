"""``annotator agreement [--project P] [--annotators A,B] [--labels L,M] [--documents D,E]
[--json OUT] [--records]``: inter-annotator agreement as a readable table, and every figure
with its definition as JSON (:func:`annotator.agreement.report.corpus_report`).

Layers are read with ``Project.all_layers``; labels default to the schema's, in schema
order (that order breaks token ties). Unknown annotators, labels or documents exit 2.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..agreement.disagreements import TYPES
from ..agreement.report import corpus_report
from ..domain.errors import AnnotatorError
from ..home import open_project
from .projectdata import load_corpus


def register(sub: argparse._SubParsersAction) -> None:
    from . import add_project_arg

    p = sub.add_parser("agreement", help="inter-annotator agreement (table, JSON)",
                       description="Measure agreement between annotators: token kappa/alpha, "
                       "alpha-U, span P/R/F1, frames and stance, typed disagreements.")
    add_project_arg(p)
    p.add_argument("--annotators", metavar="A,B,...", help="annotators to compare "
                   "(default: every annotator except gold; gold is compared with each)")
    p.add_argument("--labels", metavar="L,M,...", help="span labels (default: the schema's)")
    p.add_argument("--documents", metavar="D,E,...", help="document ids (default: all)")
    p.add_argument("--json", metavar="OUT", help="write the full report as JSON to OUT "
                   "('-' for standard output)")
    p.add_argument("--records", action="store_true",
                   help="include every typed disagreement record in the JSON")
    p.add_argument("--worst", type=int, default=10, metavar="N",
                   help="documents listed with the lowest agreement (default 10)")
    p.set_defaults(func=run)


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    items = [x.strip() for x in value.split(",") if x.strip()]
    return items or None


def _check(kind: str, wanted: Sequence[str] | None, known: Sequence[str]) -> None:
    if wanted is None:
        return
    unknown = [x for x in wanted if x not in set(known)]
    if unknown:
        raise AnnotatorError(f"unknown {kind}: {', '.join(unknown)} (known: "
                             f"{', '.join(known) or 'none'})")


def run(args: argparse.Namespace) -> int:
    annotators = _split(args.annotators)
    labels = _split(args.labels)
    documents = _split(args.documents)
    with open_project(args.project, seed=False, create=False) as project:
        _check("annotator", annotators, project.annotators())
        _check("label", labels, project.schema.label_names)
        _check("document", documents, [d.id for d in project.documents()])
        corpus = load_corpus(project, annotators, documents, labels)
        report = corpus_report(corpus, include_disagreements=args.records)
        report["project"] = {"path": str(project.path) if project.path else None,
                             "schema": {"name": project.schema.name,
                                        "version": project.schema.version}}
    if args.json:
        text = json.dumps(report, indent=1, ensure_ascii=False)
        if args.json == "-":
            print(text)
            return 0
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    print_table(report, args.worst)
    if args.json:
        print(f"\nfull report written to {args.json}")
    return 0


def fmt(x: Any, width: int = 7) -> str:
    if x is None:
        return "–".rjust(width)
    if isinstance(x, float):
        return f"{x:.3f}".rjust(width)
    return str(x).rjust(width)


def print_table(r: dict[str, Any], worst: int = 10) -> None:
    anns = r["annotators"]
    docs = r["documents"]
    print(f"annotators: {', '.join(anns) or 'none'}" + (f"   (gold layer: {r['gold']})"
                                                        if r["gold"] else ""))
    print(f"documents: {docs['total']}, annotated by all: {docs['annotated_by_all']}   "
          f"tokens: {r['tokens']['tokens']:,}")
    print(f"labels: {', '.join(r['labels']) or 'none'}")
    if len(anns) < 2:
        print("\nfewer than two annotators: no inter-annotator figures")
    else:
        _print_peers(r, worst)
    if r.get("vs_gold"):
        _print_gold(r)


def _print_peers(r: dict[str, Any], worst: int) -> None:
    tok, uni = r["tokens"], r["unitizing"]
    ex, ov = r["spans"]["exact"]["all_pairs"], r["spans"]["overlap"]["all_pairs"]
    dis = r["disagreements"]["counts"]["by_label"]
    print("\nper label             tok-alpha  Fleiss  alpha-U  F1-exact  F1-overlap  "
          + "  ".join(t[:8].rjust(8) for t in TYPES[:4]))
    for label in r["labels"]:
        t = tok["labels"][label]
        counts = dis.get(label, {})
        print(f"  {label:<20}{fmt(t['alpha'], 9)}{fmt(t['fleiss_kappa'], 8)}"
              f"{fmt(uni['labels'][label]['alpha'], 9)}"
              f"{fmt(ex['labels'][label]['f1'], 10)}{fmt(ov['labels'][label]['f1'], 12)}  "
              + "  ".join(fmt(counts.get(x, 0), 8) for x in TYPES[:4]))
    o = tok["overall"]
    print(f"  {'all (labels + O)':<20}{fmt(o['alpha'], 9)}{fmt(o['fleiss_kappa'], 8)}"
          f"{fmt(uni['alpha'], 9)}{fmt(ex['all']['f1'], 10)}{fmt(ov['all']['f1'], 12)}")
    print(f"  units: {o['units']:,} tokens with >= 2 labels; alpha-U over "
          f"{uni['documents']} documents, {uni['length']:,} characters")
    print("\nper pair              tok-kappa  alpha-U  F1-exact  F1-overlap  frames-F1  "
          "stance-kappa  disagreements")
    for key, p in tok["overall"]["pairs"].items():
        fr = r["frames"]["pairs"][key]
        n = sum(r["disagreements"]["counts"]["by_pair"][key].values())
        print(f"  {key:<20}{fmt(p['cohen_kappa'], 9)}"
              f"{fmt(uni['pairs'][key]['alpha'], 9)}"
              f"{fmt(r['spans']['exact']['pairs'][key]['all']['f1'], 10)}"
              f"{fmt(r['spans']['overlap']['pairs'][key]['all']['f1'], 12)}"
              f"{fmt(fr['f1'], 11)}{fmt(fr['stance']['cohen_kappa'], 14)}{fmt(n, 15)}")
    roles, st = r["frames"]["roles"], r["frames"]["stance"]
    print("\nframes: role boundaries identical (dice) — " + ", ".join(
        f"{role} {fmt(v['exact'], 0).strip()} ({fmt(v['dice'], 0).strip()}; n={v['pairs']})"
        for role, v in roles.items()))
    print(f"stance on aligned frames: alpha {fmt(st['alpha'], 0).strip()} over {st['units']} "
          f"units, Fleiss {fmt(st['fleiss_kappa'], 0).strip()} over {st['complete_units']}")
    by_type = r["disagreements"]["counts"]["by_type"]
    print("disagreements: " + ", ".join(f"{t} {by_type[t]}" for t in TYPES))
    rows = [d for d in r["per_document"] if d["token_alpha"] is not None][:worst]
    if rows:
        print(f"\nlowest agreement ({len(rows)} of {len(r['per_document'])} documents)")
        print("  document              tok-alpha   span-F1  disagreements  title")
        for d in rows:
            print(f"  {d['document_id'][:20]:<20}{fmt(d['token_alpha'], 10)}"
                  f"{fmt(d['span_f1'], 10)}{fmt(d['disagreements'], 15)}  "
                  f"{' '.join(d['title'].split())[:40]}")


def _print_gold(r: dict[str, Any]) -> None:
    print("\nagainst gold         tok-kappa  alpha-U  P-overlap  R-overlap  F1-overlap  "
          "disagreements")
    for ann, g in r["vs_gold"].items():
        sp = g["spans"]["overlap"]["all"]
        print(f"  {ann:<20}{fmt(g['token_cohen_kappa'], 9)}"
              f"{fmt(g['unitizing']['alpha'], 9)}{fmt(sp['precision'], 11)}"
              f"{fmt(sp['recall'], 11)}{fmt(sp['f1'], 12)}"
              f"{fmt(sum(g['disagreements'].values()), 15)}")
