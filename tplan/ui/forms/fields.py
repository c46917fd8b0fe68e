"""A labelled field row with its validation message beside the widget, and value helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from enum import StrEnum
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.validation import Validator
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, RadioSet, Select, Static, Switch, TextArea

from tplan.domain.dates import DATE_HINT, Direction, parse_date
from tplan.ui.compat import ListOnDemandSelect
from tplan.ui.forms.parsing import Parsed
from tplan.ui.widgets.toggles import Tick

VALUE_WIDGETS = (Input, TextArea, Select, Checkbox, Switch, RadioSet)
"""Widgets whose value a form reads (and compares to decide whether it is dirty)."""


def widget_value(widget: Widget) -> Any:
    """The current value of one input widget, comparable between two moments."""
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, RadioSet):
        return widget.pressed_index
    if isinstance(widget, Input | Select | Checkbox | Switch):
        return widget.value
    return None


def enum_options(
    enum: type[StrEnum], labels: dict[Any, str] | None = None
) -> list[tuple[str, Any]]:
    """Select options for an enum: a readable label for every member."""
    labels = labels or {}
    return [(labels.get(member, member.value.replace("_", " ")), member) for member in enum]


def literal(text: str) -> Content:
    """User text as content that is never read as markup."""
    return Content(text)


class FieldRow(Horizontal):
    """A label, one input widget (or a group of them) and the message for that field.

    ``key`` names the field for error mapping (by default the widget's id, which every widget
    factory below sets to the field's key); ``claims`` are further pydantic locations (dotted,
    list indices dropped) whose errors belong beside this field.
    """

    DEFAULT_CLASSES = "field-row"

    def __init__(
        self,
        label: str,
        widget: Widget,
        *,
        key: str | None = None,
        claims: Iterable[str] = (),
        hint: str = "",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        key = key or widget.id
        if key is None:
            raise ValueError(f"the {label!r} field needs a key: its widget has no id")
        super().__init__(id=id or f"row-{key}", classes=classes)
        self.label = label
        self.widget = widget
        self.key = key
        self.claims = (key, *claims)
        self.hint = hint
        self.error = ""
        """The message shown beside the field ("" when none)."""
        self._label = Label(literal(label), classes="field-label")

    def compose(self) -> ComposeResult:
        yield self._label
        with Vertical(classes="field-body"):
            yield self.widget
            if self.hint:
                yield Static(literal(self.hint), classes="field-hint")
        # the message line is mounted with the first message: most fields never need one,
        # and a form of 20 fields opens faster without 20 empty widgets

    # The focus and error marks are classes on the label they style, not on the row: a class
    # change restyles the node and its whole subtree, and a row such as the screen results
    # holds dozens of widgets (measured: 47 ms a focus change on the note form under a
    # profiler). Not :focus-within either: Textual restyles a pseudo-class change on the row
    # only, so the label kept its old style and the focused row looked like the others.
    def on_descendant_focus(self, _event: events.DescendantFocus) -> None:
        self._label.add_class("-focused")

    def on_descendant_blur(self, _event: events.DescendantBlur) -> None:
        self._label.remove_class("-focused")

    def snapshot(self) -> tuple[Any, ...]:
        """Values of every input widget inside this row (rows may grow, e.g. screen results)."""
        return tuple(widget_value(w) for w in self.query("*") if isinstance(w, VALUE_WIDGETS))

    def show_error(self, message: str | None) -> None:
        if (message or "") == self.error:
            return  # the form revalidates after every change: most rows say the same again
        self.error = message or ""
        self._label.set_class(bool(message), "-invalid")
        shown = literal(f"✖ {message}") if message else Content("")
        errors = self.query(".field-error").results(Static)
        error = next(errors, None)
        if error is None:
            if not message:
                return
            error = Static(shown, classes="field-error -shown", markup=False)
            self.query_one(".field-body", Vertical).mount(error)
            return
        error.update(shown)
        error.set_class(bool(message), "-shown")


# --- widget factories: every form builds its fields the same way ---------------------------


def text_input(
    key: str,
    value: str = "",
    *,
    placeholder: str = "",
    classes: str = "",
    validators: list[Validator] | None = None,
) -> Input:
    return Input(
        value,
        placeholder=placeholder,
        id=key,
        classes=classes,
        validators=validators,
        valid_empty=True,
        compact=True,
    )


class DateInput(Input):
    """A date: ISO or a shortcut (``t``, ``y``, ``+30``, ``mon``, ``11/27``, ``27 Nov``), checked
    as it is typed; leaving the field shows the date the shortcut became."""

    def __init__(
        self,
        value: date | None,
        today: Callable[[], date],
        *,
        id: str,
        required: bool = False,
        direction: Direction = "past",
    ) -> None:
        self.today = today
        self.required = required
        self.direction: Direction = direction
        super().__init__(
            value.isoformat() if value else "",
            placeholder=DATE_HINT,
            id=id,
            classes="-narrow -date",
            validators=[Parsed(self.parse)],
            compact=True,
        )

    def parse(self, text: str) -> date | None:
        parsed = parse_date(text, self.today(), self.direction)
        if parsed is None and self.required:
            raise ValueError("is required")
        return parsed

    def on_blur(self, _event: events.Blur) -> None:
        try:
            parsed = self.parse(self.value)
        except ValueError:
            return
        if parsed is not None and self.value != parsed.isoformat():
            self.value = parsed.isoformat()


def date_input(
    key: str,
    value: date | None,
    today: Callable[[], date],
    *,
    required: bool = False,
    direction: Direction = "past",
) -> DateInput:
    """A date field; ``direction`` says where a weekday or a date without a year falls."""
    return DateInput(value, today, id=key, required=required, direction=direction)


def number_input(key: str, value: float | int | None, parse: Callable[[str], object]) -> Input:
    shown = "" if value is None else f"{value:g}"
    return Input(shown, id=key, classes="-tiny", validators=[Parsed(parse)], compact=True)


def choice(
    key: str,
    options: list[tuple[Any, Any]],
    value: Any = None,
    *,
    blank: bool = False,
    prompt: str = "choose",
    classes: str = "-narrow",
    disabled: bool = False,
) -> Select[Any]:
    return ListOnDemandSelect(
        options,
        value=Select.NULL if value is None else value,
        allow_blank=blank or value is None,
        prompt=prompt,
        id=key,
        classes=classes,
        disabled=disabled,
        compact=True,
    )


def text_area(key: str, text: str = "", *, tall: bool = False, placeholder: str = "") -> TextArea:
    return TextArea(
        text,
        id=key,
        soft_wrap=True,
        tab_behavior="focus",
        classes="-tall" if tall else "",
        placeholder=placeholder,
        compact=True,
        highlight_cursor_line=False,
    )


def checkbox(key: str, label: str, value: bool) -> Checkbox:
    return Tick(literal(label), value, id=key, compact=True)


class Fields:
    """The field rows of a form that edits ``record`` (None: a new one), each declared once.

    A field is its label and its key: the key is the widget's id, the field's name in messages
    and the attribute of ``record`` the field starts with (``default`` for a new record).
    ``hint`` and ``claims`` are the row's (see ``FieldRow``). A field that shows something else
    than one attribute builds its ``FieldRow`` itself.
    """

    def __init__(self, record: Any, today: Callable[[], date]) -> None:
        self.record = record
        self.today = today

    def value(self, key: str, default: Any = None) -> Any:
        """What field ``key`` starts with: the record's attribute, or ``default``."""
        return default if self.record is None else getattr(self.record, key)

    def text(
        self,
        label: str,
        key: str,
        default: str = "",
        *,
        placeholder: str = "",
        classes: str = "",
        hint: str = "",
        claims: Iterable[str] = (),
    ) -> FieldRow:
        """A one-line text (None shows as blank)."""
        value = self.value(key, default) or ""
        field = text_input(key, value, placeholder=placeholder, classes=classes)
        return FieldRow(label, field, hint=hint, claims=claims)

    def area(
        self,
        label: str,
        key: str,
        default: str = "",
        *,
        tall: bool = False,
        placeholder: str = "",
        hint: str = "",
        claims: Iterable[str] = (),
    ) -> FieldRow:
        """A multi-line text."""
        field = text_area(key, self.value(key, default) or "", tall=tall, placeholder=placeholder)
        return FieldRow(label, field, hint=hint, claims=claims)

    def choice(
        self,
        label: str,
        key: str,
        options: list[tuple[Any, Any]],
        default: Any = None,
        *,
        hint: str = "",
        claims: Iterable[str] = (),
        **widget: Any,
    ) -> FieldRow:
        """One of ``options``, blank until chosen when there is no value (``widget``: the
        ``choice`` factory's classes, prompt ...)."""
        field = choice(key, options, self.value(key, default), **widget)
        return FieldRow(label, field, hint=hint, claims=claims)

    def number(
        self,
        label: str,
        key: str,
        parse: Callable[[str], object],
        default: float | None = None,
        *,
        hint: str = "",
        claims: Iterable[str] = (),
    ) -> FieldRow:
        """A number that ``parse`` checks as it is typed."""
        field = number_input(key, self.value(key, default), parse)
        return FieldRow(label, field, hint=hint, claims=claims)

    def day(
        self,
        label: str,
        key: str,
        *,
        required: bool = False,
        direction: Direction = "past",
        hint: str = "",
        claims: Iterable[str] = (),
    ) -> FieldRow:
        """A date; ``direction`` says where a weekday or a date without a year falls."""
        field = date_input(key, self.value(key), self.today, required=required, direction=direction)
        return FieldRow(label, field, hint=hint, claims=claims)

    def check(
        self, label: str, key: str, text: str, default: bool = False, *, hint: str = ""
    ) -> FieldRow:
        """A checkbox with ``text`` beside it."""
        return FieldRow(label, checkbox(key, text, self.value(key, default)), hint=hint)
