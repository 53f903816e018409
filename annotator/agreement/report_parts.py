"""Builders for :mod:`.report`: one pass over the corpus collects every count, then each
section is turned into plain data. Definitions live in :data:`.report.DEFINITIONS`."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

import numpy as np

from ..domain.model import STANCES
from .coefficients import MISSING, alpha_codes, cohen_kappa_codes, fleiss_kappa_codes
from .corpus import Corpus
from .definitions import for_section
from .disagreements import (
    BOUNDARY,
    LABEL,
    MISSED,
    SPURIOUS,
    STANCE,
    TYPES,
    Disagreement,
    PairComparison,
    _Para,
    compare_pair,
)
from .frames import ROLES, FrameUnits, RoleAgreement, stance_of
from .spans import PRF
from .table import FragmentTable, TokenTable
from .tokens import TokenGrid, per_document_alpha, token_agreement, token_grid
from .unitizing import UnitizingResult, unitizing_agreement

_LABEL = attrgetter("label")


def num(x: float | None) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def key(pair: Sequence[str]) -> str:
    return f"{pair[0]}|{pair[1]}"


@dataclass
class PairStats:
    """Everything counted for one (reference, compared) pair over the corpus."""

    pair: tuple[str, str]
    documents: int = 0
    exact: dict[str, PRF] = field(default_factory=dict)
    overlap: dict[str, PRF] = field(default_factory=dict)
    frames_ref: int = 0
    frames_cmp: int = 0
    frames_aligned: int = 0
    roles: dict[str, RoleAgreement] = field(default_factory=dict)
    stance: list[tuple[str, str]] = field(default_factory=list)
    types: Counter[str] = field(default_factory=Counter)
    by_label: Counter[tuple[str, str]] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.roles = {r: RoleAgreement() for r in ROLES}


class Collector:
    """One pass over documents x pairs; holds the token grid and unitizing results."""

    def __init__(self, corpus: Corpus, keep_records: bool = False) -> None:
        self.corpus = corpus
        self.keep_records = keep_records
        self.records: list[Disagreement] = []
        self.peer_pairs = corpus.pairs()
        self.gold_pairs = corpus.gold_pairs()
        self.stats = {p: PairStats(p, exact=_prf(corpus.labels), overlap=_prf(corpus.labels))
                      for p in self.peer_pairs + self.gold_pairs}
        self.doc_rows: list[dict[str, Any]] = []
        self.stance_units: list[dict[str, str | None]] = []
        self.grid: TokenGrid | None = None
        self._labels: dict[str, Counter[str]] = {}  # per document: labels per annotator
        self.unitizing: dict[str, tuple[UnitizingResult, list[str]]] = {}

    def run(self) -> None:
        c = self.corpus
        table = FragmentTable(c)
        toks = TokenTable.build(c, table.doc_offset)
        rows = c.annotators + ((c.gold,) if c.gold else ())
        self.grid = token_grid(c, rows, table, toks)
        self.unitizing["*"] = unitizing_agreement(c, c.annotators, table)
        for pair in self.peer_pairs + self.gold_pairs:
            self.unitizing[key(pair)] = unitizing_agreement(c, pair, table)
        doc_alpha = per_document_alpha(self.grid, c.annotators)
        for i, doc in enumerate(c.documents):
            self._document(i, doc, doc_alpha[i])

    def _document(self, index: int, doc: Any, alpha: float | None) -> None:
        c = self.corpus
        para = _Para(doc) if self.keep_records else None
        units = FrameUnits()
        doc_prf = PRF()
        doc_types: Counter[str] = Counter()
        present = [a for a in c.annotators if c.has(doc.id, a)]
        for a in present:
            for f in c.frames(doc.id, a):
                units.add(f)
        cache: dict = {}
        self._labels = {a: Counter(map(_LABEL, c.spans(doc.id, a)))
                        for a in c.annotators + ((c.gold,) if c.gold else ())}
        for pair in self.peer_pairs + self.gold_pairs:
            ref, cmp = pair
            if not (c.has(doc.id, ref) and c.has(doc.id, cmp)):
                continue
            pc = compare_pair(c, doc, ref, cmp, cache=cache)
            st = self.stats[pair]
            st.documents += 1
            peer = pair not in self.gold_pairs
            self._spans(pc, st, doc_prf if peer else None)
            self._span_types(pc, st, doc_types if peer else None)
            self._frames(pc, st, units if peer else None, doc_types if peer else None)
            if self.keep_records:
                self.records += pc.records(para)
        for group in units.groups():
            if len(group) >= 2:
                self.stance_units.append({a: stance_of(f) for a, f in group.items()})
        self.doc_rows.append({
            "document_id": doc.id, "title": doc.title, "annotators": present,
            "tokens": int(self.grid.doc_bounds[index + 1] - self.grid.doc_bounds[index]),
            "token_alpha": alpha, "span_f1": num(doc_prf.f1) if doc_prf.reference
            + doc_prf.compared else None,
            "disagreements": sum(doc_types.values()),
            "by_type": {t: doc_types.get(t, 0) for t in TYPES},
        })

    def _spans(self, pc: PairComparison, st: PairStats, doc_prf: PRF | None) -> None:
        ref_labels = self._labels[pc.reference]
        cmp_labels = self._labels[pc.compared]
        for label, n in ref_labels.items():
            st.exact[label].reference += n
            st.overlap[label].reference += n
        for label, n in cmp_labels.items():
            st.exact[label].compared += n
            st.overlap[label].compared += n
        matched = 0
        for m in pc.same.matches:
            st.overlap[m.a.label].matched += 1
            matched += 1
            if m.exact:
                st.exact[m.a.label].matched += 1
        if doc_prf is not None:
            doc_prf.add(PRF(matched, sum(ref_labels.values()), sum(cmp_labels.values())))

    @staticmethod
    def _span_types(pc: PairComparison, st: PairStats, doc_types: Counter[str] | None
                    ) -> None:
        """Count the typed span disagreements of :meth:`PairComparison.counts` (same
        order, so the counters list labels and types in the same order)."""
        types, by_label = st.types, st.by_label
        found: list[tuple[str, str]] = [(BOUNDARY, m.a.label) for m in pc.same.matches
                                         if not m.exact]
        found += [(LABEL, m.a.label) for m in pc.blind.matches]
        found += [(MISSED, x.label) for x in pc.blind.only_a]
        found += [(SPURIOUS, t.label) for t in pc.blind.only_b]
        for (typ, label), n in Counter(found).items():  # first-seen order, as counts()
            types[typ] += n
            by_label[(label or "(frame)", typ)] += n
            if doc_types is not None:
                doc_types[typ] += n

    @staticmethod
    def _frames(pc: PairComparison, st: PairStats, units: FrameUnits | None,
                doc_types: Counter[str] | None) -> None:
        """Frame figures of the pair, and its typed frame disagreements counted (as
        :meth:`PairComparison.counts` counts them, in the same order)."""
        al = pc.frames
        if al is None:
            return
        st.frames_aligned += len(al.matches)
        st.frames_ref += len(al.matches) + len(al.only_a)
        st.frames_cmp += len(al.matches) + len(al.only_b)
        roles = [(role, st.roles[role]) for role in ROLES]
        extents = al.extents
        found: list[str] = []
        for m in al.matches:
            xa, xb = extents[m.a.id], extents[m.b.id]
            for role, agg in roles:
                ea, eb = xa[role], xb[role]
                if ea == eb:  # RoleAgreement.add_pair for identical extents, inline
                    if ea:
                        agg.pairs += 1
                        agg.exact += 1
                        agg.dice_sum += 1.0
                elif len(ea) == 1 and len(eb) == 1:  # add_pair for two single extents
                    (a0, a1), (b0, b1) = ea[0], eb[0]
                    agg.pairs += 1
                    total = (a1 - a0) + (b1 - b0)
                    ov = max(0, min(a1, b1) - max(a0, b0))
                    agg.dice_sum += 2 * ov / total if total else 0.0
                    found.append(BOUNDARY)
                else:
                    agg.add_pair(ea, eb)
                    found.append(BOUNDARY)
            va, vb = stance_of(m.a), stance_of(m.b)
            if va != vb:
                found.append(STANCE)
            if va and vb:
                st.stance.append((va, vb))
            if units is not None:
                units.join(m.a, m.b)
        found += [MISSED for f in al.only_a if any(extents[f.id].values())]
        found += [SPURIOUS for f in al.only_b if any(extents[f.id].values())]
        types, by_label = st.types, st.by_label
        for typ, n in Counter(found).items():
            types[typ] += n
            by_label[("(frame)", typ)] += n
            if doc_types is not None:
                doc_types[typ] += n


def _prf(labels: Sequence[str]) -> dict[str, PRF]:
    return {label: PRF() for label in labels}


def _prf_section(counts: dict[str, PRF]) -> dict[str, Any]:
    total = PRF()
    for c in counts.values():
        total.add(c)
    return {"labels": {label: c.as_dict() for label, c in counts.items()},
            "all": total.as_dict()}


def _unitizing_dict(res: UnitizingResult, docs: list[str]) -> dict[str, Any]:
    return {"alpha": num(res.alpha), "annotators": list(res.coders), "documents": len(docs),
            "length": res.length,
            "labels": {label: {"alpha": num(c.alpha), "observed": c.observed,
                               "expected": c.expected, "units": c.units}
                       for label, c in res.categories.items()}}


def _stance_pair(st: PairStats) -> dict[str, Any]:
    a = [x for x, _ in st.stance]
    b = [y for _, y in st.stance]
    kappa = math.nan
    if st.stance:  # cohen_kappa(a, b, categories=domain), without its general encoding
        domain = _stance_domain(a + b)
        code = {v: k for k, v in enumerate(domain)}
        kappa = cohen_kappa_codes(np.array([code[x] for x in a], dtype=np.int64),
                                  np.array([code[y] for y in b], dtype=np.int64), len(domain))
    agree = sum(1 for x, y in st.stance if x == y)
    return {"cohen_kappa": num(kappa), "units": len(st.stance),
            "observed_agreement": agree / len(st.stance) if st.stance else None}


def _stance_domain(values: Sequence[str]) -> list[str]:
    extra = sorted(set(values) - set(STANCES))
    return list(STANCES) + extra


def _frames_pair(st: PairStats) -> dict[str, Any]:
    total = st.frames_ref + st.frames_cmp
    return {"annotators": list(st.pair), "documents": st.documents,
            "reference_frames": st.frames_ref, "compared_frames": st.frames_cmp,
            "aligned": st.frames_aligned,
            "f1": 2 * st.frames_aligned / total if total else None,
            "roles": {r: st.roles[r].as_dict() for r in ROLES},
            "stance": _stance_pair(st)}


def summary_sections(col: Collector) -> dict[str, Any]:
    c = col.corpus
    peers = col.peer_pairs
    tokens = token_agreement(col.grid, c.annotators)
    tokens["tokens"] = col.grid.n_tokens
    res, docs = col.unitizing["*"]
    unitizing = _unitizing_dict(res, docs)
    unitizing["pairs"] = {key(p): _unitizing_dict(*col.unitizing[key(p)]) for p in peers}
    spans: dict[str, Any] = {}
    for mode in ("exact", "overlap"):
        pairs = {}
        pooled = _prf(c.labels)
        for p in peers:
            st = col.stats[p]
            entry = _prf_section(getattr(st, mode))
            entry.update(annotators=list(p), documents=st.documents)
            pairs[key(p)] = entry
            for label, cnt in getattr(st, mode).items():
                pooled[label].add(cnt)
        spans[mode] = {"pairs": pairs, "all_pairs": _prf_section(pooled)}
    roles = {r: RoleAgreement() for r in ROLES}
    for p in peers:
        for r in ROLES:
            roles[r].add(col.stats[p].roles[r])
    frames = {"pairs": {key(p): _frames_pair(col.stats[p]) for p in peers},
              "roles": {r: roles[r].as_dict() for r in ROLES},
              "stance": _stance_units(col.stance_units, c.annotators)}
    by_type: Counter[str] = Counter()
    by_label: dict[str, dict[str, int]] = {}
    for p in peers:
        by_type.update(col.stats[p].types)
        for (label, typ), n in col.stats[p].by_label.items():
            by_label.setdefault(label, {t: 0 for t in TYPES})[typ] += n
    dis: dict[str, Any] = {
        "counts": {"by_type": {t: by_type.get(t, 0) for t in TYPES},
                   "by_label": by_label,
                   "by_pair": {key(p): {t: col.stats[p].types.get(t, 0) for t in TYPES}
                               for p in peers + col.gold_pairs}},
    }
    if col.keep_records:
        dis["records"] = [r.to_dict() for r in col.records]
    out = {"tokens": tokens, "unitizing": unitizing, "spans": spans, "frames": frames,
           "disagreements": dis}
    for name, section in out.items():
        section["definitions"] = for_section(name)
    return out


def _stance_units(units: list[dict[str, str | None]], names: Sequence[str]) -> dict[str, Any]:
    """Alpha and Fleiss' kappa of stance over frame units (annotators x units codes)."""
    domain = _stance_domain([v for u in units for v in u.values() if v])
    code = {v: k for k, v in enumerate(domain)}
    codes = np.full((len(names), len(units)), MISSING, dtype=np.int8)
    for col, u in enumerate(units):
        for row, n in enumerate(names):
            v = u.get(n)
            if v:
                codes[row, col] = code[v]
    present = (codes >= 0).sum(axis=0)
    many = len(names) > 1 and len(units) > 0
    alpha = alpha_codes(codes, len(domain)) if many else math.nan
    fleiss = fleiss_kappa_codes(codes, len(domain)) if many else math.nan
    return {"alpha": num(alpha), "fleiss_kappa": num(fleiss),
            "units": int((present >= 2).sum()), "complete_units": int(
                (present == len(names)).sum()) if len(names) else 0}


