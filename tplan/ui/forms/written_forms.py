"""The two written plans: relapse prevention (a step-down criterion) and aftercare.

Both are one form: a date written and a few texts; saving an edit keeps the date written and
records the day it was updated (``Workspace.set_relapse_plan`` / ``set_aftercare``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult

from tplan.domain import AftercarePlan, Patient, RelapsePreventionPlan
from tplan.domain.plan import WrittenPlan
from tplan.ui.forms.base import FieldReader, FormScreen
from tplan.ui.forms.fields import FieldRow, date_input, text_area

if TYPE_CHECKING:
    from tplan.services import Workspace


class WrittenPlanForm(FormScreen[Patient | None]):
    """A written plan: ``FIELD`` on the patient, its ``MODEL`` and ``TEXTS`` (key, label, tall)."""

    FIELD: ClassVar[str]
    MODEL: ClassVar[type[WrittenPlan]]
    TEXTS: ClassVar[tuple[tuple[str, str, bool], ...]]

    def __init__(self, workspace: Workspace, patient_id: str):
        super().__init__(workspace, patient_id)
        assert self.patient is not None
        self.original: Any = getattr(self.patient, self.FIELD)

    def heading(self) -> str:
        return self.NOUN.capitalize()

    def compose_fields(self) -> ComposeResult:
        p = self.original
        hint = f"updated {p.updated_on:%d %b %Y}" if p is not None and p.updated_on else ""
        yield FieldRow(
            "Written on",
            date_input(
                "written_on", p.written_on if p else self.today(), self.today, required=True
            ),
            hint=hint,
        )
        for key, label, tall in self.TEXTS:
            yield FieldRow(
                label, text_area(key, getattr(p, key) if p else "", tall=tall), key=key
            )

    def check_texts(self, r: FieldReader, texts: dict[str, str]) -> None:
        """Rules beyond the model's own (the relapse plan needs one part written)."""

    def build(self) -> WrittenPlan:
        r = FieldReader(self)
        written_on = r.date("written_on", required=True)
        texts = {key: r.text(key) for key, _, _ in self.TEXTS}
        self.check_texts(r, texts)
        plan = r.model(lambda: self.MODEL(written_on=written_on, **texts))
        r.check()
        assert plan is not None
        return plan


class RelapsePlanForm(WrittenPlanForm):
    """The written relapse-prevention plan: triggers, warning signs, coping steps, people."""

    NOUN = "relapse-prevention plan"
    FIELD = "relapse_prevention"
    MODEL = RelapsePreventionPlan
    TEXTS = (
        ("triggers", "Triggers", False),
        ("warning_signs", "Warning signs", False),
        ("coping_steps", "Coping steps", False),
        ("people_to_call", "People to call", False),
    )

    def check_texts(self, r: FieldReader, texts: dict[str, str]) -> None:
        if not any(text.strip() for text in texts.values()):
            r.fail("triggers", "write at least one part of the plan")

    def persist(self, payload: RelapsePreventionPlan) -> Patient:
        return self.workspace.set_relapse_plan(self.patient_id, payload)


class AftercareForm(WrittenPlanForm):
    """The aftercare plan written at step-down or discharge."""

    NOUN = "aftercare plan"
    FIELD = "aftercare"
    MODEL = AftercarePlan
    TEXTS = (("plan", "Plan", True), ("referrals", "Referrals", False))

    def persist(self, payload: AftercarePlan) -> Patient:
        return self.workspace.set_aftercare(self.patient_id, payload)
