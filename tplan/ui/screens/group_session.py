"""The group session screen: document a whole group at once (SCREENS.md, "Group session").

Header (group, date, time, facilitators, format); the roster with attendance; the shared part
written once; then each present member in turn: the ratings line (participation, craving, use,
"no change" for objectives, one key each), the member's own sections, the objectives from their
plan, risk observations. ``ctrl+down``/``ctrl+up`` (or ``]``/``[`` where no text field has
focus) move between present members; ``ctrl+s`` saves the group as a draft, ``ctrl+g`` signs
every member after one confirmation. Once signed, the shared part and the signed members'
parts are read only; a member skipped then (attendance not recorded, part empty) is still
documented here and signed with the same key. At 120 columns the roster sits beside the
member's part; narrower, it collapses to a one-line selector.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import ValidationError
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from tplan.domain import (
    NoteFormat,
    Objective,
    ObjectiveProgress,
    Patient,
    ProgressRating,
    Session,
    UseReport,
    friendly_errors,
)
from tplan.domain.group_notes import (
    SHARED_SECTION,
    GroupNote,
    MemberPart,
    member_sections,
    skip_reason,
)
from tplan.services import SessionKey, StoreError
from tplan.services.agenda import day_text
from tplan.services.group_notes import NobodyNewToSign, describe_finding
from tplan.ui.compat import RestylesOnlyWhenStale
from tplan.ui.forms.confirm import ConfirmDialog
from tplan.ui.forms.fields import literal
from tplan.ui.read_only import editing
from tplan.ui.widgets.footer import KeyFooter
from tplan.ui.widgets.member_ratings import RatingsBar

if TYPE_CHECKING:
    from collections.abc import Iterable

    from tplan.services.group_notes import SignedGroup
    from tplan.ui.app import TplanApp

ATTENDANCE_SYMBOLS = {
    "present": "✔",
    "late": "◔",
    "left_early": "◕",
    "absent": "A",
    "excused": "E",
    "cancelled": "–",
}
RATING_KEYS = {
    "i": ProgressRating.IMPROVING,
    "n": ProgressRating.NO_CHANGE,
    "w": ProgressRating.WORSENING,
    "a": ProgressRating.ACHIEVED,
}
SECTION_HINTS = {
    "assessment": "Assessment: the member's response, progress",
    "plan": "Plan (ctrl+l copies the member's last group plan)",
    "behavior": "Behavior: what the member said and did",
    "response": "Response: how the member responded",
    "subjective": "Subjective: the member's own report",
}
SECTION_IDS = ("gs-sec0", "gs-sec1", "gs-sec2")
USE_CYCLE: tuple[UseReport | None, ...] = (None, UseReport(used=False), UseReport(used=True))
WORKERS = "group-session"


def use_text(use: UseReport | None) -> str:
    return "not asked" if use is None else ("yes" if use.used else "no")


def notes(count: int) -> str:
    return f"{count} member note" + ("" if count == 1 else "s")


def objective_line(objective: Objective, rating: ProgressRating | None) -> str:
    shown = rating.value.replace("_", " ") if rating is not None else "not rated"
    return f"{shown:<10} {objective.text}"


def attendance_mark(member: MemberPart) -> str:
    return ATTENDANCE_SYMBOLS.get(member.attendance.value, "?") if member.attendance else "·"


SHORT_REASONS = {"individual part empty": "part empty", "attendance not recorded": "not recorded"}
"""How the status line counts members still to document (it has one row at 80 columns)."""
SIGNED_MARK = "✒"
"""In the roster: the member's note is signed (their part is read only)."""


