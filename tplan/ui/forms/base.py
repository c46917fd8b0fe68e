"""The modal form every editor is built on.

A form composes ``FieldRow``s, turns their values into a domain payload in ``build`` (pure, run
after every change so messages appear as the counselor types) and hands the payload to
``persist`` in a thread worker. A successful save dismisses with the worker's result (the
updated Patient for most forms); a refused save keeps the form open, typed text intact, with
the message beside the field it concerns or in the status line.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from pydantic import ValidationError
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, RadioSet, Select, Static, Switch, TextArea
from textual.worker import Worker, WorkerState

from tplan.domain import Patient, friendly_errors, new_id
from tplan.domain.dates import parse_date
from tplan.services import ConflictError, RecordRuleError, StoreError
from tplan.ui.compat import RestylesOnlyWhenStale
from tplan.ui.forms.confirm import ConfirmDialog
from tplan.ui.forms.fields import DateInput, FieldRow, Fields, date_input, literal
from tplan.ui.forms.parsing import parse_int, parse_number
from tplan.ui.read_only import READ_ONLY_MESSAGE
from tplan.ui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from tplan.services import Workspace

R = TypeVar("R")
M = TypeVar("M")
T = TypeVar("T")

SAVE_GROUP = "form-save"
_SKIPPED_LOC_PARTS = ("function-", "constrained-", "tagged-union", "list[")


class FormInvalid(Exception):
    """Typed values that do not parse: field key -> message ("" = the whole form)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(f"{len(errors)} field(s) need attention")
        self.errors = errors


CHOICE_ROOM = 7
"""Rows a short choice list (rating, status) needs below its field."""


class FieldReader:
    """Reads typed values by field key while collecting every message, not just the first."""

    def __init__(self, form: FormScreen[Any]) -> None:
        self._form = form
        self.errors: dict[str, str] = {}

    def _input(self, key: str) -> str:
        widget = self._form.query_one(f"#{key}")
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Input):
            return widget.value
        raise TypeError(f"field {key} is not a text field")

    def text(self, key: str) -> str:
        """The text exactly as typed (single-line inputs are trimmed of outer spaces)."""
        widget = self._form.query_one(f"#{key}")
        return widget.value.strip() if isinstance(widget, Input) else self._input(key)

    def _parsed(self, key: str, parse: Callable[[], Any], required: bool) -> Any:
        """``parse()``'s value; its ValueError, or nothing when ``required``, is the field's
        message."""
        try:
            value = parse()
        except ValueError as exc:
            self.errors[key] = str(exc)
            return None
        if value is None and required:
            self.errors[key] = "is required"
        return value

    def date(self, key: str, *, required: bool = False) -> date | None:
        widget = self._form.query_one(f"#{key}", DateInput)
        return self._parsed(
            key, lambda: parse_date(widget.value, self._form.today(), widget.direction), required
        )

    def int(self, key: str, low: int, high: int, *, required: bool = False) -> int | None:
        return self._parsed(key, lambda: parse_int(self._input(key), low, high), required)

    def number(
        self, key: str, low: float, high: float, *, required: bool = False, above_low: bool = False
    ) -> float | None:
        return self._parsed(
            key, lambda: parse_number(self._input(key), low, high, above_low=above_low), required
        )

    def choice(self, key: str, *, required: bool = True) -> Any:
        value = self._form.query_one(f"#{key}", Select).value
        if value is Select.NULL:
            if required:
                self.errors[key] = "choose one"
            return None
        return value

    def flag(self, key: str) -> bool:
        widget = self._form.query_one(f"#{key}")
        assert isinstance(widget, Checkbox | Switch)
        return bool(widget.value)

    def radio(self, key: str) -> int:
        return self._form.query_one(f"#{key}", RadioSet).pressed_index

    def model(self, factory: Callable[[], M]) -> M | None:
        """Build a domain record now, so its messages show together with the others."""
        try:
            return factory()
        except ValidationError as exc:
            for key, message in self._form.errors_from(exc).items():
                self.errors.setdefault(key, message)
            return None

    def fail(self, key: str, message: str) -> None:
        self.errors.setdefault(key, message)

    def check(self) -> None:
        """Raise FormInvalid when anything typed did not parse."""
        if self.errors:
            raise FormInvalid(dict(self.errors))


