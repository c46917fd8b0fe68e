"""Episode and plan use cases: each change is validated, saved, audited and returned."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError
from services_factories import ADMITTED, TODAY, patient

from tplan.domain import (
    AftercarePlan,
    Discharge,
    DischargeReason,
    Goal,
    GroupKind,
    Intervention,
    LevelChange,
    LevelCode,
    Medication,
    Modality,
    NaloxoneCheck,
    Objective,
    ObjectiveStatus,
    Patient,
    PlanReview,
    Problem,
    RelapsePreventionPlan,
    Risk,
    RiskEvent,
    RiskEventKind,
    RiskKind,
    RiskStatus,
    Signature,
    SnapItem,
    SnapKind,
    StatusChange,
    SupportGroup,
    SupportPerson,
    SupportRole,
    SupportStatus,
)
from tplan.services import FixedClock, RecordNotFound, Workspace
from tplan.store import DuplicatePatientError, ReadOnlyStoreError, open_store


def objective(text: str = "Attend two SMART meetings a week") -> Objective:
    return Objective(
        text=text,
        history=[StatusChange[ObjectiveStatus](on=TODAY, status=ObjectiveStatus.NOT_STARTED)],
    )


def test_admit_refuses_a_second_patient_with_the_same_id(
    workspace: Workspace, admitted: Patient
) -> None:
    with pytest.raises(DuplicatePatientError):
        workspace.admit(admitted)
    assert [p.id for p in workspace.patients()] == [admitted.id]


def test_patients_are_sorted_and_discharged_ones_hidden(workspace: Workspace) -> None:
    later = workspace.admit(patient("bo Marchetti"))
    first = workspace.admit(patient("Avery Quill"))
    gone = workspace.admit(patient("Cass Ferrow"))
    workspace.discharge(
        gone.id, Discharge(on=TODAY, reason=DischargeReason.COMPLETED, aftercare="weekly SMART")
    )
    assert [p.id for p in workspace.patients()] == [first.id, later.id]
    assert [p.id for p in workspace.patients(include_discharged=True)] == [
        first.id, later.id, gone.id,
    ]


def test_problem_goal_objective_and_status(workspace: Workspace, admitted: Patient) -> None:
    problem = Problem(title="Conflict with partner about drinking")
    p = workspace.add_problem(admitted.id, problem)
    assert p.problems[-1] == problem
    renamed = problem.model_copy(update={"title": "Conflict at home"})
    p = workspace.update_problem(admitted.id, renamed)
    assert [pb.title for pb in p.problems][-1] == "Conflict at home" and len(p.problems) == 2

    goal = Goal(text="Rebuild trust at home")
    p = workspace.add_goal(admitted.id, problem.id, goal)
    assert p.problems[-1].goals == [goal]
    p = workspace.update_goal(admitted.id, goal.model_copy(update={"text": "Rebuild trust"}))
    assert p.problems[-1].goals[0].text == "Rebuild trust"

    new = objective()
    p = workspace.add_objective(admitted.id, goal.id, new)
    assert p.find_objective(new.id) == new
    p = workspace.update_objective(admitted.id, new.model_copy(update={"target_date": TODAY}))
    assert p.find_objective(new.id).target_date == TODAY  # type: ignore[union-attr]

    p = workspace.set_objective_status(admitted.id, new.id, ObjectiveStatus.ACHIEVED)
    found = p.find_objective(new.id)
    assert found is not None and found.status is ObjectiveStatus.ACHIEVED
    assert found.history[-1].on == TODAY

    intervention = Intervention(modality=Modality.FAMILY, times_per_week=1)
    p = workspace.upsert_intervention(admitted.id, new.id, intervention)
    assert p.find_objective(new.id).interventions == [intervention]  # type: ignore[union-attr]

    actions = [e.action for e in workspace.audit(admitted.id)]
    assert actions[1:] == [
        "upsert_problem", "upsert_problem", "upsert_goal", "upsert_goal", "upsert_objective",
        "upsert_objective", "set_objective_status", "upsert_intervention",
    ]


def test_unknown_parents_are_reported(workspace: Workspace, admitted: Patient) -> None:
    with pytest.raises(RecordNotFound, match="problem"):
        workspace.add_goal(admitted.id, "pb-nope", Goal(text="x"))
    with pytest.raises(RecordNotFound, match="goal"):
        workspace.add_objective(admitted.id, "gl-nope", objective())
    with pytest.raises(RecordNotFound, match="objective"):
        workspace.update_objective(admitted.id, objective())
    with pytest.raises(RecordNotFound, match="objective"):
        workspace.set_objective_status(admitted.id, "ob-nope", ObjectiveStatus.ACHIEVED)
    assert workspace.patient(admitted.id) == admitted


def test_lists_of_the_record(workspace: Workspace, admitted: Patient) -> None:
    pid = admitted.id
    snap = SnapItem(kind=SnapKind.STRENGTH, text="Loyal to friends")
    risk = Risk(
        kind=RiskKind.TRIGGER, description="Payday", severity=2,
        history=[StatusChange[RiskStatus](on=ADMITTED, status=RiskStatus.ACTIVE)],
    )
    event = RiskEvent(on=TODAY, kind=RiskEventKind.OTHER, description="near miss")
    support = SupportPerson(
        name="M. Ruiz", role=SupportRole.SPONSOR, sober_support=True,
        history=[StatusChange[SupportStatus](on=ADMITTED, status=SupportStatus.ACTIVE)],
    )
    group = SupportGroup(
        kind=GroupKind.SMART, meetings_per_week=2,
        history=[StatusChange[SupportStatus](on=ADMITTED, status=SupportStatus.ACTIVE)],
    )
    medication = Medication(name="Naltrexone", dose="50 mg", moud=True)
    workspace.upsert_snap(pid, snap)
    workspace.upsert_risk(pid, risk)
    workspace.upsert_risk(pid, risk.model_copy(update={"severity": 1}))
    workspace.add_risk_event(pid, event)
    workspace.upsert_support(pid, support)
    workspace.upsert_group(pid, group)
    workspace.upsert_medication(pid, medication)
    workspace.set_relapse_plan(pid, RelapsePreventionPlan(written_on=TODAY, triggers="payday"))
    workspace.set_aftercare(pid, AftercarePlan(written_on=TODAY, plan="SMART twice a week"))
    p = workspace.record_naloxone(pid, NaloxoneCheck(on_hand=True, checked_on=TODAY))
    assert p.snap == [snap]
    assert [r.severity for r in p.risks] == [1]
    assert p.risk_events == [event]
    assert p.supports == [support]
    assert p.groups == [group]
    assert p.medications == [medication]
    assert p.relapse_prevention is not None and p.relapse_prevention.triggers == "payday"
    assert p.aftercare is not None
    assert p.naloxone_checks[-1].on_hand
    audit = workspace.audit(pid)
    assert audit[3].fields == ("risks",) and audit[3].record_id == risk.id


def test_level_review_and_discharge(workspace: Workspace, admitted: Patient) -> None:
    change = LevelChange(start=TODAY, level=LevelCode.L1, days_per_week=1, hours_per_week=2)
    p = workspace.change_level(admitted.id, change)
    assert p.current_level.level is LevelCode.L1
    assert p.current_level.decided_by == "J. Park"
    signature = Signature(
        signer="J. Park", role="counselor", signed_at=datetime(2026, 3, 12, tzinfo=UTC)
    )
    review = PlanReview(on=TODAY, summary="stable", counselor_signature=signature)
    p = workspace.record_review(admitted.id, review)
    assert p.reviews == [review]
    with pytest.raises(ValidationError, match="before the admission"):
        workspace.discharge(
            admitted.id,
            Discharge(on=date(2025, 1, 1), reason=DischargeReason.COMPLETED, aftercare="x"),
        )
    p = workspace.discharge(
        admitted.id, Discharge(on=TODAY, reason=DischargeReason.COMPLETED, aftercare="SMART")
    )
    assert not p.active


def test_read_only_workspace_refuses_writes(db_path, admitted: Patient, workspace) -> None:
    workspace.close()
    reader = Workspace(open_store(db_path, read_only=True), FixedClock(TODAY))
    with pytest.raises(ReadOnlyStoreError):
        reader.add_problem(admitted.id, Problem(title="x"))
    assert reader.patient(admitted.id) == admitted
    assert reader.read_only
    reader.close()
