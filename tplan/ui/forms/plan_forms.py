"""Editors for the plan tree: problems -> goals -> objectives -> interventions."""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult

from tplan.domain import (
    Goal,
    GoalStatus,
    Intervention,
    Modality,
    Objective,
    ObjectiveStatus,
    Patient,
    Problem,
    ProblemStatus,
    new_id,
)
from tplan.domain.base import with_status
from tplan.domain.rules import target_date_warning
from tplan.ui.forms.base import FieldReader, FormScreen, RecordForm, find_record, find_under
from tplan.ui.forms.confirm import ConfirmDialog
from tplan.ui.forms.fields import FieldRow, choice, enum_options, literal
from tplan.ui.forms.parsing import parse_number

if TYPE_CHECKING:
    from tplan.services import Workspace

MODALITY_LABELS = {
    Modality.GROUP_CBT: "group CBT",
    Modality.MOUD: "MOUD",
}


def _short(text: str, width: int = 60) -> str:
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= width else line[: width - 1] + "…"


class ProblemForm(RecordForm[Problem]):
    """Add or edit a problem: title, ICD-10-CM code, the patient's own words, status."""

    NOUN = "problem"
    ID_PREFIX = "pb"

    def records(self, patient: Patient) -> list[Problem]:
        return patient.problems

    def compose_fields(self) -> ComposeResult:
        f = self.fields()
        yield f.text("Problem", "title", placeholder="e.g. drinking after shifts")
        yield f.text("ICD-10-CM", "icd10", placeholder="F10.20", classes="-narrow")
        yield f.area("In their words", "patient_words")
        yield f.choice("Status", "status", enum_options(ProblemStatus), ProblemStatus.ACTIVE)

    def build(self) -> Problem:
        r = FieldReader(self)
        values: dict[str, Any] = {
            "title": r.text("title"),
            "icd10": r.text("icd10").upper() or None,
            "patient_words": r.text("patient_words"),
            "status": r.choice("status"),
        }
        r.check()
        return Problem(
            id=self.record_id, goals=self.original.goals if self.original else [], **values
        )

    def persist(self, payload: Problem) -> Patient:
        if self.original is None:
            return self.workspace.add_problem(self.patient_id, payload)
        return self.workspace.update_problem(self.patient_id, payload)


class GoalForm(FormScreen[Patient | None]):
    """Add a long-term goal under a problem, or edit one."""

    NOUN = "goal"

    def __init__(
        self,
        workspace: Workspace,
        patient_id: str,
        goal_id: str | None = None,
        problem_id: str | None = None,
    ):
        super().__init__(workspace, patient_id)
        assert self.patient is not None
        self.original: Goal | None
        goals = attrgetter("goals")
        self.original, parent = find_under(self.patient.problems, goals, goal_id, "goal")
        self.problem_id = parent or problem_id
        self.goal_id = goal_id or new_id("gl")

    def compose_fields(self) -> ComposeResult:
        assert self.patient is not None
        f = self.fields()
        problems = [(literal(_short(p.title)), p.id) for p in self.patient.problems]
        yield FieldRow(
            "Problem",
            choice(
                "problem",
                problems,
                self.problem_id,
                classes="",
                prompt="choose a problem",
                disabled=self.original is not None,
            ),
        )
        yield f.text("Goal", "text", placeholder="long-term, in plain words")
        yield f.choice("Status", "status", enum_options(GoalStatus), GoalStatus.ACTIVE)

    def build(self) -> tuple[str, Goal]:
        r = FieldReader(self)
        problem_id = r.choice("problem")
        text, status = r.text("text"), r.choice("status")
        r.check()
        goal = Goal(
            id=self.goal_id,
            text=text,
            status=status,
            objectives=self.original.objectives if self.original else [],
        )
        return problem_id, goal

    def persist(self, payload: tuple[str, Goal]) -> Patient:
        problem_id, goal = payload
        if self.original is None:
            return self.workspace.add_goal(self.patient_id, problem_id, goal)
        return self.workspace.update_goal(self.patient_id, goal)


