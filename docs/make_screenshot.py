"""Render the real main window offscreen on the seed article with a few attributions and
save it as ``docs/screenshot.png`` (the README's screenshot), so the picture stays true.

    python docs/make_screenshot.py [OUT.png]

Runs in a throwaway data folder: a fresh default project seeded with the sample article.
The spans and frames are made the way a user makes them (select text, tag, press the
frame key, set stance and target), through the window's own controller.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ATTRIBUTIONS = [
    # (source, cue, content, stance, target)
    ("US National Security Council spokesman John Ullyot",
     "issued a statement Thursday charging",
     'that a Russian armored vehicle had "struck" a US Mine-Resistant Ambush Protected '
     "(MRAP) vehicle", "AGAINST", "Russia"),
    ("The Pentagon", "reported", 'that four American soldiers had suffered "mild '
     'concussion-like" symptoms as a result of the collision', "NONE", None),
    ("the Russian military", "charged", "that the incident was the fault of the US military, "
     "the outcome of an apparent provocation", "AGAINST", "United States"),
]
STANCE_SPAN = ("stark danger", "AGAINST", "United States")


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "docs" / "screenshot.png"
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ANNOTATOR_HOME"] = tmp
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        sys.path.insert(0, str(ROOT))
        return render(out)


def render(out: Path) -> int:
    from annotator.ui.launch import application, open_window
    from annotator.ui.settings import Settings

    app = application()
    settings = Settings()
    settings.annotator = "alice"
    window = open_window(None, None, settings)
    if window is None:
        return 1
    window.resize(1440, 900)
    window.show()
    app.processEvents()
    c, view = window.controller, window.view
    text = window.session.document.text

    def tag(needle: str, label: str, after: int = 0) -> int:
        start = text.index(needle, after)
        view.set_selection(start, start + len(needle))
        c.tag(label)
        return start

    for source, cue, content, stance, target in ATTRIBUTIONS:
        at = tag(source, "SOURCE")
        tag(cue, "CUE", at)
        tag(content, "CONTENT", at)
        c.make_frame("ATTRIBUTION")
        c.set_frame_attribute("stance", stance)
        if target:
            c.set_frame_attribute("target", target)
        c.set_frame_attribute("quote_form", "MIXED" if '"' in content else "INDIRECT")
        c.set_frame_attribute("type", "ASSERTION")
    needle, polarity, target = STANCE_SPAN
    tag(needle, "STANCE")
    c.set_span_attribute("polarity", polarity)
    c.set_span_attribute("target", target)
    # show the first frame chosen, its cue selected, near the top of the article
    first = next(iter(sorted(window.session.frames.values(), key=lambda f: f.created_at)))
    c.choose_frame(first.id, announce=False)
    c.select_span(first.cue, scroll=False, announce=False)
    view.set_selection(0, 0)  # the caret at the top, not after the last tagged word
    view.scroll_to_offset(0)
    for _ in range(5):  # layout requests travel up one level per pass
        app.processEvents()
    out.parent.mkdir(parents=True, exist_ok=True)
    ok = window.grab().save(str(out))
    window.close()
    window.project.close()
    print(f"wrote {out}" if ok else f"could not write {out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
