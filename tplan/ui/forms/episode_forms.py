"""The episode of care: admission, level and schedule changes, plan reviews and discharge."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from tplan.domain import (
    AgeGroup,
    AsamEdition,
    Discharge,
    DischargeReason,
    Gender,
    LevelChange,
    LevelCode,
    ObjectiveStatus,
    Patient,
    PlanReview,
    Signature,
    new_id,
)
from tplan.domain.patient import age_group_on
from tplan.domain.rules import last_use_problem, review_problem
from tplan.services.trends import level_label, level_name
from tplan.ui.forms.base import FieldReader, FormScreen
from tplan.ui.forms.confirm import ConfirmDialog
from tplan.ui.forms.fields import Fields, enum_options, literal
from tplan.ui.forms.parsing import parse_int, parse_list, parse_number

if TYPE_CHECKING:
    from datetime import date

    from tplan.services import Workspace

LEVEL_OPTIONS = [(f"{level_label(code)} · {level_name(code)}", code) for code in LevelCode]
EDITION_OPTIONS = [
    ("ASAM 3rd ed. (2013)", AsamEdition.THIRD),
    ("ASAM 4th ed. (2023)", AsamEdition.FOURTH),
]
REASON_LABELS = {DischargeReason.LEFT_AGAINST_ADVICE: "left against advice"}


def clinician(workspace: Any) -> str:
    """The counselor using tplan (who decides, signs and writes)."""
    return str(getattr(workspace, "clinician", "") or "counselor")


def schedule_rows(form: FormScreen[Any], current: LevelChange | None) -> ComposeResult:
    """Level, edition, days and hours a week, with the policy's hours for the level beside."""
    f = Fields(current, form.today)
    yield f.choice("Level of care", "level", LEVEL_OPTIONS, LevelCode.L2_1, classes="")
    yield f.choice("ASAM edition", "edition", EDITION_OPTIONS, AsamEdition.THIRD)
    yield f.number("Days a week", "days_per_week", lambda t: parse_int(t, 0, 7))
    yield f.number(
        "Hours a week",
        "hours_per_week",
        lambda t: parse_number(t, 0, 80),
        claims=("level_history",),
    )
    yield Static("", id="hours-hint", classes="field-hint")


def hours_hint(form: FormScreen[Any], age_group: Any) -> str:
    """E.g. "2.1 IOP (adult): 9-19 h a week; 6 h is below it" from the clinic policy."""
    level = form.query_one("#level", Select).value
    if level is Select.NULL:
        return ""
    policy = getattr(form.workspace, "policy", None)
    span = policy.hours_range(level, age_group) if policy is not None else None
    if span is None:
        return f"{level_label(level)}: 24-hour setting"
    text = f"{level_label(level)} ({age_group.value}): {span.min:g}-{span.max:g} h a week"
    try:
        hours = parse_number(form.query_one("#hours_per_week", Input).value, 0, 80)
    except ValueError:
        return text
    if hours is not None and not span.min <= hours <= span.max:
        side = "below" if hours < span.min else "above"
        text += f" · {hours:g} h is {side} it"
    return text


class ScheduleForm(FormScreen[Patient | None]):
    """A form with the level and schedule rows: the clinic policy's hours for the chosen level
    stay shown beside them while the counselor types."""

    def age_group(self) -> AgeGroup:
        """Whose hours the policy gives: adult or adolescent."""
        raise NotImplementedError

    def on_mount(self) -> None:
        super().on_mount()
        self._update_hint()

    def revalidate(self, errors: dict[str, str] | None = None) -> dict[str, str]:
        self._update_hint()
        return super().revalidate(errors)

    def _update_hint(self) -> None:
        self.query_one("#hours-hint", Static).update(literal(hours_hint(self, self.age_group())))