def person_name(app: Any, patient: Patient) -> str:
    """The patient's name as the app shows it (initials when privacy is on)."""
    show = getattr(app, "person_name", None)
    return show(patient) if callable(show) else patient.display_name


def find_record(items: Sequence[Any], item_id: str | None, what: str) -> Any:
    """The item with ``item_id`` (None for a new one); LookupError when the record has none."""
    if item_id is None:
        return None
    found = next((item for item in items if item.id == item_id), None)
    if found is None:
        raise LookupError(f"no {what} {item_id} in this record")
    return found


def find_under(
    parents: Iterable[Any], children: Callable[[Any], Sequence[Any]], item_id: str | None, what: str
) -> tuple[Any, str | None]:
    """The item with ``item_id`` among the ``children`` of ``parents``, with its parent's id
    ((None, None) for a new one); LookupError when the plan has none."""
    if item_id is None:
        return None, None
    for parent in parents:
        found = next((item for item in children(parent) if item.id == item_id), None)
        if found is not None:
            return found, parent.id
    raise LookupError(f"no {what} {item_id} in this plan")


def private_record_text(app: Any, patient: Patient, shown: Any) -> Any:
    """What a screen shows of ``patient``'s record, with every name the records know as
    initials while privacy is on (the app's names and this record's own supports)."""
    if not getattr(app, "privacy", False):
        return shown
    from tplan.domain.privacy import name_pattern
    from tplan.ui.widgets.privacy import mask_renderable

    return app.private(mask_renderable(shown, name_pattern(patient)))