class ObjectiveForm(FormScreen[Patient | None]):
    """Add or edit a measurable objective: text, target date and a dated status."""

    NOUN = "objective"

    def __init__(
        self,
        workspace: Workspace,
        patient_id: str,
        objective_id: str | None = None,
        goal_id: str | None = None,
    ):
        super().__init__(workspace, patient_id)
        assert self.patient is not None
        self.original: Objective | None
        goals, objectives = self.patient.goals(), attrgetter("objectives")
        self.original, parent = find_under(goals, objectives, objective_id, "objective")
        self.goal_id = parent or goal_id
        self.objective_id = objective_id or new_id("ob")

    def compose_fields(self) -> ComposeResult:
        assert self.patient is not None
        f = self.fields()
        goals = [(literal(_short(g.text)), g.id) for g in self.patient.goals()]
        yield FieldRow(
            "Goal",
            choice(
                "goal",
                goals,
                self.goal_id,
                classes="",
                prompt="choose a goal",
                disabled=self.original is not None,
            ),
        )
        yield f.text("Objective", "text", placeholder="measurable, with a number")
        yield f.day(
            "Target date", "target_date", direction="future", hint="+30 = in 30 days, fri, 12/15"
        )
        yield f.choice(
            "Status",
            "status",
            enum_options(ObjectiveStatus),
            ObjectiveStatus.NOT_STARTED,
            claims=("history",),
        )
        yield self.day_row(
            "Status as of",
            "status_on",
            hint="the date the status took effect",
        )

    def build(self) -> tuple[str, Objective]:
        r = FieldReader(self)
        goal_id = r.choice("goal")
        text = r.text("text")
        target = r.date("target_date")
        status = r.choice("status")
        status_on = r.date("status_on", required=True)
        r.check()
        assert status_on is not None
        objective = Objective(
            id=self.objective_id,
            text=text,
            target_date=target,
            history=with_status(self.original, status, status_on),
            interventions=self.original.interventions if self.original else [],
        )
        return goal_id, objective

    def start_save(self, payload: tuple[str, Objective]) -> None:
        """A past target date is saved only once the counselor confirms it (an old objective
        entered late is fine; a typo is not)."""
        target = payload[1].target_date
        unchanged = self.original is not None and self.original.target_date == target
        warning = None if unchanged else target_date_warning(target, self.today())
        if warning is None:
            super().start_save(payload)
            return
        settings = getattr(self.app, "settings", None)
        if "past_target_date" in getattr(settings, "refuse_warnings", ()):
            self.revalidate({"target_date": warning})
            self._focus_first_error(["target_date"])
            self.set_status(f"Not saved: the {warning} (your settings refuse it)")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                super(ObjectiveForm, self).start_save(payload)
            else:
                self._focus_first_error(["target_date"])

        self.set_status(f"The {warning}.", error=False)
        self.app.push_screen(
            ConfirmDialog(f"The {warning}. Save it anyway?", yes="Save", no="Change it"),
            answered,
        )

    def persist(self, payload: tuple[str, Objective]) -> Patient:
        goal_id, objective = payload
        if self.original is None:
            return self.workspace.add_objective(self.patient_id, goal_id, objective)
        return self.workspace.update_objective(self.patient_id, objective)


class InterventionForm(FormScreen[Patient | None]):
    """Add or edit an intervention of an objective: modality, how often, who."""

    NOUN = "intervention"

    def __init__(
        self,
        workspace: Workspace,
        patient_id: str,
        objective_id: str,
        intervention_id: str | None = None,
    ):
        super().__init__(workspace, patient_id)
        assert self.patient is not None
        objective = self.patient.find_objective(objective_id)
        if objective is None:
            raise LookupError(f"no objective {objective_id} in this plan")
        self.objective = objective
        self.original = find_record(objective.interventions, intervention_id, "intervention")
        self.intervention_id = intervention_id or new_id("iv")

    def heading(self) -> str:
        verb = "Edit intervention" if self.original else "New intervention"
        return f"{verb} for “{_short(self.objective.text, 40)}”"

    def compose_fields(self) -> ComposeResult:
        f = self.fields()
        yield f.choice("Modality", "modality", enum_options(Modality, MODALITY_LABELS))
        yield f.text("Description", "description")
        yield f.number(
            "Times a week", "times_per_week", lambda t: parse_number(t, 0, 21, above_low=True)
        )
        yield f.text("Staff", "staff", placeholder="who delivers it")
        yield f.check("Active", "active", "offered now", True)

    def build(self) -> Intervention:
        r = FieldReader(self)
        values: dict[str, Any] = {
            "modality": r.choice("modality"),
            "description": r.text("description"),
            "times_per_week": r.number("times_per_week", 0, 21, required=True, above_low=True),
            "staff": r.text("staff"),
            "active": r.flag("active"),
        }
        r.check()
        return Intervention(id=self.intervention_id, **values)

    def persist(self, payload: Intervention) -> Patient:
        return self.workspace.upsert_intervention(self.patient_id, self.objective.id, payload)
