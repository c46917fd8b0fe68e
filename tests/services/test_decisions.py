"""Decisions keep a copy of the suggestion; an accepted level change goes into the history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError
from services_factories import TODAY

from tplan.domain import (
    DecisionOutcome,
    LevelCode,
    Patient,
    Suggestion,
    SuggestionKind,
    TargetSchedule,
)
from tplan.services import FixedClock, RecordRuleError, ServiceError, Workspace


def suggestion(pid: str, kind: SuggestionKind, target: TargetSchedule | None) -> Suggestion:
    return Suggestion(
        patient_id=pid, as_of=TODAY, kind=kind, headline=f"{kind.value} suggested", target=target
    )


def test_accepted_step_up_records_the_level_change(workspace: Workspace, admitted: Patient) -> None:
    target = TargetSchedule(
        level=LevelCode.L2_5, days_per_week=5, hours_per_week=25, description="PHP"
    )
    shown = suggestion(admitted.id, SuggestionKind.STEP_UP, target)
    decision = workspace.record_decision(
        admitted.id, shown, DecisionOutcome.ACCEPT, "two relapses this fortnight"
    )
    patient = workspace.patient(admitted.id)
    assert patient.decisions == [decision]
    assert decision.suggestion == shown
    assert decision.decided_by == "J. Park"
    assert decision.decided_at == FixedClock(TODAY).now()
    change = decision.level_change
    assert change is not None
    assert patient.current_level == change
    assert (change.start, change.level, change.days_per_week, change.hours_per_week) == (
        TODAY, LevelCode.L2_5, 5, 25
    )
    assert change.reason == "two relapses this fortnight"
    assert change.decision_id == decision.id
    entry = workspace.audit(admitted.id)[-1]
    assert (entry.action, entry.record_id) == ("record_decision", decision.id)
    assert set(entry.fields) == {"decisions", "level_history"}


@pytest.mark.parametrize("outcome", [DecisionOutcome.DECLINE, DecisionOutcome.DEFER])
def test_declined_or_deferred_leaves_the_level(
    workspace: Workspace, admitted: Patient, outcome: DecisionOutcome
) -> None:
    target = TargetSchedule(level=LevelCode.L1, days_per_week=1, hours_per_week=2, description="")
    follow_up = TODAY + timedelta(days=14) if outcome is DecisionOutcome.DEFER else None
    decision = workspace.record_decision(
        admitted.id,
        suggestion(admitted.id, SuggestionKind.STEP_DOWN, target),
        outcome,
        "not yet",
        follow_up,
    )
    patient = workspace.patient(admitted.id)
    assert decision.level_change is None
    assert patient.decisions[-1].follow_up_on == follow_up
    assert patient.level_history == admitted.level_history
    assert patient.decisions[-1].outcome is outcome


def test_step_down_from_level_one_means_discharge_next(
    workspace: Workspace, admitted: Patient
) -> None:
    target = TargetSchedule(level=None, description="discharge to aftercare")
    decision = workspace.record_decision(
        admitted.id,
        suggestion(admitted.id, SuggestionKind.STEP_DOWN, target),
        DecisionOutcome.ACCEPT,
        "ready for aftercare",
    )
    patient = workspace.patient(admitted.id)
    assert decision.level_change is None
    assert patient.level_history == admitted.level_history
    assert patient.active  # discharge is its own step


def test_added_services_only_change_no_schedule(workspace: Workspace, admitted: Patient) -> None:
    current = admitted.current_level
    target = TargetSchedule(
        level=current.level, days_per_week=current.days_per_week,
        hours_per_week=current.hours_per_week, added_services=["an individual session"],
        description="add an individual session",
    )
    decision = workspace.record_decision(
        admitted.id, suggestion(admitted.id, SuggestionKind.INTENSIFY, target),
        DecisionOutcome.ACCEPT, "add individual",
    )
    assert decision.level_change is None


def test_taper_keeps_level_and_missing_schedule_parts(
    workspace: Workspace, admitted: Patient
) -> None:
    target = TargetSchedule(level=LevelCode.L2_1, days_per_week=3, description="3 days")
    decision = workspace.record_decision(
        admitted.id, suggestion(admitted.id, SuggestionKind.TAPER, target),
        DecisionOutcome.ACCEPT, "doing well",
    )
    change = decision.level_change
    assert change is not None
    assert (change.level, change.days_per_week, change.hours_per_week) == (LevelCode.L2_1, 3, 12)


def test_real_engine_suggestion_round_trips(workspace: Workspace, admitted: Patient) -> None:
    shown = workspace.suggest(admitted.id)
    assert shown.kind is SuggestionKind.CONTINUE
    decision = workspace.record_decision(admitted.id, shown, DecisionOutcome.ACCEPT, "agree")
    assert workspace.patient(admitted.id).decisions[0].suggestion == shown
    assert decision.level_change is None


def test_rationale_is_required_and_patient_must_match(
    workspace: Workspace, admitted: Patient
) -> None:
    shown = suggestion(admitted.id, SuggestionKind.CONTINUE, None)
    with pytest.raises(ValidationError, match="rationale"):
        workspace.record_decision(admitted.id, shown, DecisionOutcome.DECLINE, "   ")
    other = suggestion("pt-someoneelse", SuggestionKind.CONTINUE, None)
    with pytest.raises(ServiceError, match="another patient"):
        workspace.record_decision(admitted.id, other, DecisionOutcome.DECLINE, "x")
    assert workspace.patient(admitted.id).decisions == []


def test_a_defer_gets_a_follow_up_date_not_in_the_past(
    workspace: Workspace, admitted: Patient
) -> None:
    shown = suggestion(admitted.id, SuggestionKind.STEP_DOWN, None)
    with pytest.raises(RecordRuleError, match="in the past") as caught:
        workspace.record_decision(
            admitted.id, shown, DecisionOutcome.DEFER, "wait", TODAY - timedelta(days=1)
        )
    assert caught.value.field == "follow_up_on"
    assert workspace.patient(admitted.id).decisions == []
    # without one (the CLI, an older caller) the policy's interval applies
    decision = workspace.record_decision(admitted.id, shown, DecisionOutcome.DEFER, "wait")
    days = workspace.policy.alerts.deferred_decision_due_days
    assert decision.follow_up_on == TODAY + timedelta(days=days)
