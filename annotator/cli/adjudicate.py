"""``annotator adjudicate list|decide|agreed|undo|show``: build the gold layer from the CLI.

Units (items of several annotators aligned on one document, see
:mod:`annotator.agreement.units`) are named by a short stable key that ``list`` prints.

- ``list [--all]``: open units (disagreements not yet decided), or every unit with
  ``--all``, each annotator's item shown.
- ``decide KEY accept ANNOTATOR | union | intersection | reject | edit ...``: one decision,
  with ``--rationale``; ``--label`` (union/intersection/edit), ``--span S-E[,S-E]`` (edit
  a span), ``--set NAME=VALUE`` (edit a frame attribute, e.g. ``stance=AGAINST``),
  ``--among A,B`` (union/intersection over some annotators only).
- ``agreed``: accept every undecided unit on which all annotators agree, in one
  transaction (rationale "unanimous").
- ``undo KEY``: remove the decision recorded on that unit.
- ``show``: the gold items and their provenance.
"""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Sequence

from ..agreement.adjudication import DECISIONS, Decision
from ..agreement.units import DocumentUnits, Unit, document_units
from ..domain.errors import AnnotatorError, InputError
from ..domain.model import GOLD
from ..home import open_project
from ..store.project import Project
from .projectdata import apply_decision, describe, gold_state, load_corpus


def register(sub: argparse._SubParsersAction) -> None:
    from . import add_project_arg

    p = sub.add_parser("adjudicate", help="decide disagreements into the gold layer",
                       description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    add_project_arg(p)
    p.add_argument("--annotators", metavar="A,B", help="annotators to compare (default: all)")
    p.add_argument("--documents", metavar="D1,D2", help="documents (default: all)")
    p.add_argument("--by", metavar="NAME", default=None,
                   help="who decides (default: the login name)")
    acts = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = acts.add_parser("list", help="units still to decide")
    ls.add_argument("--all", action="store_true", help="every unit, decided and agreed ones too")
    d = acts.add_parser("decide", help="decide one unit")
    d.add_argument("key")
    d.add_argument("decision", choices=DECISIONS)
    d.add_argument("annotator", nargs="?", help="accept/edit: whose item")
    d.add_argument("--label")
    d.add_argument("--span", metavar="S-E[,S-E]", help="edit: the gold span's fragments")
    d.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="edit: a frame (or span) attribute; NAME= removes it")
    d.add_argument("--among", metavar="A,B", help="union/intersection over these only")
    d.add_argument("--rationale", default="")
    acts.add_parser("agreed", help="accept every unanimous unit")
    u = acts.add_parser("undo", help="undo the decision on a unit")
    u.add_argument("key")
    acts.add_parser("show", help="gold items with their provenance")
    p.set_defaults(func=run)


def _names(raw: str | None) -> list[str] | None:
    return [x.strip() for x in raw.split(",") if x.strip()] if raw else None


def run(args: argparse.Namespace) -> int:
    by = args.by or getpass.getuser() or "adjudicator"
    with open_project(args.project, seed=False, create=False) as project:
        all_units = _all_units(project, _names(args.annotators), _names(args.documents))
        if args.action == "list":
            return _list(project, all_units, args.all)
        if args.action == "agreed":
            return _agreed(project, all_units, by)
        if args.action == "show":
            return _show(project, [u.document.id for u in all_units])
        units, unit = _find(all_units, args.key)
        if args.action == "undo":
            change = project.recorded_change(units.document.id, unit.item_ids)
            if change is None:
                raise AnnotatorError(f"unit {args.key} has no decision to undo")
            project.undo_gold(change)
            print(f"undone: {change.decision} on {args.key} ({len(change.spans)} gold span(s),"
                  f" {len(change.frames)} gold frame(s) removed)")
            return 0
        try:
            decision = _decision(args)
            change = apply_decision(project, units, unit, decision, by)
        except ValueError as exc:
            raise InputError(f"unit {args.key}", None, str(exc)) from None
        print(f"{args.key}: {decision.kind}"
              f"{' ' + decision.annotator if decision.annotator else ''} -> "
              f"{len(change.spans)} gold span(s), {len(change.frames)} gold frame(s)")
        spans = dict(units.spans) | {s.id: s for s in change.spans}
        for s in change.spans:
            print(f"  + {describe(s, spans)}")
        for f in change.frames:
            print(f"  + {describe(f, spans | _gold_spans(project, units.document.id))}")
    return 0