class ObjectiveList(OptionList):
    """The member's objectives: ``i`` improving, ``n`` no change, ``w`` worsening,
    ``a`` achieved, ``x`` not addressed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                k,
                f"screen.rate_objective('{k}')",
                f"Objective {r.value.replace('_', ' ')}",
                show=False,
            )
            for k, r in RATING_KEYS.items()
        ),
        Binding("x", "screen.rate_objective('x')", "Objective not addressed", show=False),
    ]


class GroupSessionScreen(RestylesOnlyWhenStale, Screen[None]):
    """One group session: the shared part once, then every present member's part."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority, as in the forms: the focus moves when tab arrives, not after the keys typed
        # behind it were handed to the field it leaves.
        Binding("tab", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
        Binding("ctrl+down,right_square_bracket", "member(1)", "Next member", id="next_member"),
        Binding("ctrl+up,left_square_bracket", "member(-1)", "Previous member", show=False),
        Binding("ctrl+s", "save", "Save drafts", id="save"),
        Binding("ctrl+g", "sign", "Sign all", id="sign"),
        Binding("ctrl+r", "ratings", "Ratings", id="ratings"),
        Binding("ctrl+n", "no_change", "Objectives no change", show=False),
        Binding("ctrl+l", "copy_plan", "Last plan", show=False),
        Binding("ctrl+o", "format", "Note format", show=False),
        Binding("t", "attendance", "Attendance", id="attendance"),
        Binding("escape", "back", "Back", id="back"),
    ]

    def __init__(self, key: SessionKey) -> None:
        super().__init__()
        self.session_key = key
        self.ready = False

    @property
    def tplan(self) -> TplanApp:
        return self.app  # type: ignore[return-value]

    # --- building -----------------------------------------------------------------------

    def load(self) -> None:
        """Read the session, its group, roster and group note (draft or signed)."""
        ws = self.tplan.workspace
        self.session: Session = ws.session(self.session_key)
        if self.session.group_id is None:
            raise StoreError("only a group session has a group note")
        self.group = ws.group(self.session.group_id)
        self.patients: dict[str, Patient] = {p.id: p for p in ws.session_roster(self.session)}
        fmt = NoteFormat(self.tplan.settings.note_format)
        self.dropped = ws.unattended_drafts(self.session)
        self.note: GroupNote = ws.group_note(self.session, fmt)
        self.saved: GroupNote = self.note
        self.objectives: dict[str, list[Objective]] = {}
        present = [m.patient_id for m in self.note.members if m.attended]
        open_ = [pid for pid in present if pid not in self.note.signed_members]
        self.current: str | None = (open_ or present or [None])[0]

    def compose(self) -> ComposeResult:
        self.load()
        yield Static(id="gs-header")
        with Horizontal(id="gs-body"):
            yield OptionList(id="gs-roster")
            with VerticalScroll(id="gs-main"):
                yield Static(id="gs-selector")
                with Horizontal(id="gs-shared-line"):
                    yield Static(
                        literal("Shared part · in every signed member's note · minutes"),
                        id="gs-shared-title",
                        classes="gs-heading",
                    )
                    yield Input(
                        id="gs-duration", compact=True, type="integer", select_on_focus=False
                    )
                yield Input(
                    id="gs-topic",
                    compact=True,
                    placeholder="Topic of the group",
                    select_on_focus=False,
                )
                yield TextArea(
                    id="gs-content",
                    compact=True,
                    placeholder="Content and interventions delivered (the same in every note)",
                )
                yield Static(id="gs-member-title", classes="gs-heading")
                yield RatingsBar(literal(RatingsBar.HINT), id="gs-ratings")
                for sid in SECTION_IDS:
                    yield TextArea(id=sid, compact=True, classes="gs-section")
                yield ObjectiveList(id="gs-objectives", compact=True)
                yield Input(
                    id="gs-risk",
                    compact=True,
                    placeholder="Risk observations",
                    select_on_focus=False,
                )
        yield Static(id="gs-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        shared = self.note.shared
        self.query_one("#gs-topic", Input).value = shared.topic
        self.query_one("#gs-content", TextArea).text = shared.content
        self.query_one("#gs-duration", Input).value = str(shared.duration_minutes or "")
        self._show_roster()
        self._show_member()
        self._show_header()
        if self.session.cancelled:
            self.set_status(f"Cancelled by the program: {self.session.cancel_reason}")
        elif self.note.signed:
            self.set_status(self._signed_text())
        if self.note.signed or self.session.cancelled:
            self._lock()
            if self._part() is not None and not self._part_locked():
                self.query_one("#gs-ratings", RatingsBar).focus()  # a member still to write
        else:
            self._focus_shared()
            if all(m.attendance is None for m in self.note.members) and not self.tplan.read_only:
                self.call_after_refresh(self.action_attendance)
        if self.dropped:
            names = ", ".join(self._member_name(pid) for pid in self.dropped)
            self.set_status(
                f"Now recorded absent, excused or not recorded: {names}. Their draft part is "
                "left out (no narrative without attendance); saving removes it.",
                error=True,
            )
        self.watch(self.tplan, "privacy", lambda _on: self._show_names(), init=False)
        self.ready = True

    def _show_names(self) -> None:
        """F2 while the screen is open: every line that names a member is drawn again."""
        self._show_roster()
        self._show_objectives()
        self._show_member_title()
        self.set_status(self._status_text, error=self._status_error)

    def _focus_shared(self) -> None:
        """The topic, or the content when the session already gave the topic."""
        topic = self.query_one("#gs-topic", Input)
        (self.query_one("#gs-content", TextArea) if topic.value.strip() else topic).focus()

    # --- showing ------------------------------------------------------------------------

    def _member_name(self, pid: str) -> str:
        patient = self.patients.get(pid)
        return self.tplan.person_name(patient) if patient is not None else "?"

    def _signed_text(self) -> str:
        """Who is signed and who is still to document (the status line of a signed group)."""
        who = self._names(self.note.signed_members)
        waiting = [
            (m.patient_id, skip_reason(m) or "ready to sign") for m in self.note.to_document()
        ]
        if not waiting:
            return f"Signed: {who}. Corrections are addenda on one member's note."
        if len(waiting) <= 3:
            listed = [f"{self._member_name(pid)} ({reason})" for pid, reason in waiting]
        else:
            counts = Counter(SHORT_REASONS.get(reason, reason) for _, reason in waiting)
            listed = [f"{n} {reason}" for reason, n in counts.items()]
        return f"Signed: {who}. To document: {', '.join(listed)}."

    def _names(self, pids: Iterable[str]) -> str:
        """A few members by name; more as a count (the roster marks them)."""
        names = [self._member_name(pid) for pid in pids]
        return ", ".join(names) if len(names) <= 3 else f"{len(names)} members"

    def _show_header(self) -> None:
        s = self.session
        waiting = len(self.note.to_document()) if self.note.signed else 0
        state = "draft" if not self.note.signed else "SIGNED" + (
            f" · {waiting} to document" if waiting else ""
        )
        self.query_one("#gs-header", Static).update(
            literal(
                f"{self.group.name} · {day_text(s.on)} "
                f"{s.start:%H:%M}-{s.end:%H:%M} · {', '.join(self.note.shared.facilitators)} · "
                f"{self.note.format.value} · {state}"
            )
        )

    def _roster_line(self, member: MemberPart) -> str:
        signed = member.patient_id in self.note.signed_members
        written = f" {SIGNED_MARK}" if signed else (" ✎" if member.written else "")
        here = "▸" if member.patient_id == self.current else " "
        return f"{here}{attendance_mark(member)} {self._member_name(member.patient_id)}{written}"

    def _show_roster(self) -> None:
        roster = self.query_one("#gs-roster", OptionList)
        highlighted = roster.highlighted
        roster.clear_options()
        roster.add_options(
            [Option(literal(self._roster_line(m)), id=m.patient_id) for m in self.note.members]
        )
        if self.note.members:
            roster.highlighted = highlighted if highlighted is not None else 0
        self._show_selector()

    def _present(self) -> list[str]:
        return [m.patient_id for m in self.note.members if m.attended]

    def _show_present(self) -> list[str]:
        """Show the roster, member and header after attendance changed: the member shown
        stays if still present, else the first present one. Returns who is present."""
        present = self._present()
        if self.current not in present:
            self.current = present[0] if present else None
        self._show_roster()
        self._show_member()
        self._show_header()
        return present

    def _show_selector(self) -> None:
        present = self._present()
        unrecorded = sum(1 for m in self.note.members if m.attendance is None)
        if self.current is None:
            text = (
                f"No member recorded present ({unrecorded} of {len(self.note.members)} not "
                "recorded): record attendance first"
            )
        else:
            written = sum(1 for m in self.note.members if m.written)
            place = f"{present.index(self.current) + 1}/{len(present)}"
            if self.current in self.note.signed_members:
                place += f" {SIGNED_MARK}"
            signed = len(self.note.signed_members)
            counts = f"{signed} signed · {written} written" if signed else f"{written} written"
            text = (
                f"◂ {place} {self._member_name(self.current)} ▸"
                f"   {counts} · ctrl+↑/↓ or [ ] to move"
            )
        self.query_one("#gs-selector", Static).update(literal(text))

    def _part(self) -> MemberPart | None:
        return self.note.part(self.current) if self.current else None

    def _show_member(self) -> None:
        """Put the current member's part into the member widgets."""
        part = self._part()
        sections = member_sections(self.note.format)
        widgets = SECTION_IDS[len(SECTION_IDS) - len(sections) :]
        for sid in SECTION_IDS:
            self.query_one(f"#{sid}").display = sid in widgets and part is not None
        for sid, name in zip(widgets, sections, strict=True):
            area = self.query_one(f"#{sid}", TextArea)
            area.placeholder = SECTION_HINTS.get(name, name)
            area.text = part.sections.get(name, "") if part else ""
        for wid in ("#gs-ratings", "#gs-objectives", "#gs-risk"):
            self.query_one(wid).display = part is not None
        self.query_one("#gs-risk", Input).value = part.risk_observations if part else ""
        self._show_objectives()
        self._show_member_title()
        self._show_selector()
        if self.note.signed and self.is_mounted:
            self._lock()

    def _part_locked(self) -> bool:
        """The shown member's part is read only: signed, or the session was cancelled."""
        return self.session.cancelled or (
            self.current is not None and self.current in self.note.signed_members
        )

    def _open_members(self) -> bool:
        """Something is still to do on a signed group (a member to record or document)."""
        return not self.session.cancelled and bool(self.note.to_document())

    def _member_objectives(self, pid: str) -> list[Objective]:
        if pid not in self.objectives:
            ws = self.tplan.workspace
            self.objectives[pid] = ws.objectives_to_address(pid, self.session.on)
        return self.objectives[pid]

    def _show_objectives(self) -> None:
        objectives = self.query_one("#gs-objectives", ObjectiveList)
        highlighted = objectives.highlighted
        objectives.clear_options()
        part = self._part()
        if part is None:
            return
        rated = {o.objective_id: o.rating for o in part.objectives_addressed}
        items = self._member_objectives(part.patient_id)
        objectives.add_options(
            [
                Option(literal(self.tplan.private(objective_line(o, rated.get(o.id)))), id=o.id)
                for o in items
            ]
            or [Option(literal("no open objectives in this member's plan"), disabled=True)]
        )
        if items:
            objectives.highlighted = min(highlighted or 0, len(items) - 1)

    def _show_member_title(self) -> None:
        part = self._part()
        if part is None:
            text = "Members: none recorded present yet"
        else:
            participation = part.participation.label if part.participation else "—"
            craving = "—" if part.craving is None else str(part.craving)
            signed = (
                f" · {SIGNED_MARK} signed, read only"
                if part.patient_id in self.note.signed_members
                else ""
            )
            text = (
                f"{self._member_name(part.patient_id)}{signed} · participation: {participation} · "
                f"craving {craving} · use: {use_text(part.use)} · "
                f"objectives {len(part.objectives_addressed)} rated"
            )
        self.query_one("#gs-member-title", Static).update(literal(text))

    _status_text = ""
    _status_error = False

    def set_status(self, text: str, *, error: bool = False) -> None:
        self._status_text, self._status_error = text, error
        status = self.query_one("#gs-status", Static)
        status.update(literal(self.tplan.private(text)))
        status.set_class(error, "-error")

    # --- keeping the note in step with the widgets --------------------------------------

    def _replace_part(self, part: MemberPart) -> None:
        self.note = self.note.model_copy(
            update={
                "members": [
                    part if m.patient_id == part.patient_id else m for m in self.note.members
                ]
            }
        )

    def collect(self) -> GroupNote:
        """The note with what the widgets hold (the shared part, the shown member's text);
        what signing locked is left as signed."""
        if not self.is_mounted or self.session.cancelled:
            return self.note
        if not self.note.signed:
            duration = self.query_one("#gs-duration", Input).value.strip()
            shared = self.note.shared.model_copy(
                update={
                    "topic": self.query_one("#gs-topic", Input).value,
                    "content": self.query_one("#gs-content", TextArea).text,
                    "duration_minutes": int(duration) if duration.isdigit() else None,
                }
            )
            self.note = self.note.model_copy(update={"shared": shared})
        part = self._part()
        if part is not None and not self._part_locked():
            sections = member_sections(self.note.format)
            widgets = SECTION_IDS[len(SECTION_IDS) - len(sections) :]
            texts = {
                name: self.query_one(f"#{sid}", TextArea).text
                for sid, name in zip(widgets, sections, strict=True)
            }
            self._replace_part(
                part.model_copy(
                    update={
                        "sections": {k: v for k, v in texts.items() if v.strip()},
                        "risk_observations": self.query_one("#gs-risk", Input).value,
                    }
                )
            )
        return self.note

    @property
    def dirty(self) -> bool:
        return self.ready and self.collect() != self.saved

    # --- moving between members ---------------------------------------------------------

    def action_member(self, step: int) -> None:
        present = self._present()
        if not present or self.current is None:
            self.set_status("Nobody is recorded present: there is no member's part to write.")
            return
        self.collect()
        index = (present.index(self.current) + step) % len(present)
        self.go_to(present[index])

    def go_to(self, pid: str) -> None:
        self.collect()
        self.current = pid
        self._show_member()
        self._show_roster()
        roster = self.query_one("#gs-roster", OptionList)
        roster.highlighted = [m.patient_id for m in self.note.members].index(pid)
        if not self._part_locked():
            self.query_one("#gs-ratings", RatingsBar).focus()

    @on(OptionList.OptionSelected, "#gs-roster")
    def _roster_selected(self, event: OptionList.OptionSelected) -> None:
        pid = event.option.id or ""
        member = self.note.part(pid)
        if member is None:
            return
        if member.attended:
            self.go_to(pid)
        else:
            self.set_status(
                f"{self._member_name(pid)}: {skip_reason(member)}; attendance only, no narrative"
            )

    # --- attendance (the sessions' attendance form, one key per member) -----------------

    @editing
    def action_attendance(self) -> None:
        """Record or correct the roster's attendance; the members' parts follow it."""
        from tplan.ui.forms.attendance_form import AttendanceForm

        if self.session.cancelled or (self.note.signed and not self._open_members()):
            self.set_status("Signed or cancelled: attendance is no longer changed here.")
            return
        self.collect()
        form = AttendanceForm(self.tplan.workspace, self.session, self.group.name)
        self.app.push_screen(form, self._attendance_recorded)

    def _attendance_recorded(self, result: tuple[Session, Any] | None) -> None:
        if result is None:
            return
        self.session = result[0]
        self.note = self.tplan.workspace.with_attendance(self.note, self.session)
        present = self._show_present()
        self.set_status(f"Attendance recorded: {len(present)} present.")
        if not self.note.shared.content.strip() and not self.note.signed:
            self._focus_shared()
        elif self.current is not None and not self._part_locked():
            self.query_one("#gs-ratings", RatingsBar).focus()

    # --- ratings ------------------------------------------------------------------------

    def action_ratings(self) -> None:
        if self._part() is not None and not self._part_locked():
            self.query_one("#gs-ratings", RatingsBar).focus()

    @on(RatingsBar.Rated)
    def _rated(self, event: RatingsBar.Rated) -> None:
        part = self._part()
        if part is None or self._part_locked():
            return
        update: dict[str, Any] = {}
        if event.kind == "participation":
            update["participation"] = event.value
        elif event.kind == "craving":
            value = event.value
            if value == 0 and part.craving == 1 and self._last_craving_key == 1:
                value = 10
            update["craving"] = value
        elif event.kind == "use":
            index = next(i for i, u in enumerate(USE_CYCLE) if u == part.use)
            update["use"] = USE_CYCLE[(index + 1) % len(USE_CYCLE)]
        elif event.kind == "no_change":
            self.action_no_change()
            return
        self._last_craving_key = event.value if event.kind == "craving" else None
        self._replace_part(part.model_copy(update=update))
        self._show_member_title()
        if event.kind == "participation":
            sections = member_sections(self.note.format)
            first = SECTION_IDS[len(SECTION_IDS) - len(sections)]
            self.query_one(f"#{first}", TextArea).focus()

    _last_craving_key: object = None

    def action_no_change(self) -> None:
        """Rate every objective of the member not rated yet "no change" (one key)."""
        part = self._part()
        if part is None or self._part_locked():
            return
        rated = {o.objective_id for o in part.objectives_addressed}
        added = [
            ObjectiveProgress(objective_id=o.id, rating=ProgressRating.NO_CHANGE)
            for o in self._member_objectives(part.patient_id)
            if o.id not in rated
        ]
        self._replace_part(
            part.model_copy(update={"objectives_addressed": [*part.objectives_addressed, *added]})
        )
        self._show_objectives()
        self._show_member_title()

    def action_rate_objective(self, key: str) -> None:
        part = self._part()
        objectives = self.query_one("#gs-objectives", ObjectiveList)
        index = objectives.highlighted
        if part is None or index is None or self._part_locked():
            return
        items = self._member_objectives(part.patient_id)
        if index >= len(items):
            return
        objective_id = items[index].id
        kept = [o for o in part.objectives_addressed if o.objective_id != objective_id]
        if key in RATING_KEYS:
            kept.append(ObjectiveProgress(objective_id=objective_id, rating=RATING_KEYS[key]))
        self._replace_part(part.model_copy(update={"objectives_addressed": kept}))
        self._show_objectives()
        self._show_member_title()
        if index + 1 < len(items):
            objectives.highlighted = index + 1

    def action_copy_plan(self) -> None:
        """Copy the member's plan line from their last group note (only on this key)."""
        part = self._part()
        if part is None or self._part_locked():
            return
        plan = self.query_one(f"#{SECTION_IDS[-1]}", TextArea)
        if plan.text.strip():
            self.set_status("The plan already has text; clear it to copy the last plan.")
            return
        previous = self.tplan.workspace.previous_plan(part.patient_id, self.session.on)
        if previous is None:
            self.set_status(
                f"{self._member_name(part.patient_id)} has no earlier group plan to copy."
            )
            return
        plan.text = previous
        plan.focus()
        self.set_status("Copied the plan of the last group note; edit it as needed.")

    def action_format(self) -> None:
        """Next note format (DAP, BIRP, SOAP) while no member's part holds text."""
        if self.note.signed:
            return
        self.collect()
        if any(m.written for m in self.note.members):
            self.set_status("Members' parts hold text: the format can no longer change.")
            return
        formats = list(NoteFormat)
        following = formats[(formats.index(self.note.format) + 1) % len(formats)]
        self.note = self.note.model_copy(update={"format": following})
        self._show_member()
        self._show_header()
        self.set_status(
            f"Format {following.value}: the shared part goes to {SHARED_SECTION[following]}."
        )

    # --- saving and signing -------------------------------------------------------------

    def _validated(self, signed: str) -> GroupNote | None:
        """The note as typed, validated; None, with the reason in the status line, when it does
        not validate or is signed with nobody left to document (``signed`` says what to do
        instead)."""
        if self.note.signed and not self._open_members():
            self.set_status(signed)
            return None
        try:
            return GroupNote.model_validate(self.collect().model_dump())
        except ValidationError as exc:
            self.set_status("Not saved: " + "; ".join(friendly_errors(exc)), error=True)
            return None

    @editing
    def action_save(self) -> None:
        note = self._validated("Signed: corrections are addenda on one member's note.")
        if note is not None:
            self.set_status("Saving…")
            self._save(note)

    @work(thread=True, exclusive=True, group=WORKERS, exit_on_error=False)
    def _save(self, note: GroupNote) -> GroupNote:
        return self.tplan.workspace.save_group_note(note, self.session)

    @editing
    def action_sign(self) -> None:
        note = self._validated("This group is already signed.")
        if note is None:
            return
        ws = self.tplan.workspace
        if problem := ws.signing_time_problem(self.session):
            self.set_status(f"Not signed: {problem}", error=True)
            return
        roster = {pid: self._member_name(pid) for pid in self.patients}
        findings = ws.group_note_findings(note)
        described = [describe_finding(f, roster) for f in findings]
        if findings and self.tplan.settings.refuses("group_confidentiality"):
            self.set_status(
                "Not signed: " + "; ".join(described) + " (the settings refuse this)", error=True
            )
            return
        signable = note.signable()
        if not signable and note.signed:
            self.set_status(self._signed_text())
            return
        if not signable:
            self.set_status("Nobody to sign: no member recorded present has a written part.")
            return
        self.app.push_screen(
            ConfirmDialog(self._sign_question(note, described), yes=f"Sign {len(signable)}"),
            lambda yes: self._sign(note) if yes else self.set_status("Not signed."),
        )

    def _sign_question(self, note: GroupNote, described: list[str]) -> str:
        signed = [self._member_name(m.patient_id) for m in note.signable()]
        skipped = [
            f"{self._member_name(m.patient_id)} ({reason})"
            for m in note.members
            if m.patient_id not in note.signed_members and (reason := skip_reason(m))
        ]
        lines = [f"Sign {notes(len(signed))} (locked): " + ", ".join(signed) + "."]
        if note.signed:
            lines.append(
                f"Added to the group signed {note.signed_at:%a %d %b %H:%M}. Signed after "
                "the day of the session, a note shows as a late entry."
            )
        if skipped:
            lines.append("Skipped: " + ", ".join(skipped) + ".")
        if described:
            lines.append("⚠ Another member is named: " + "; ".join(described) + ".")
        return "\n".join(lines)

    @work(thread=True, exclusive=True, group=WORKERS, exit_on_error=False)
    def _sign(self, note: GroupNote) -> SignedGroup:
        return self.tplan.workspace.sign_group_note(
            note, refuse_findings=self.tplan.settings.refuses("group_confidentiality")
        )

    @on(Worker.StateChanged)
    def _worker_done(self, event: Worker.StateChanged) -> None:
        if event.worker.group != WORKERS or event.worker.node is not self:
            return
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            if isinstance(error, NobodyNewToSign):
                self.set_status(self._signed_text(), error=True)
                return
            reason = str(error) if isinstance(error, StoreError | ValueError) else "unexpected"
            self.set_status(f"Nothing was saved: {reason}", error=True)
            return
        if event.state != WorkerState.SUCCESS:
            return
        result = event.worker.result
        if isinstance(result, GroupNote):
            self.note = self.saved = result
            saved = "the parts still to sign" if result.signed else "the group as a draft"
            self.set_status(f"Saved {saved} ({self.session.on:%a %d %b}).")
        else:
            self.note = self.saved = result.note
            for pid in result.signed:
                self.tplan.caseload_changed(pid)
            waiting = len(self.note.to_document())
            now = f" Now signed: {self._names(result.signed)}." if len(result.signed) <= 3 else ""
            still = (
                f" To document: {waiting}."
                if waiting
                else " Corrections are addenda on one member's note."
            )
            self.set_status(
                f"Signed {notes(len(result.signed))}; skipped {len(result.skipped)}.{now}{still}"
            )
            self._lock()
        self._show_roster()
        self._show_member_title()
        self._show_header()

    def _lock(self) -> None:
        """What signing (or the program's cancelling) locked is read only: the shared part and
        the signed members' parts; a member not signed yet stays editable."""
        shared = self.note.signed or self.session.cancelled
        if self.note.signed:
            self.query_one("#gs-shared-title", Static).update(
                literal(f"Shared part · {SIGNED_MARK} signed, read only · minutes")
            )
        for widget in self.query("#gs-topic, #gs-content, #gs-duration"):
            widget.disabled = shared
        member = self._part_locked()
        for widget in self.query(".gs-section, #gs-risk, #gs-ratings"):
            widget.disabled = member
        focused = self.focused
        if member or self._part() is None:
            self.query_one("#gs-roster", OptionList).focus()
        elif focused is None or focused.disabled:
            self.query_one("#gs-ratings", RatingsBar).focus()

    # --- another counselor's saves (a clinic database, tplan.ui.live) -------------------

    def shows(self, kind: str, record_id: str) -> bool:
        """Might a save of this group or session ("": anything) change this screen? Any
        session may be this one's occurrence once stored: ``changed_elsewhere`` checks."""
        return kind in ("", "session") or (kind == "group" and record_id == self.group.id)

    def changed_elsewhere(self, kind: str = "", record_id: str = "") -> None:
        """Another session saved this session, its attendance or its group note: follow the
        attendance, and the note itself unless text typed here is unsaved (it is kept)."""
        if not self.ready:
            return
        ws = self.tplan.workspace
        before = self.session.id
        session = ws.session(self.session_key)
        if kind == "session" and record_id not in (before, session.id):
            return
        typed = self.dirty
        note = self.collect()
        self.session = session
        if typed:
            note = note.model_copy(update={"session_id": session.id})
            self.note = ws.with_attendance(note, session)
        else:
            self.note = self.saved = ws.group_note(session, note.format)
            shared = self.note.shared
            self.query_one("#gs-topic", Input).value = shared.topic
            self.query_one("#gs-content", TextArea).text = shared.content
            self.query_one("#gs-duration", Input).value = str(shared.duration_minutes or "")
        self._show_present()
        if self.note.signed or self.session.cancelled:
            self._lock()
        kept = " Your unsaved text is kept." if typed else ""
        self.set_status(f"Another counselor changed this session; shown as saved now.{kept}")

    # --- leaving ------------------------------------------------------------------------

    def action_back(self) -> None:
        if not self.dirty:
            self.dismiss()
            return
        self.app.push_screen(
            ConfirmDialog("The group has unsaved text. Leave and discard it?"),
            lambda discard: self.dismiss() if discard else None,
        )

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Save group drafts", "Save every part as a draft (ctrl+s)", self.action_save
        )
        yield SystemCommand(
            "Sign the group", "Sign every written member (ctrl+g)", self.action_sign
        )
        yield SystemCommand(
            "Copy last plan", "The member's plan of the last group (ctrl+l)", self.action_copy_plan
        )


def open_group_session(app: TplanApp, key: SessionKey) -> None:
    """Show the group session screen of ``key``."""
    app.push_screen(GroupSessionScreen(key))


def document_todays_group(app: TplanApp) -> None:
    """``G``: today's group session at once, or a choice when several groups meet today."""
    from tplan.ui.forms.group_picker import GroupPicker

    today = app.today()
    sessions = app.workspace.group_sessions_on(today)
    if not sessions:
        app.notify("No group meets today; the palette's 'Document a group' lists the others.")
    elif len(sessions) == 1:
        open_group_session(app, sessions[0][1])
    else:
        app.push_screen(
            GroupPicker(f"Groups of {day_text(today)}", sessions),
            lambda key: open_group_session(app, key) if key else None,
        )


def choose_group_session(app: TplanApp) -> None:
    """The group list: every group's latest session, to document (or read) it."""
    from tplan.ui.forms.group_picker import GroupPicker

    sessions = app.workspace.latest_group_sessions(app.today())
    if not sessions:
        app.notify("No group has met in the last two weeks.")
        return
    app.push_screen(
        GroupPicker("Document a group session", sessions),
        lambda key: open_group_session(app, key) if key else None,
    )
