"""AnnotationController: turns keys, clicks and panel edits into undoable actions, and
keeps the article view and the labelling panel in step with the session.

State it owns (all per open document): the selected span, the picked spans (what the
next frame is made of: spans tagged since the last frame plus Ctrl+clicked ones) and the
current frame. Rules:

- a label key with text selected tags it; with no text selected it relabels the selected
  span; Alt+A adds the selected text as another fragment of the selected span;
- the frame key (A) makes a frame from the picked spans (the selected span joins them),
  each in the role of its label; Shift+A adds them to the current frame;
- Delete removes the selected span, or the frame / role whose list has focus;
- target attributes are canonicalised through the project's target registry; a new name
  is registered in the same undo step.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication

from ..domain.framing import assign_roles, frame_with_roles, pick, without_span
from ..domain.model import Frame, Span, new_id
from ..domain.schema import AttributeDef, FrameDef
from ..domain.text import short
from . import commands as C
from .article_view import ArticleView
from .frame_panel import FramePanel, frame_summary
from .label_panel import LabelPanel
from .session import AnnotationSession


class AnnotationController(QObject):
    message = Signal(str)  # a line for the status bar (not a save confirmation)

    def __init__(self, view: ArticleView, labels: LabelPanel, frames: FramePanel,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view, self.labels, self.frames_panel = view, labels, frames
        self.session: AnnotationSession | None = None
        self.selected: str | None = None
        self.picks: list[str] = []
        self.frame_id: str | None = None
        view.span_clicked.connect(self._span_clicked)
        labels.label_clicked.connect(self.tag)
        labels.relabel_requested.connect(self.relabel)
        labels.attribute_edited.connect(self.set_span_attribute)
        labels.note_edited.connect(self.set_note)
        labels.delete_clicked.connect(self.delete_span)
        frames.make_clicked.connect(lambda: self.make_frame())
        frames.clear_picks_clicked.connect(self.clear_picks)
        frames.frame_chosen.connect(lambda fid: self.choose_frame(fid or None))
        frames.add_picked_clicked.connect(self.add_picked_to_frame)
        frames.remove_role_clicked.connect(self.remove_from_frame)
        frames.attribute_edited.connect(self.set_frame_attribute)
        frames.parent_chosen.connect(lambda fid: self.set_frame_parent(fid or None))
        frames.delete_frame_clicked.connect(self.delete_frame)
        for panel in (labels, frames):
            panel.escaped.connect(self.focus_article)

    # ----------------------------------------------------------------- binding
    def bind(self, session: AnnotationSession) -> None:
        self.session = session
        schema = session.schema
        self.labels.set_schema(schema)
        self.frames_panel.set_schema(schema)
        s = session
        s.document_opened.connect(self._document_opened)
        s.span_added.connect(self._span_added)
        s.span_removed.connect(self._span_removed)
        s.span_changed.connect(self._span_changed)
        s.frame_added.connect(self._frames_changed)
        s.frame_removed.connect(self._frame_removed)
        s.frame_changed.connect(self._frames_changed)
        s.targets_changed.connect(self._targets_changed)
        s.failed.connect(self._failed)
        self._targets_changed()

    @property
    def s(self) -> AnnotationSession:
        assert self.session is not None
        return self.session

    def colours(self) -> dict[str, str]:
        return {ldef.name: ldef.color for ldef in self.s.schema.labels}

    def frame_def(self, type_: str | None = None) -> FrameDef | None:
        frames = self.s.schema.frames
        if type_ is None:
            return frames[0] if frames else None
        return self.s.schema.frame(type_)

    # ----------------------------------------------------------------- session -> view
    def _document_opened(self, doc_id: str) -> None:
        self.selected, self.picks, self.frame_id = None, [], None
        doc = self.s.document
        if doc is None:
            self.view.clear()
        else:
            self.view.set_document(doc, list(self.s.spans.values()), self.colours())
        self._refresh_all(rebuild=True)

    def _span_added(self, span: Span) -> None:
        if span.document_id == self.s.document_id:
            self.view.add_span(span)
            self._refresh_picks()

    def _span_removed(self, span: Span) -> None:
        if span.document_id != self.s.document_id:
            return
        self.view.remove_span(span.id)
        if span.id in self.picks:
            self.picks.remove(span.id)
        if self.selected == span.id:
            self.selected = None
        self._refresh_all()

    def _span_changed(self, span: Span) -> None:
        if span.document_id != self.s.document_id:
            return
        self.view.update_span(span)
        # a span's text shows in the frames list only when it is in a frame
        self._refresh_all(rebuild=bool(self.s.frames_of_span(span.id)))

    def _frames_changed(self, _frame: Frame | None = None) -> None:
        self._refresh_frames(rebuild=True)
        self._refresh_span_panel()
        self._update_highlight()

    def _frame_removed(self, frame: Frame) -> None:
        if self.frame_id == frame.id:
            self.frame_id = None
        self._frames_changed()

    def _failed(self, _message: str) -> None:
        """Editors may show a value that was not stored: show what the project holds."""
        self._refresh_all(rebuild=True)

    def _targets_changed(self) -> None:
        names = self.s.target_names()
        self.labels.set_targets(names)
        self.frames_panel.set_targets(names)

    def _refresh_all(self, rebuild: bool = False) -> None:
        self.view.select_span(self.selected, scroll=False)
        self._refresh_span_panel()
        self._refresh_picks()
        self._refresh_frames(rebuild)
        self._update_highlight()

    def _refresh_span_panel(self) -> None:
        span = self.s.spans.get(self.selected or "")
        if span is None:
            self.labels.show_span(None)
            return
        in_frames = self.s.frames_of_span(span.id)
        parts = [f"{span.annotator}", f"{len(span.fragments)} fragments"
                 if len(span.fragments) > 1 else "", f"in {len(in_frames)} frame(s)"
                 if in_frames else "in no frame"]
        self.labels.show_span(span, " · ".join(p for p in parts if p))

    def _refresh_picks(self) -> None:
        self.picks = [p for p in self.picks if p in self.s.spans]
        self.frames_panel.set_picks([self.s.spans[p] for p in self.picks])

    def _refresh_frames(self, rebuild: bool = False) -> None:
        """The current frame's details; the whole frames list only when ``rebuild``
        (frames changed), as rebuilding costs O(frames) per keystroke otherwise."""
        if self.frame_id not in self.s.frames:
            self.frame_id = None
        if rebuild:
            self.frames_panel.set_frames(list(self.s.frames.values()), self.s.spans,
                                         self.frame_id)
        else:
            self.frames_panel.set_current_frame(self.frame_id)
        frame = self.s.frames.get(self.frame_id or "")
        self.frames_panel.show_frame(frame, self.s.spans, self.s.schema)
        self.frames_panel.set_picks([self.s.spans[p] for p in self.picks])

    def _update_highlight(self) -> None:
        if self.picks:
            ids = list(self.picks)
        elif self.frame_id in self.s.frames:
            ids = list(self.s.frames[self.frame_id].span_ids())
        else:
            ids = []
        if ids != self.view.highlighted_spans():
            self.view.highlight_spans(ids) if ids else self.view.highlight_spans([])

    # ----------------------------------------------------------------- selection
    def _span_clicked(self, span_id: str) -> None:
        ctrl = QApplication.keyboardModifiers() & Qt.KeyboardModifier.ControlModifier
        if ctrl and span_id:
            self.toggle_pick(span_id)
        else:
            self.select_span(span_id or None, scroll=False)

    def select_span(self, span_id: str | None, scroll: bool = True,
                    announce: bool = True) -> None:
        self.selected = span_id if span_id in self.s.spans else None
        if self.selected:
            holding = self.s.frames_of_span(self.selected)
            if holding and self.frame_id not in {f.id for f in holding}:
                self.frame_id = holding[0].id
            if announce:
                self.message.emit(self.view.describe_span(self.selected))
        self.view.select_span(self.selected, scroll=scroll)
        self._refresh_span_panel()
        self._refresh_frames()
        self._update_highlight()

    def step_span(self, step: int) -> None:
        """Select the next (+1) or previous (-1) span in text order."""
        order = sorted(self.s.spans.values(), key=lambda sp: (sp.start, sp.end, sp.id))
        if not order:
            return
        ids = [sp.id for sp in order]
        if self.selected in ids:
            i = ids.index(self.selected) + step
        else:
            top = self.view.top_offset()
            i = next((k for k, sp in enumerate(order) if sp.start >= top), 0)
            i = i if step > 0 else i - 1
        self.select_span(ids[max(0, min(i, len(ids) - 1))])

    def toggle_pick(self, span_id: str) -> None:
        if span_id in self.picks:
            self.picks.remove(span_id)
        elif span_id in self.s.spans:
            self.picks.append(span_id)
        self._refresh_picks()
        self._update_highlight()

    def clear_picks(self) -> None:
        """Esc: clear the picks; with none, drop the selection and the current frame."""
        if self.picks:
            self.picks = []
        elif self.view.selection_fragments():
            self.view.clear_selection()
        else:
            self.selected, self.frame_id = None, None
        self._refresh_all()

    def choose_frame(self, frame_id: str | None, announce: bool = True) -> None:
        self.frame_id = frame_id if frame_id in self.s.frames else None
        self._refresh_frames()
        self._update_highlight()
        if self.frame_id and announce:
            self.message.emit(frame_summary(self.s.frames[self.frame_id], self.s.spans))

    def focus_article(self) -> None:
        self.view.text_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_attributes(self, name: str | None = None) -> None:
        """S / T: edit the current frame's (or the selected span's) stance or target."""
        if self.frame_id and self.frames_panel.focus_attributes(name):
            return
        if self.selected and self.labels.focus_attributes():
            return
        self.message.emit("Choose a frame (or a STANCE span) first.")

    # ----------------------------------------------------------------- spans
    def tag(self, label: str) -> None:
        if self.s.document is None:
            return
        fragments = self.view.selection_fragments()
        if not fragments:
            if self.selected:
                self.relabel(label)
            else:
                self.message.emit("Select some text first, then press a label key.")
            return
        try:
            span = self.s.make_span(label, fragments)
        except ValueError as exc:
            self.message.emit(f"Not tagged: {exc}")
            return
        if not self.s.execute(C.TagSpan(self.s, span)):
            return
        fdef = self.frame_def()
        picked = pick(fdef, [self.s.spans[p] for p in self.picks if p in self.s.spans], span)
        self.picks = [p.id for p in picked]
        self.view.clear_selection()
        self.select_span(span.id, scroll=False, announce=False)

    def relabel(self, label: str) -> None:
        span = self.s.spans.get(self.selected or "")
        if span is None or span.label == label:
            return
        self.s.execute(C.EditSpan(self.s, span, f"relabel {C.describe(span)} as {label}",
                                  label=label))

    def add_fragment(self) -> None:
        span = self.s.spans.get(self.selected or "")
        fragments = self.view.selection_fragments()
        if span is None or not fragments:
            self.message.emit("Select a span (click it), then select more text and press "
                              "Alt+A to add it as a fragment.")
            return
        if self.s.execute(C.EditSpan(self.s, span, f"add a fragment to {C.describe(span)}",
                                     fragments=[*span.fragments, *fragments])):
            self.view.clear_selection()

    def delete(self) -> None:
        """Delete key: the frame or role whose list has focus, else the selected span."""
        focus = QApplication.focusWidget()
        if focus is self.frames_panel.frames_list and self.frame_id:
            self.delete_frame()
        elif focus is self.frames_panel.roles_list and self.frames_panel.current_role_span():
            self.remove_from_frame(self.frames_panel.current_role_span())
        else:
            self.delete_span()

    def delete_span(self) -> None:
        span = self.s.spans.get(self.selected or "")
        if span is None:
            self.message.emit("No span selected.")
            return
        self.s.execute(C.DeleteSpan(self.s, span))

    def set_note(self, note: str) -> None:
        span = self.s.spans.get(self.selected or "")
        if span is not None and span.note != note:
            self.s.execute(C.EditSpan(self.s, span, f"note on {C.describe(span)}", note=note))

    def set_span_attribute(self, name: str, value: Any) -> None:
        span = self.s.spans.get(self.selected or "")
        if span is None:
            return
        ldef = self.s.schema.label(span.label)
        adef = next((a for a in (ldef.attributes if ldef else ()) if a.name == name), None)
        value, extra = self._target_value(adef, value)
        attrs = {k: v for k, v in {**span.attributes, name: value}.items() if v is not None}
        edit = C.EditSpan(self.s, span, f"{name} of {C.describe(span)} = {value or '—'}",
                          attributes=attrs)
        self.s.execute(C.Macro(self.s, edit.text(), [*extra, edit]) if extra else edit)

    def _target_value(self, adef: AttributeDef | None, value: Any) -> tuple[Any, list[C.Action]]:
        """A target name as the registry spells it, and the action registering a new one."""
        if adef is None or adef.kind != "target" or not value:
            return value, []
        canonical = self.s.project.resolve_target(str(value))
        if canonical is not None:
            return canonical, []
        return value, [C.AddTarget(self.s, self.s.document_id or "", str(value))]

    # ----------------------------------------------------------------- frames
    def make_frame(self, type_: str | None = None) -> None:
        fdef = self.frame_def(type_)
        if fdef is None or self.s.document is None:
            return
        ids = list(self.picks)
        if self.selected and self.selected not in ids:
            ids.append(self.selected)
        if not ids:
            self.message.emit("Tag (or Ctrl+click) a cue, its source and content, then "
                              f"press {fdef.key or 'Make frame'}.")
            return
        spans = [self.s.spans[i] for i in ids if i in self.s.spans]
        try:
            roles = assign_roles(fdef, spans)
        except ValueError as exc:
            self.message.emit(f"No frame made: {exc}")
            return
        attrs = {a.name: a.default for a in fdef.attributes if a.default is not None}
        frame = frame_with_roles(Frame(new_id(), self.s.document.id, self.s.annotator,
                                       type=fdef.type, attributes=attrs), roles)
        missing = [r.name for r in fdef.roles if len(roles[r.name]) < r.min]
        text = f"make {fdef.type} {frame_summary(frame, self.s.spans)}"
        if self.s.execute(C.MakeFrame(self.s, frame, text)):
            self.picks, self.frame_id = [], frame.id
            self._refresh_all()
            if missing:
                self.message.emit(f"Frame made without {' and '.join(missing)}: pick it and "
                                  "press Shift+A to add it.")

    def add_picked_to_frame(self) -> None:
        frame = self.s.frames.get(self.frame_id or "")
        fdef = self.frame_def(frame.type) if frame else None
        if frame is None or fdef is None:
            self.message.emit("Choose a frame first (frames list, or click one of its spans).")
            return
        ids = [p for p in self.picks if p not in frame.span_ids()]
        if self.selected and self.selected not in frame.span_ids() and self.selected not in ids:
            ids.append(self.selected)
        if not ids:
            self.message.emit("Pick spans to add (tag them or Ctrl+click them).")
            return
        try:
            roles = assign_roles(fdef, [self.s.spans[i] for i in ids], frame)
        except ValueError as exc:
            self.message.emit(f"Not added: {exc}")
            return
        names = ", ".join(C.describe(self.s.spans[i]) for i in ids)
        if self.s.execute(C.EditFrame(self.s, frame_with_roles(frame, roles),
                                      f"add {names} to frame")):
            self.picks = []
            self._refresh_all()

    def remove_from_frame(self, span_id: str | None = None) -> None:
        frame = self.s.frames.get(self.frame_id or "")
        span_id = span_id or self.frames_panel.current_role_span() or self.selected
        if frame is None or not span_id or span_id not in frame.span_ids():
            self.message.emit("Choose a frame and one of its spans to remove.")
            return
        span = self.s.spans.get(span_id)
        what = C.describe(span) if span else "span"
        self.s.execute(C.EditFrame(self.s, without_span(frame, span_id),
                                   f"remove {what} from frame"))

    def delete_frame(self) -> None:
        frame = self.s.frames.get(self.frame_id or "")
        if frame is None:
            self.message.emit("No frame chosen.")
            return
        self.s.execute(C.DeleteFrame(self.s, frame, "delete frame "
                                     + short(frame_summary(frame, self.s.spans), 60)))

    def set_frame_parent(self, parent_id: str | None) -> None:
        """Nest the current frame in ``parent_id`` (None: not nested)."""
        frame = self.s.frames.get(self.frame_id or "")
        if frame is None or parent_id == frame.parent_id:
            return
        parent = self.s.frames.get(parent_id or "")
        if parent_id is not None and parent is None:
            self.message.emit("That frame is not in this document.")
            return
        text = (f"nest frame in {short(frame_summary(parent, self.s.spans), 50)}" if parent
                else "frame no longer nested")
        self.s.execute(C.EditFrame(self.s, frame.with_changes(parent_id=parent_id), text))

    def set_frame_attribute(self, name: str, value: Any) -> None:
        frame = self.s.frames.get(self.frame_id or "")
        fdef = self.frame_def(frame.type) if frame else None
        if frame is None:
            return
        adef = next((a for a in (fdef.attributes if fdef else ()) if a.name == name), None)
        value, extra = self._target_value(adef, value)
        attrs = {k: v for k, v in {**frame.attributes, name: value}.items() if v is not None}
        edit = C.EditFrame(self.s, frame.with_changes(attributes=attrs),
                           f"frame {name} = {value or '—'}")
        self.s.execute(C.Macro(self.s, edit.text(), [*extra, edit]) if extra else edit)