def documents_section(col: Collector) -> list[dict[str, Any]]:
    def order(row: dict[str, Any]) -> tuple:
        a = row["token_alpha"]
        return (a is None, a if a is not None else 0.0, -row["disagreements"],
                row["document_id"])
    return sorted(col.doc_rows, key=order)


def gold_section(col: Collector) -> dict[str, Any]:
    c = col.corpus
    grid = col.grid
    out: dict[str, Any] = {}  # annotator -> figures (definitions: report["definitions"])
    for pair in col.gold_pairs:
        st = col.stats[pair]
        ann = pair[1]
        tok = token_agreement(grid, pair)
        res, docs = col.unitizing[key(pair)]
        out[ann] = {
            "documents": st.documents,
            "spans": {"exact": _prf_section(st.exact), "overlap": _prf_section(st.overlap)},
            "token_cohen_kappa": tok["overall"]["pairs"][key(pair)]["cohen_kappa"],
            "token_units": tok["overall"]["pairs"][key(pair)]["units"],
            "token_labels": {label: tok["labels"][label]["pairs"][key(pair)]["cohen_kappa"]
                             for label in c.labels},
            "unitizing": _unitizing_dict(res, docs),
            "frames": _frames_pair(st),
            "disagreements": {t: st.types.get(t, 0) for t in TYPES},
        }
    return out
