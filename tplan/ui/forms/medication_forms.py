"""Medications (MOUD among them) and naloxone checks: what a prescribed drug makes an expected
positive on a screen, and whether an overdose-reversal kit is at hand."""

from __future__ import annotations

from textual.app import ComposeResult

from tplan.domain import Medication, NaloxoneCheck, Patient
from tplan.ui.forms.base import FieldReader, FormScreen, RecordForm
from tplan.ui.forms.fields import FieldRow, choice, text_input
from tplan.ui.forms.parsing import parse_list

ON_HAND_OPTIONS = [("yes, has a kit", True), ("no kit", False)]


class MedicationForm(RecordForm[Medication]):
    """A medication; its "screens as" substances make a positive screen an expected one."""

    NOUN = "medication"
    ID_PREFIX = "md"
    MODEL_ERROR_KEY = "stop"

    def records(self, patient: Patient) -> list[Medication]:
        return patient.medications

    def compose_fields(self) -> ComposeResult:
        f, m = self.fields(), self.original
        yield f.text("Name", "name", placeholder="e.g. buprenorphine/naloxone")
        yield f.text("Dose", "dose", placeholder="e.g. 16 mg daily")
        yield f.text("Prescriber", "prescriber")
        yield f.day("Start", "start")
        yield f.day("Stop", "stop", hint="blank while it is taken")
        yield f.check("MOUD", "moud", "medication for opioid use disorder")
        yield FieldRow(
            "Screens as",
            text_input(
                "screens_as",
                ", ".join(m.screens_as) if m else "",
                placeholder="substances it shows as, comma-separated",
            ),
            hint="a positive screen for these is marked expected (Rx)",
        )

    def build(self) -> Medication:
        r = FieldReader(self)
        name, dose, prescriber = r.text("name"), r.text("dose"), r.text("prescriber")
        start, stop = r.date("start"), r.date("stop")
        moud, screens_as = r.flag("moud"), parse_list(r.text("screens_as"))
        r.check()
        return Medication(
            id=self.record_id,
            name=name,
            dose=dose,
            prescriber=prescriber,
            start=start,
            stop=stop,
            moud=moud,
            screens_as=screens_as,
        )

    def persist(self, payload: Medication) -> Patient:
        return self.workspace.upsert_medication(self.patient_id, payload)


class NaloxoneForm(FormScreen[Patient | None]):
    """A naloxone check: does the patient have a kit, as of which day. Checks are kept, not
    overwritten: the latest one is what the plan shows."""

    NOUN = "naloxone check"

    def compose_fields(self) -> ComposeResult:
        yield FieldRow("Naloxone on hand", choice("on_hand", ON_HAND_OPTIONS))
        yield self.day_row("Checked on", "checked_on")

    def build(self) -> NaloxoneCheck:
        r = FieldReader(self)
        on_hand = r.choice("on_hand")
        checked_on = r.date("checked_on", required=True)
        if checked_on is not None and checked_on > self.today():
            r.fail("checked_on", "is in the future")
        r.check()
        return NaloxoneCheck(on_hand=on_hand, checked_on=checked_on)

    def persist(self, payload: NaloxoneCheck) -> Patient:
        return self.workspace.record_naloxone(self.patient_id, payload)