def _gold_spans(project: Project, doc_id: str) -> dict:
    return {s.id: s for s in project.spans(doc_id, GOLD)}


def _all_units(project: Project, annotators: list[str] | None,
               documents: list[str] | None) -> list[DocumentUnits]:
    corpus = load_corpus(project, annotators, documents)
    if len(corpus.annotators) < 1:
        raise AnnotatorError("no annotator layers to adjudicate")
    return [document_units(corpus, d.id) for d in corpus.documents
            if sum(corpus.has(d.id, a) for a in corpus.annotators) >= 1]


def _find(all_units: Sequence[DocumentUnits], key: str) -> tuple[DocumentUnits, Unit]:
    for du in all_units:
        unit = du.find(key)
        if unit is not None:
            return du, unit
    raise AnnotatorError(f"no unit {key!r}; `annotator adjudicate list --all` shows the keys")


def _decision(args: argparse.Namespace) -> Decision:
    fragments = None
    if args.span:
        try:
            fragments = tuple((int(a), int(b)) for a, b in
                              (part.split("-") for part in args.span.split(",")))
        except ValueError:
            raise ValueError(f"--span {args.span!r}: expected START-END[,START-END]") from None
    attrs = None
    if args.set:
        attrs = {}
        for item in args.set:
            name, sep, value = item.partition("=")
            if not sep or not name:
                raise ValueError(f"--set {item!r}: expected NAME=VALUE")
            attrs[name] = value or None
    return Decision(args.decision, annotator=args.annotator, label=args.label,
                    fragments=fragments, attributes=attrs, among=tuple(_names(args.among))
                    if args.among else None, rationale=args.rationale)


def _list(project: Project, all_units: Sequence[DocumentUnits], show_all: bool) -> int:
    shown = open_ = 0
    for du in all_units:
        state = gold_state(project, du.document.id)
        for u in du.units:
            decided = state.is_decided(u)
            if not decided and not u.agreed:
                open_ += 1
            if not show_all and (decided or u.agreed):
                continue
            shown += 1
            status = "decided" if decided else ("agreed" if u.agreed else "open")
            kinds = ", ".join(u.types) or "all agree"
            print(f"{u.key}  {du.document.id} ¶{u.paragraph + 1}  {u.kind:<5}  {status:<7}  "
                  f"{kinds}")
            for ann in du.annotators:
                item = u.item(ann)
                print(f"    {ann:<12} {describe(item, du.spans) if item else '(nothing)'}")
    print(f"{open_} open unit(s)" + ("" if show_all else f"; {shown} listed"))
    return 0


def _agreed(project: Project, all_units: Sequence[DocumentUnits], by: str) -> int:
    n = 0
    with project.transaction():
        for du in all_units:
            # spans first, so that frames reuse the gold spans
            for u in sorted(du.units, key=lambda x: x.kind != "span"):
                if not u.agreed or len(du.annotators) < 2:
                    continue
                if gold_state(project, du.document.id).is_decided(u):
                    continue
                apply_decision(project, du, u, Decision("accept", annotator=u.items[0][0],
                                                        rationale="unanimous"), by)
                n += 1
    print(f"unanimous units accepted into gold: {n}")
    return 0


def _show(project: Project, doc_ids: Sequence[str]) -> int:
    n = 0
    for doc_id in doc_ids:
        spans = _gold_spans(project, doc_id)
        for p in project.provenance_for_document(doc_id):
            n += 1
            used = ", ".join(f"{s.annotator}:{s.id[:8]}" for s in p.sources if s.used) or "-"
            if p.decision == "reject":
                what = "(rejected: " + ", ".join(s.annotator for s in p.sources) + ")"
            elif p.item_kind == "span" and p.item_id in spans:
                what = describe(spans[p.item_id], spans)
            else:
                what = "attribution " + describe(project.frame(p.item_id), spans)
            print(f"{doc_id}  {p.decision:<12} {what}")
            print(f"    from {used}; by {p.decided_by} at {p.decided_at}"
                  + (f"; rationale: {p.rationale}" if p.rationale else ""))
    print(f"gold decisions: {n}")
    return 0
