"""Editors for what surrounds the plan: strengths and needs (SNAP), risks, support people and
recovery groups. Status changes are dated, so the engine can ask what held on any day."""

from __future__ import annotations

from typing import Any

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
)
from tplan.domain.base import with_status
from tplan.ui.forms.base import FieldReader, RecordForm
from tplan.ui.forms.fields import FieldRow, Fields, date_input, enum_options
from tplan.ui.forms.parsing import parse_number

SEVERITY_OPTIONS = [
    ("0 none", 0),
    ("1 mild", 1),
    ("2 moderate", 2),
    ("3 severe", 3),
    ("4 imminent", 4),
]
RISK_KIND_LABELS = {RiskKind.CO_OCCURRING: "co-occurring condition"}
GROUP_KIND_LABELS = {kind: kind.value for kind in GroupKind}


def status_rows(fields: Fields, enum: type[Any], default: Any) -> ComposeResult:
    """The status select (``default`` for a new record) and the date the status took effect."""
    yield fields.choice("Status", "status", enum_options(enum), default, claims=("history",))
    today = fields.today
    yield FieldRow(
        "Status as of",
        date_input("status_on", today(), today, required=True),
        hint="the date it took effect",
    )


class SnapForm(RecordForm[SnapItem]):
    """A strength, need, ability or preference, in the patient's words."""

    NOUN = "strength or need"
    ID_PREFIX = "sn"

    def records(self, patient: Patient) -> list[SnapItem]:
        return patient.snap

    def heading(self) -> str:
        return "Edit strength / need" if self.original else "New strength / need"

    def compose_fields(self) -> ComposeResult:
        f = self.fields()
        yield f.choice("Kind", "kind", enum_options(SnapKind), SnapKind.STRENGTH)
        yield f.area("In their words", "text", tall=True)

    def build(self) -> SnapItem:
        r = FieldReader(self)
        kind, text = r.choice("kind"), r.text("text")
        r.check()
        return SnapItem(id=self.record_id, kind=kind, text=text)

    def persist(self, payload: SnapItem) -> Patient:
        return self.workspace.upsert_snap(self.patient_id, payload)


class RiskForm(RecordForm[Risk]):
    """A risk with its severity (0-4) and status; changes of either are dated."""

    NOUN = "risk"
    ID_PREFIX = "rk"

    def records(self, patient: Patient) -> list[Risk]:
        return patient.risks

    def compose_fields(self) -> ComposeResult:
        f = self.fields()
        yield f.choice("Kind", "kind", enum_options(RiskKind, RISK_KIND_LABELS))
        yield f.area("Description", "description")
        yield f.choice("Severity", "severity", SEVERITY_OPTIONS, claims=("severity_history",))
        yield from status_rows(f, RiskStatus, RiskStatus.ACTIVE)

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
            id=self.record_id,
            kind=kind,
            description=description,
            severity=severity,
            history=with_status(self.original, status, on),
            severity_history=severity_history,
        )

    def persist(self, payload: Risk) -> Patient:
        return self.workspace.upsert_risk(self.patient_id, payload)


class SupportForm(RecordForm[SupportPerson]):
    """A person in the support system: role, contact, sober support or not, status."""

    NOUN = "support person"
    ID_PREFIX = "sp"

    def records(self, patient: Patient) -> list[SupportPerson]:
        return patient.supports

    def compose_fields(self) -> ComposeResult:
        f = self.fields()
        yield f.text("Name", "name")
        yield f.choice("Role", "role", enum_options(SupportRole))
        yield f.text("Contact", "contact", placeholder="phone or e-mail")
        yield f.check("Sober support", "sober_support", "supports recovery")
        yield from status_rows(f, SupportStatus, SupportStatus.ACTIVE)

    def build(self) -> SupportPerson:
        r = FieldReader(self)
        name, role, contact = r.text("name"), r.choice("role"), r.text("contact")
        sober, status = r.flag("sober_support"), r.choice("status")
        on = r.date("status_on", required=True)
        r.check()
        assert on is not None
        return SupportPerson(
            id=self.record_id,
            name=name,
            role=role,
            contact=contact,
            sober_support=sober,
            history=with_status(self.original, status, on),
        )

    def persist(self, payload: SupportPerson) -> Patient:
        return self.workspace.upsert_support(self.patient_id, payload)


class GroupForm(RecordForm[SupportGroup]):
    """A mutual-help or recovery group (AA, NA, SMART Recovery ...) and how often."""

    NOUN = "recovery group"
    ID_PREFIX = "sg"

    def records(self, patient: Patient) -> list[SupportGroup]:
        return patient.groups

    def compose_fields(self) -> ComposeResult:
        f = self.fields()
        yield f.choice("Kind", "kind", enum_options(GroupKind, GROUP_KIND_LABELS))
        yield f.text("Name / place", "name", placeholder="e.g. Tuesday SMART, library")
        yield f.number(
            "Meetings a week", "meetings_per_week", lambda t: parse_number(t, 0, 21)
        )
        yield from status_rows(f, SupportStatus, SupportStatus.ACTIVE)

    def build(self) -> SupportGroup:
        r = FieldReader(self)
        kind, name = r.choice("kind"), r.text("name")
        meetings = r.number("meetings_per_week", 0, 21)
        status = r.choice("status")
        on = r.date("status_on", required=True)
        r.check()
        assert on is not None
        return SupportGroup(
            id=self.record_id,
            kind=kind,
            name=name,
            meetings_per_week=meetings or 0,
            history=with_status(self.original, status, on),
        )

    def persist(self, payload: SupportGroup) -> Patient:
        return self.workspace.upsert_group(self.patient_id, payload)