class LevelForm(ScheduleForm):
    """Change the level of care or the schedule by hand (recorded in the level history)."""

    NOUN = "level and schedule"
    MODEL_ERROR_KEY = "hours_per_week"

    def __init__(self, workspace: Workspace, patient_id: str):
        super().__init__(workspace, patient_id)
        assert self.patient is not None
        self.current = self.patient.current_level
        self.review_moved: tuple[date, date] | None = None
        """The review due date before and after the saved change (None until saved)."""

    def heading(self) -> str:
        c = self.current
        return (
            f"Level and schedule (now {level_label(c.level, c.edition)} "
            f"{c.days_per_week} d/wk {c.hours_per_week:g} h)"
        )

    def compose_fields(self) -> ComposeResult:
        yield self.day_row("Effective from", "start")
        yield from schedule_rows(self, self.current)
        yield self.fields().area("Why", "reason", placeholder="what changed and why (required)")

    def age_group(self) -> AgeGroup:
        assert self.patient is not None
        return self.patient.age_group_on(self.today())

    def build(self) -> LevelChange:
        r = FieldReader(self)
        start = r.date("start", required=True)
        level, edition = r.choice("level"), r.choice("edition")
        days = r.int("days_per_week", 0, 7, required=True)
        hours = r.number("hours_per_week", 0, 80, required=True)
        reason = r.text("reason")
        if not reason.strip():
            r.fail("reason", "say why the level or schedule changes")
        c = self.current
        if (level, edition, days, hours) == (c.level, c.edition, c.days_per_week, c.hours_per_week):
            r.fail("level", "this is the current level and schedule; change something first")
        if start is not None and start < c.start:
            r.fail("start", f"must be on or after the current entry's start ({c.start})")
        change = None
        if None not in (start, level, edition, days, hours):
            change = r.model(
                lambda: LevelChange(
                    start=start,
                    level=level,
                    edition=edition,
                    days_per_week=days,
                    hours_per_week=hours,
                    reason=reason,
                    decided_by=clinician(self.workspace),
                )
            )
        r.check()
        assert change is not None
        return change

    def persist(self, payload: LevelChange) -> Patient:
        assert self.patient is not None
        before = self.workspace.review_due(self.patient)
        saved = self.workspace.change_level(self.patient_id, payload)
        self.review_moved = (before, self.workspace.review_due(saved))
        return saved

    def on_unmount(self) -> None:
        """After a saved change, offer the groups (when they no longer fit the new level's
        hours), then the interventions' frequencies that fit the new level and schedule, as
        accepting a suggested level change does (only when one would change: a new edition
        alone asks nothing)."""
        if self._done and self.review_moved is not None:
            from tplan.ui.forms.frequency_form import cadence_text, offer_frequencies
            from tplan.ui.forms.group_fit_form import offer_groups

            changed = cadence_text(*self.review_moved)
            ws, pid = self.workspace, self.patient_id
            assert pid is not None
            offer_groups(
                self,
                ws,
                pid,
                lambda closing: offer_frequencies(closing, ws, pid, changed, only_changes=True),
            )


class ReviewForm(FormScreen[Patient | None]):
    """Record a plan review with the counselor's and the patient's signatures."""

    NOUN = "plan review"

    def compose_fields(self) -> ComposeResult:
        f = self.fields()
        yield self.day_row("Reviewed on", "on")
        yield f.area(
            "What changed",
            "review_summary",
            tall=True,
            placeholder="progress, changes to the plan (required)",
            claims=("summary",),
        )
        yield f.check(
            "Counselor",
            "counselor_signs",
            f"signed by me ({clinician(self.workspace)})",
            hint="a review counts for “review due” once you sign it",
        )
        yield f.check("Patient", "patient_signs", "the patient signed (attested by me)")

    def build(self) -> PlanReview:
        assert self.patient is not None
        r = FieldReader(self)
        on_date = r.date("on", required=True)
        summary = r.text("review_summary")
        counselor_signs, patient_signs = r.flag("counselor_signs"), r.flag("patient_signs")
        if patient_signs and not counselor_signs:
            r.fail("counselor_signs", "sign as counselor to attest the patient's signature")
        if on_date is not None and on_date > self.today():
            r.fail("on", "a review cannot be dated in the future")
        now = self.now()
        me = clinician(self.workspace)
        review = PlanReview(
            on=on_date or self.today(),
            summary=summary,
            counselor_signature=(
                Signature(signer=me, role="counselor", signed_at=now) if counselor_signs else None
            ),
            patient_signature=(
                Signature(signer=self.patient.display_name, role="patient", signed_at=now)
                if patient_signs
                else None
            ),
        )
        if problem := review_problem(review):
            r.fail("review_summary", problem)
        r.check()
        return review

    def persist(self, payload: PlanReview) -> Patient:
        return self.workspace.record_review(self.patient_id, payload)


class DischargeForm(FormScreen[Patient | None]):
    """Close the episode: date, reason and the aftercare plan (asks before saving)."""

    NOUN = "discharge"

    def compose_fields(self) -> ComposeResult:
        assert self.patient is not None
        aftercare = self.patient.aftercare.plan if self.patient.aftercare else ""
        f = self.fields()
        yield self.day_row("Discharge date", "on")
        yield f.choice("Reason", "reason", enum_options(DischargeReason, REASON_LABELS))
        yield f.area("Aftercare plan", "aftercare", aftercare, tall=True, placeholder="required")
        yield f.area("Note", "note")

    def build(self) -> Discharge:
        r = FieldReader(self)
        values: dict[str, Any] = {
            "on": r.date("on", required=True),
            "reason": r.choice("reason"),
            "aftercare": r.text("aftercare"),
            "note": r.text("note"),
        }
        r.check()
        return Discharge(**values)

    def start_save(self, payload: Any) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                super(DischargeForm, self).start_save(payload)

        name = self.who()
        self.app.push_screen(
            ConfirmDialog(f"Discharge {name}? The episode closes; the record stays readable."),
            answered,
        )

    def persist(self, payload: Discharge) -> Patient:
        return self.workspace.discharge(self.patient_id, payload)


