"""Editors for what surrounds the plan: strengths and needs (SNAP), risks, support people and
recovery groups. Status changes are dated, so the engine can ask what held on any day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from textual.app import ComposeResult

from tplan.domain import (
    GroupKind,
    Patient,
    Risk,
    RiskKind,
    RiskStatus,
    SnapItem,
    SnapKind,
    StatusChange,
    SupportGroup,
    SupportPerson,
    SupportRole,
    SupportStatus,
    new_id,
)
from tplan.ui.forms.base import FieldReader, FormScreen, find_record
from tplan.ui.forms.fields import (
    FieldRow,
    checkbox,
    choice,
    date_input,
    enum_options,
    number_input,
    text_area,
    text_input,
)
from tplan.ui.forms.parsing import parse_number

if TYPE_CHECKING:
    from tplan.services import Workspace

S = TypeVar("S")

SEVERITY_OPTIONS = [
    ("0 none", 0),
    ("1 mild", 1),
    ("2 moderate", 2),
    ("3 severe", 3),
    ("4 imminent", 4),
]
RISK_KIND_LABELS = {RiskKind.CO_OCCURRING: "co-occurring condition"}
GROUP_KIND_LABELS = {kind: kind.value for kind in GroupKind}


def dated(
    history: Sequence[StatusChange[Any]], current: S | None, chosen: S, on: date
) -> list[StatusChange[Any]]:
    """The history with ``chosen`` appended as of ``on`` when it differs from ``current``."""
    changes = list(history)
    if current is None or chosen != current:
        changes.append(StatusChange[type(chosen)](on=on, status=chosen))  # type: ignore[misc]
    return changes


def status_rows(enum: type[Any], current: Any, today: Any) -> ComposeResult:
    """The status select and the date the status took effect."""
    yield FieldRow(
        "Status", choice("status", enum_options(enum), current), claims=("history",)
    )
    yield FieldRow(
        "Status as of",
        date_input("status_on", today(), today, required=True),
        hint="the date it took effect",
    )


class SnapForm(FormScreen[Patient | None]):
    """A strength, need, ability or preference, in the patient's words."""

    NOUN = "strength or need"

    def __init__(self, workspace: Workspace, patient_id: str, item_id: str | None = None):
        super().__init__(workspace, patient_id)
        assert self.patient is not None
        self.original: SnapItem | None = find_record(self.patient.snap, item_id, "SNAP item")
        self.item_id = item_id or new_id("sn")

    def heading(self) -> str:
        return "Edit strength / need" if self.original else "New strength / need"

    def compose_fields(self) -> ComposeResult:
        s = self.original
        yield FieldRow(
            "Kind",
            choice("kind", enum_options(SnapKind), s.kind if s else SnapKind.STRENGTH),
        )
        yield FieldRow(
            "In their words",
            text_area("text", s.text if s else "", tall=True),
        )

    def build(self) -> SnapItem:
        r = FieldReader(self)
        kind, text = r.choice("kind"), r.text("text")
        r.check()
        return SnapItem(id=self.item_id, kind=kind, text=text)

    def persist(self, payload: SnapItem) -> Patient:
        return self.workspace.upsert_snap(self.patient_id, payload)


class RiskForm(FormScreen[Patient | None]):
    """A risk with its severity (0-4) and status; changes of either are dated."""

    NOUN = "risk"

    def __init__(self, workspace: Workspace, patient_id: str, risk_id: str | None = None):
        super().__init__(workspace, patient_id)
        assert self.patient is not None
        self.original: Risk | None = find_record(self.patient.risks, risk_id, "risk")
        self.risk_id = risk_id or new_id("rk")

    def compose_fields(self) -> ComposeResult:
        k = self.original
        yield FieldRow(
            "Kind",
            choice("kind", enum_options(RiskKind, RISK_KIND_LABELS), k.kind if k else None),
        )
        yield FieldRow(
            "Description",
            text_area("description", k.description if k else ""),
        )
        yield FieldRow(
            "Severity",
            choice("severity", SEVERITY_OPTIONS, k.severity if k else None),
            claims=("severity_history",),
        )
        yield from status_rows(RiskStatus, k.status if k else RiskStatus.ACTIVE, self.today)

    def build(self) -> Risk:
        r = FieldReader(self)
        kind, description = r.choice("kind"), r.text("description")
        severity, status = r.choice("severity"), r.choice("status")
        on = r.date("status_on", required=True)
        r.check()
        assert on is not None
        k = self.original
        severity_history = list(k.severity_history) if k else []
        if k is not None and severity != k.severity:
            if not severity_history:
                first = min(change.on for change in k.history)
                severity_history.append(StatusChange[int](on=first, status=k.severity))
            severity_history.append(StatusChange[int](on=on, status=severity))
        return Risk(
            id=self.risk_id,
            kind=kind,
            description=description,
            severity=severity,
            history=dated(k.history if k else [], k.status if k else None, status, on),
            severity_history=severity_history,
        )

    def persist(self, payload: Risk) -> Patient:
        return self.workspace.upsert_risk(self.patient_id, payload)


