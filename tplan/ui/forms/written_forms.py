"""The two written plans: relapse prevention (a step-down criterion) and aftercare."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult

from tplan.domain import AftercarePlan, Patient, RelapsePreventionPlan
from tplan.ui.forms.base import FieldReader, FormScreen
from tplan.ui.forms.fields import FieldRow, date_input, text_area

if TYPE_CHECKING:
    from tplan.services import Workspace


class RelapsePlanForm(FormScreen[Patient | None]):
    """The written relapse-prevention plan: triggers, warning signs, coping steps, people."""

    NOUN = "relapse-prevention plan"

    def __init__(self, workspace: Workspace, patient_id: str):
        super().__init__(workspace, patient_id)
        assert self.patient is not None
        self.original = self.patient.relapse_prevention

    def heading(self) -> str:
        return "Relapse-prevention plan"

    def compose_fields(self) -> ComposeResult:
        p = self.original
        yield FieldRow(
            "Written on",
            date_input(
                "written_on", p.written_on if p else self.today(), self.today, required=True
            ),
            key="written_on",
        )
        for key, label in (
            ("triggers", "Triggers"),
            ("warning_signs", "Warning signs"),
            ("coping_steps", "Coping steps"),
            ("people_to_call", "People to call"),
        ):
            yield FieldRow(label, text_area(key, getattr(p, key) if p else ""), key=key)

    def build(self) -> RelapsePreventionPlan:
        r = FieldReader(self)
        written_on = r.date("written_on", required=True)
        texts = {
            key: r.text(key)
            for key in ("triggers", "warning_signs", "coping_steps", "people_to_call")
        }
        if not any(text.strip() for text in texts.values()):
            r.fail("triggers", "write at least one part of the plan")
        r.check()
        return RelapsePreventionPlan(written_on=written_on, **texts)

    def persist(self, payload: RelapsePreventionPlan) -> Patient:
        return self.workspace.set_relapse_plan(self.patient_id, payload)


class AftercareForm(FormScreen[Patient | None]):
    """The aftercare plan written at step-down or discharge."""

    NOUN = "aftercare plan"

    def __init__(self, workspace: Workspace, patient_id: str):
        super().__init__(workspace, patient_id)
        assert self.patient is not None
        self.original = self.patient.aftercare

    def heading(self) -> str:
        return "Aftercare plan"

    def compose_fields(self) -> ComposeResult:
        p = self.original
        yield FieldRow(
            "Written on",
            date_input(
                "written_on", p.written_on if p else self.today(), self.today, required=True
            ),
            key="written_on",
        )
        yield FieldRow("Plan", text_area("plan", p.plan if p else "", tall=True), key="plan")
        yield FieldRow(
            "Referrals", text_area("referrals", p.referrals if p else ""), key="referrals"
        )

    def build(self) -> AftercarePlan:
        r = FieldReader(self)
        written_on = r.date("written_on", required=True)
        plan, referrals = r.text("plan"), r.text("referrals")
        r.check()
        return AftercarePlan(written_on=written_on, plan=plan, referrals=referrals)

    def persist(self, payload: AftercarePlan) -> Patient:
        return self.workspace.set_aftercare(self.patient_id, payload)