class AdmitForm(ScheduleForm):
    """Admit a patient: identity, level and schedule, counselor and the first problem."""

    NOUN = "admission"
    MODEL_ERROR_KEY = "birth_date"

    def __init__(self, workspace: Workspace):
        super().__init__(workspace, None)
        self.new_patient_id = new_id("pt")

    def heading(self) -> str:
        return "Admit a patient"

    def compose_fields(self) -> ComposeResult:
        f = self.fields()
        yield Static("Who", classes="section-heading")
        yield f.text("Name", "display_name")
        yield f.day("Birth date", "birth_date", required=True)
        yield f.choice("Gender", "gender", enum_options(Gender), Gender.UNKNOWN)
        yield f.text("Pronouns", "pronouns", placeholder="e.g. she/her", classes="-narrow")
        yield f.text("MRN", "mrn", classes="-narrow", claims=("identifiers",))
        yield Static("Episode", classes="section-heading")
        yield self.day_row("Admission date", "admission_date")
        yield f.text("Counselor", "counselor", clinician(self.workspace))
        yield from schedule_rows(self, None)
        yield Static("Substance use", classes="section-heading")
        yield f.text(
            "Substances",
            "primary_substances",
            placeholder="comma-separated, e.g. alcohol, cannabis",
        )
        yield f.day("Last use", "last_use_at_intake")
        yield Static("First problem", classes="section-heading")
        yield f.text(
            "Problem",
            "problem_title",
            placeholder="optional; more from the plan later",
            claims=("problems.title", "problems"),
        )
        yield f.text(
            "ICD-10-CM",
            "problem_icd10",
            placeholder="F10.20",
            classes="-narrow",
            claims=("problems.icd10",),
        )
        yield f.area("In their words", "problem_words", claims=("problems.patient_words",))
        yield f.text(
            "First goal",
            "goal_text",
            placeholder="optional, long-term",
            claims=("problems.goals.text",),
        )
        yield f.text(
            "First objective",
            "objective_text",
            placeholder="optional, e.g. attend 3 groups a week",
            claims=("problems.goals.objectives.text", "problems.goals.objectives"),
        )

    def age_group(self) -> AgeGroup:
        birth = FieldReader(self).date("birth_date")
        return age_group_on(birth, self.today()) if birth is not None else AgeGroup.ADULT

    def build(self) -> Patient:
        r = FieldReader(self)
        name = r.text("display_name")
        birth = r.date("birth_date", required=True)
        admitted = r.date("admission_date", required=True)
        gender, pronouns, mrn = r.choice("gender"), r.text("pronouns"), r.text("mrn")
        counselor = r.text("counselor")
        level, edition = r.choice("level"), r.choice("edition")
        days = r.int("days_per_week", 0, 7, required=True)
        hours = r.number("hours_per_week", 0, 80, required=True)
        substances = parse_list(r.text("primary_substances"))
        last_use = r.date("last_use_at_intake")
        title, icd10 = r.text("problem_title"), r.text("problem_icd10").upper()
        words, goal_text = r.text("problem_words"), r.text("goal_text")
        objective_text = r.text("objective_text")
        if not title and (icd10 or words.strip() or goal_text or objective_text):
            r.fail("problem_title", "name the problem, or clear the fields below it")
        if objective_text and not goal_text:
            r.fail("goal_text", "an objective belongs to a goal: write the goal first")
        if problem := last_use_problem(last_use, admitted):
            r.fail("last_use_at_intake", problem)
        start = admitted or self.today()
        problems: list[dict[str, Any]] = []
        if title:
            goals: list[dict[str, Any]] = []
            if goal_text:
                objectives = []
                if objective_text:
                    history = [{"on": start, "status": ObjectiveStatus.NOT_STARTED}]
                    objectives.append({"text": objective_text, "history": history})
                goals.append({"text": goal_text, "objectives": objectives})
            problems.append(
                {"title": title, "icd10": icd10 or None, "patient_words": words, "goals": goals}
            )
        record = {
            "id": self.new_patient_id,
            "display_name": name,
            # stand-ins for dates or numbers that did not parse (their message is recorded)
            "birth_date": birth or start,
            "gender": gender,
            "pronouns": pronouns,
            "identifiers": [{"system": "MRN", "value": mrn}] if mrn else [],
            "admission_date": start,
            "counselor": counselor,
            "primary_substances": substances,
            "last_use_at_intake": last_use,
            "level_history": [
                {
                    "start": start,
                    "level": level,
                    "edition": edition,
                    "days_per_week": days or 0,
                    "hours_per_week": hours or 0,
                    "reason": "admission",
                    "decided_by": counselor,
                }
            ],
            "problems": problems,
        }
        patient = r.model(lambda: Patient.model_validate(record))
        r.check()
        assert patient is not None
        return patient

    def persist(self, payload: Patient) -> Patient:
        return self.workspace.admit(payload)