class SupportForm(FormScreen[Patient | None]):
    """A person in the support system: role, contact, sober support or not, status."""

    NOUN = "support person"

    def __init__(self, workspace: Workspace, patient_id: str, support_id: str | None = None):
        super().__init__(workspace, patient_id)
        assert self.patient is not None
        self.original: SupportPerson | None = find_record(
            self.patient.supports, support_id, "support person"
        )
        self.support_id = support_id or new_id("sp")

    def compose_fields(self) -> ComposeResult:
        s = self.original
        yield FieldRow("Name", text_input("name", s.name if s else ""))
        yield FieldRow(
            "Role", choice("role", enum_options(SupportRole), s.role if s else None)
        )
        yield FieldRow(
            "Contact",
            text_input("contact", s.contact if s else "", placeholder="phone or e-mail"),
        )
        yield FieldRow(
            "Sober support",
            checkbox("sober_support", "supports recovery", s.sober_support if s else False),
        )
        yield from status_rows(SupportStatus, s.status if s else SupportStatus.ACTIVE, self.today)

    def build(self) -> SupportPerson:
        r = FieldReader(self)
        name, role, contact = r.text("name"), r.choice("role"), r.text("contact")
        sober, status = r.flag("sober_support"), r.choice("status")
        on = r.date("status_on", required=True)
        r.check()
        assert on is not None
        s = self.original
        return SupportPerson(
            id=self.support_id,
            name=name,
            role=role,
            contact=contact,
            sober_support=sober,
            history=dated(s.history if s else [], s.status if s else None, status, on),
        )

    def persist(self, payload: SupportPerson) -> Patient:
        return self.workspace.upsert_support(self.patient_id, payload)


class GroupForm(FormScreen[Patient | None]):
    """A mutual-help or recovery group (AA, NA, SMART Recovery ...) and how often."""

    NOUN = "recovery group"

    def __init__(self, workspace: Workspace, patient_id: str, group_id: str | None = None):
        super().__init__(workspace, patient_id)
        assert self.patient is not None
        self.original: SupportGroup | None = find_record(self.patient.groups, group_id, "group")
        self.group_id = group_id or new_id("sg")

    def compose_fields(self) -> ComposeResult:
        g = self.original
        yield FieldRow(
            "Kind",
            choice("kind", enum_options(GroupKind, GROUP_KIND_LABELS), g.kind if g else None),
        )
        yield FieldRow(
            "Name / place",
            text_input("name", g.name if g else "", placeholder="e.g. Tuesday SMART, library"),
        )
        yield FieldRow(
            "Meetings a week",
            number_input(
                "meetings_per_week",
                g.meetings_per_week if g else None,
                lambda t: parse_number(t, 0, 21),
            ),
        )
        yield from status_rows(SupportStatus, g.status if g else SupportStatus.ACTIVE, self.today)

    def build(self) -> SupportGroup:
        r = FieldReader(self)
        kind, name = r.choice("kind"), r.text("name")
        meetings = r.number("meetings_per_week", 0, 21)
        status = r.choice("status")
        on = r.date("status_on", required=True)
        r.check()
        assert on is not None
        g = self.original
        return SupportGroup(
            id=self.group_id,
            kind=kind,
            name=name,
            meetings_per_week=meetings or 0,
            history=dated(g.history if g else [], g.status if g else None, status, on),
        )

    def persist(self, payload: SupportGroup) -> Patient:
        return self.workspace.upsert_group(self.patient_id, payload)