class FormScreen(RestylesOnlyWhenStale, ModalScreen[R], Generic[R]):
    """Base of every modal form: ctrl+s saves, escape cancels (asking when typed text would go)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="save", priority=True),
        # Priority, so the focus moves when tab arrives: bubbling up from the field, it moved
        # only after the keys typed behind it had been handed to the field it was leaving.
        Binding("tab", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
        Binding("escape", "cancel", "Cancel", id="cancel"),
        # a modal screen hides the app's bindings, F1 among them: the form lists its own keys
        Binding("f1", "app.help", "Help", id="help"),
    ]
    DEFAULT_CLASSES = "form-screen"
    MODEL_ERROR_KEY: ClassVar[str] = ""
    """The field beside which errors about the whole record (no location) are shown."""
    NOUN: ClassVar[str] = "record"
    BODY_FOCUSABLE: ClassVar[bool] = False
    """True when the body is mostly reading (the decision panel): it takes focus to scroll."""
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = []
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = []
    """None of the app's breakpoint classes: a form has its own ``-wide`` (``_fit``), and the
    app's (``-wide`` from 120 columns) would restyle every field twice as a form opens."""

    def __init__(self, workspace: Workspace, patient_id: str | None) -> None:
        super().__init__()
        self.workspace = workspace
        self.patient_id = patient_id
        self.patient: Patient | None = None
        self.opened_version: int | None = None
        """The record's version when the form opened: the save is refused (ConflictError)
        if someone else saved the patient since."""
        if patient_id:
            self.patient, self.opened_version = workspace.patient_with_version(patient_id)
        self._initial: dict[str, tuple[Any, ...]] = {}
        self._show_all = False
        self._status_shown: tuple[str, bool] | None = None
        """What the status line says now (message, error)."""
        self._saving = False
        self._done = False

    # --- what subclasses provide -------------------------------------------------------

    def heading(self) -> str:
        """"Edit risk" / "New risk" for a form that edits a record (``original``), else the noun."""
        if hasattr(self, "original"):
            return f"{'Edit' if self.original else 'New'} {self.NOUN}"
        return self.NOUN.capitalize()

    def compose_fields(self) -> ComposeResult:
        raise NotImplementedError

    def build(self) -> Any:
        """The payload to save, from the typed values. Pure; raises FormInvalid/ValidationError."""
        raise NotImplementedError

    def persist(self, payload: Any) -> R:
        """Save the payload through the workspace. Runs in a worker thread."""
        raise NotImplementedError

    def fields(self) -> Fields:
        """The builder of this form's field rows, starting from the record it edits
        (``original``, when the form has one)."""
        return Fields(getattr(self, "original", None), self.today)

    # --- time and people ------------------------------------------------------------------

    def day_row(self, label: str, key: str, **row: Any) -> FieldRow:
        """A required date field that starts as today (``row``: FieldRow's hint, claims)."""
        field = date_input(key, self.today(), self.today, required=True)
        return FieldRow(label, field, **row)

    @property
    def clock(self) -> Any:
        """The app's clock when there is one (tests fix "today" there), else the workspace's."""
        return getattr(self.app, "clock", None) or self.workspace.clock

    def today(self) -> date:
        return self.clock.today()

    def now(self) -> datetime:
        return self.clock.now()

    def who(self, patient: Patient | None = None) -> str:
        patient = patient or self.patient
        return person_name(self.app, patient) if patient else ""

    def title_line(self) -> Content:
        parts = [self.heading()]
        if self.patient is not None:
            parts.append(self.who())
        return literal(" · ".join(parts))

    # --- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._fit(self.app.size.width, self.app.size.height)  # before the fields: no restyle
        with Vertical(id="form-frame"):
            yield Static(self.title_line(), id="form-title")
            with VerticalScroll(id="form-body", can_focus=self.BODY_FOCUSABLE):
                yield from self.compose_fields()
            yield Static("", id="form-status", markup=False)
        yield KeyFooter(compact=False, show_command_palette=True)

    def on_mount(self) -> None:
        self._initial = self._snapshot()
        if self.read_only:
            self.set_status("")
        if self.patient is not None and hasattr(self.app, "privacy"):
            self.watch(self.app, "privacy", self._privacy_changed, init=False)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width, event.size.height)

    def _fit(self, width: int, height: int) -> None:
        """Use the room on large terminals: wider labels and taller text areas."""
        self.set_class(width >= 140 and height >= 45, "-wide")

    def _privacy_changed(self, _privacy: bool) -> None:
        self.query_one("#form-title", Static).update(self.title_line())

    @on(events.DescendantFocus)
    async def _room_for_choices(self, event: events.DescendantFocus) -> None:
        """A choice list opens below its field (the open list takes the focus): a field near
        the frame's bottom edge is scrolled up first (with blank room added after the last
        field when needed), so the list stays inside the frame instead of over its border."""
        select = event.widget.parent
        if not isinstance(select, Select):
            return
        body = self.query_one("#form-body", VerticalScroll)
        short = CHOICE_ROOM - (body.content_region.bottom - select.region.bottom)
        if short <= 0:
            return
        if body.max_scroll_y - body.scroll_y < short and not body.query(".choice-room"):
            spacer = Static("", classes="choice-room")
            spacer.styles.height = CHOICE_ROOM
            await body.mount(spacer)
        self.call_after_refresh(body.scroll_to, y=body.scroll_y + short, animate=False)

    # --- dirty tracking ----------------------------------------------------------------

    def _snapshot(self) -> dict[str, tuple[Any, ...]]:
        return {row.key: row.snapshot() for row in self.query(FieldRow)}

    def _changed_keys(self) -> set[str]:
        # a row mounted a moment ago (the note form's lower blocks) whose first values are not
        # recorded yet holds nothing typed: it is not a change
        now = self._snapshot()
        return {key for key, values in now.items()
                if key in self._initial and self._initial[key] != values}

    @property
    def dirty(self) -> bool:
        """True while something was typed or chosen that is not saved yet."""
        return not self._done and bool(self._changed_keys())

    # --- validation as you type --------------------------------------------------------

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(Switch.Changed)
    @on(RadioSet.Changed)
    def _value_changed(self) -> None:
        if self.is_mounted and self._initial:
            self.revalidate()

    def field_key_for(self, loc: Sequence[int | str]) -> str:
        """The field beside which a pydantic error at ``loc`` belongs ("" = status line)."""
        path = [
            part
            for part in loc
            if isinstance(part, str) and not part.startswith(_SKIPPED_LOC_PARTS)
        ]
        if not path:
            return self.MODEL_ERROR_KEY
        claims = {claim: row.key for row in self.query(FieldRow) for claim in row.claims}
        for end in range(len(path), 0, -1):
            dotted = ".".join(path[:end])
            if dotted in claims:
                return claims[dotted]
        for part in reversed(path):
            if part in claims:
                return claims[part]
        return ""

    def errors_from(self, exc: ValidationError) -> dict[str, str]:
        errors: dict[str, str] = {}
        for error, sentence in zip(exc.errors(), friendly_errors(exc), strict=True):
            key = self.field_key_for(error["loc"])
            message = sentence.split(": ", 1)[-1] if key else sentence
            errors.setdefault(key, message)
        return errors

    def current_errors(self) -> dict[str, str]:
        try:
            self.build()
        except FormInvalid as exc:
            return exc.errors
        except ValidationError as exc:
            return self.errors_from(exc)
        except ValueError as exc:
            return {self.MODEL_ERROR_KEY: str(exc)}
        return {}

    def revalidate(self, errors: dict[str, str] | None = None) -> dict[str, str]:
        """Show messages beside fields: changed ones while typing, all after a save attempt."""
        if errors is None:
            errors = self.current_errors()
        changed = self._changed_keys()
        rows = list(self.query(FieldRow))
        owner = {claim: row.key for row in rows for claim in row.claims}
        by_row: dict[str, str] = {}
        orphans: list[str] = []
        for key, message in errors.items():
            if key in owner:
                by_row.setdefault(owner[key], message)
            else:
                orphans.append(message)
        for row in rows:
            show = self._show_all or row.key in changed
            row.show_error(by_row.get(row.key) if show else None)
        self.set_status("; ".join(orphans) if orphans and self._show_all else "")
        return errors

    @property
    def read_only(self) -> bool:
        return bool(getattr(self.workspace, "read_only", False))

    def set_status(self, message: str, *, error: bool = True) -> None:
        if not message and self.read_only:  # the standing reason why saving will fail
            message, error = READ_ONLY_MESSAGE, False
        status = self.query_one("#form-status", Static)
        if (message, error) == self._status_shown:
            return  # validation runs after every change: an unchanged line costs no layout
        self._status_shown = (message, error)
        status.update(literal(message))
        status.set_class(bool(message) and error, "-error")
        status.set_class(bool(message) and not error, "-info")

    def field_errors(self) -> dict[str, str]:
        """The messages shown beside fields right now (for tests and help)."""
        return {row.key: row.error for row in self.query(FieldRow) if row.error}

    def _focus_first_error(self, keys: Iterable[str]) -> None:
        rows = list(self.query(FieldRow))
        owner = {claim: row.key for row in rows for claim in row.claims}
        wanted = {owner.get(key, key) for key in keys}
        for row in rows:
            if row.key in wanted and row.display:
                target = row.widget if row.widget.focusable else None
                if target is None:
                    target = next((w for w in row.widget.query("*") if w.focusable), None)
                if target is not None:
                    target.focus()
                    row.scroll_visible()
                return

    # --- saving ------------------------------------------------------------------------

    def checked_payload(self) -> Any | None:
        """Build the payload, or show every message and return None."""
        self._show_all = True
        try:
            payload = self.build()
        except (FormInvalid, ValidationError, ValueError):
            errors = self.revalidate()
            self._focus_first_error(errors)
            if not self.query_one("#form-status", Static).has_class("-error"):
                self.set_status("Not saved: fix the fields marked ✖")
            return None
        self.revalidate({})
        return payload

    async def typed_keys_landed(self) -> None:
        """Let the focused field take the keys typed before this one. A priority key (ctrl+s,
        ctrl+g) runs the moment it arrives, while the keys typed just before it still wait in
        the field's queue: a craving typed right before ctrl+s was saved empty. A callback
        queued behind them runs once they are in."""
        focused = self.focused
        if focused is None:
            return
        landed = asyncio.Event()
        focused.call_later(landed.set)
        with contextlib.suppress(TimeoutError):  # a field closing meanwhile answers no more
            await asyncio.wait_for(landed.wait(), 1.0)

    async def action_save(self) -> None:
        await self.typed_keys_landed()
        if self._saving or self._done:
            return
        payload = self.checked_payload()
        if payload is not None:
            self.start_save(payload)

    def start_save(self, payload: Any) -> None:
        self._saving = True
        self.set_status("Saving…", error=False)
        self._persist_worker(payload)

    @work(thread=True, exclusive=True, exit_on_error=False, group=SAVE_GROUP)
    def _persist_worker(self, payload: Any) -> R:
        with self.workspace.expecting(self.patient_id, self.opened_version):
            return self.persist(payload)

    @on(Worker.StateChanged)
    def _save_finished(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != SAVE_GROUP or worker.node is not self:
            return
        if event.state == WorkerState.SUCCESS:
            self._saving = False
            self._done = True
            self.dismiss(worker.result)
        elif event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self._saving = False
            self.show_save_error(worker.error)

    def show_save_error(self, error: BaseException | None) -> None:
        """Keep the form open with the reason; never echo record content from a traceback."""
        if isinstance(error, ValidationError):
            errors = self.errors_from(error)
            self.revalidate(errors)
            self._focus_first_error(errors)
            self.set_status("Not saved: " + "; ".join(friendly_errors(error)[:2]))
            return
        if isinstance(error, RecordRuleError):
            self._show_all = True
            self.revalidate({error.field: error.message})
            self._focus_first_error([error.field])
        if isinstance(error, ConflictError) and self.patient_id:
            # keep the typed text; show the newer record beneath and save against it next time
            self.patient, self.opened_version = self.workspace.patient_with_version(
                self.patient_id
            )
            changed = getattr(self.app, "patient_changed_elsewhere", None)
            if changed is not None:
                changed(self.patient_id)
        self.set_status(f"Not saved: {save_error_message(error)}")

    # --- cancelling --------------------------------------------------------------------

    def action_cancel(self) -> None:
        if self._saving:
            return
        if self.dirty:
            self.app.push_screen(ConfirmDialog("Discard your changes?"), self._discard_answer)
        else:
            self.dismiss(None)

    def _discard_answer(self, discard: bool | None) -> None:
        if discard:
            self._done = True
            self.dismiss(None)


class RecordForm(FormScreen[Patient | None], Generic[T]):
    """A form that adds a record to one of the patient's lists (``records``) or edits one."""

    ID_PREFIX: ClassVar[str]
    """The prefix of a new record's id (``new_id``)."""

    def __init__(self, workspace: Workspace, patient_id: str, record_id: str | None = None):
        super().__init__(workspace, patient_id)
        assert self.patient is not None
        self.original: T | None = find_record(self.records(self.patient), record_id, self.NOUN)
        self.record_id = record_id or new_id(self.ID_PREFIX)

    def records(self, patient: Patient) -> Sequence[T]:
        """The patient's list of this form's records."""
        raise NotImplementedError


def save_error_message(error: BaseException | None) -> str:
    """A sentence for the status line. Store and use-case errors are written to be shown;
    anything unexpected is named by its type only, as its text could quote record content."""
    if error is None:
        return "the save was interrupted"
    if isinstance(error, StoreError | ValueError | LookupError):
        return str(error) or type(error).__name__
    if isinstance(error, OSError):
        return f"the file could not be written ({error.strerror or type(error).__name__})"
    return f"unexpected {type(error).__name__}; nothing was saved"
