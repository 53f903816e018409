"""The definition of every agreement figure, as stated in reports (and the README).

Plain strings keyed by figure; :mod:`.report` puts them beside the figures. The exact
computations live in the modules named in each text.
"""

from __future__ import annotations

DEFINITIONS: dict[str, str] = {
    "annotated": (
        "An annotator has annotated a document when its status there is 'in progress' or "
        "'done' or its layer holds at least one span or frame; other layers are missing "
        "data, not empty annotations."),
    "tokens": (
        "Tokens: annotator.domain.text.tokenize (runs of letters/digits/underscore joined "
        "by inner ' ’ -, and single punctuation marks). A span covers a token when they "
        "share a code point. A token takes the label of the covering span; when several "
        "cover it, the shortest span wins, then the label first in the label order, then "
        "the earliest start, then the smallest id; uncovered tokens are O. Tokens of "
        "documents an annotator has not annotated are missing."),
    "token_alpha": (
        "Krippendorff's alpha (nominal) over the tokens x annotators matrix (labels + O), "
        "using every token with at least two labels (Krippendorff 2011)."),
    "token_fleiss_kappa": (
        "Fleiss' kappa (Fleiss 1971) over the tokens of documents every annotator has "
        "annotated."),
    "token_cohen_kappa": (
        "Cohen's kappa (Cohen 1960) per annotator pair over the tokens of documents both "
        "have annotated."),
    "token_label": (
        "Per label: binary token figures; a token is 1 for an annotator when any span of "
        "that label covers it, else 0."),
    "unitizing_alpha": (
        "Krippendorff's unitizing alpha (alpha-U; Krippendorff 1995, 2004) per label on the "
        "character continuum; overall = 1 - sum_c D_o(c) / sum_c D_e(c). Each document is a "
        "continuum [0, len(text)); documents pool units and gaps; only documents every "
        "compared annotator has annotated are used; a discontinuous span gives one unit "
        "per fragment; one annotator's overlapping units of a label are merged."),
    "span_exact": (
        "Exact match: same label and identical fragments, 1:1."),
    "span_overlap": (
        "Overlap match: same label and at least one shared code point, 1:1; exact pairs "
        "first, then greedily by largest overlap (ties: smaller |start diff| + |end diff|, "
        "then position)."),
    "span_prf": (
        "Precision = matched / spans of the compared annotator, recall = matched / spans "
        "of the reference annotator, F1 = 2 matched / (both counts); counts summed over "
        "the documents both annotated (micro average); the reference is the pair's first "
        "annotator (gold when comparing with gold)."),
    "frame_alignment": (
        "Attributions aligned 1:1 greedily: first pairs whose cue extents overlap (by cue "
        "overlap, then content overlap), then remaining pairs whose content extents "
        "overlap (by content overlap). A role's extent is the union of its spans' "
        "fragments."),
    "frame_roles": (
        "Per role over aligned frame pairs where at least one frame fills the role: exact = "
        "share with identical extents; dice = mean 2|A∩B| / (|A| + |B|) in code points."),
    "stance": (
        "Stance = the frame attribute 'stance'; unset is missing. Cohen's kappa per pair "
        "over aligned frames with both stances set; Krippendorff's alpha (nominal) over "
        "frame units (aligned frames joined across pairs, at most one per annotator); "
        "Fleiss' kappa over units holding every annotator's frame."),
    "disagreements": (
        "Per (reference, compared) pair and document: spans matched by same label and "
        "overlap with different offsets are 'boundary'; leftovers overlapping a span of "
        "another label are 'label'; a reference span with no counterpart is 'missed', a "
        "compared span with none 'spurious'. Frames: unaligned reference/compared frames "
        "are 'missed'/'spurious'; aligned frames with different role extents 'boundary' "
        "(per role), with different stance 'stance'."),
    "per_document": (
        "Per document: token alpha over the annotators who annotated it, micro span F1 "
        "(overlap) over their pairs, and the number of typed disagreements; sorted by "
        "token alpha, lowest first (undefined last), then most disagreements."),
    "vs_gold": (
        "Each annotator against the gold layer (reference) on the documents both have "
        "annotated: span P/R/F1, token Cohen's kappa, alpha-U, stance kappa and "
        "disagreement counts."),
}


SECTION_DEFINITIONS: dict[str, tuple[str, ...]] = {
    "tokens": ("annotated", "tokens", "token_alpha", "token_fleiss_kappa", "token_cohen_kappa",
               "token_label"),
    "unitizing": ("annotated", "unitizing_alpha"),
    "spans": ("annotated", "span_exact", "span_overlap", "span_prf"),
    "frames": ("frame_alignment", "frame_roles", "stance"),
    "disagreements": ("disagreements",),
}


def for_section(section: str) -> dict[str, str]:
    """The definitions a report section's figures follow."""
    return {k: DEFINITIONS[k] for k in SECTION_DEFINITIONS[section]}
