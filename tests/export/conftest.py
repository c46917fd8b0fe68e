"""A rich patient for the export tests: every section filled, hostile text in user fields."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from tplan.domain import (
    Addendum,
    AddendumKind,
    AftercarePlan,
    Attendance,
    Bam,
    Decision,
    DecisionOutcome,
    Diagnosis,
    DrugScreen,
    ExportFormat,
    ExportLogEntry,
    Gad7,
    Gender,
    Goal,
    GoalStatus,
    GroupKind,
    Identifier,
    Intervention,
    LevelChange,
    LevelCode,
    Medication,
    Modality,
    NaloxoneCheck,
    NoteFormat,
    Objective,
    ObjectiveProgress,
    ObjectiveStatus,
    Patient,
    Phq9,
    PlanReview,
    Problem,
    ProgressNote,
    ProgressRating,
    RelapsePreventionPlan,
    Risk,
    RiskEvent,
    RiskEventKind,
    RiskKind,
    RiskStatus,
    RuleHit,
    ScreenMethod,
    ScreenResult,
    ScreenResultValue,
    SessionType,
    Signature,
    SnapItem,
    SnapKind,
    StatusChange,
    Suggestion,
    SuggestionKind,
    SupportGroup,
    SupportPerson,
    SupportRole,
    SupportStatus,
    TargetSchedule,
    UseReport,
)
from tplan.domain.suggestion import Alert, Criterion
from tplan.export import render

AS_OF = date(2026, 3, 12)
GENERATED_AT = datetime(2026, 3, 12, 14, 5, tzinfo=UTC)

HOSTILE = "<script>alert(1)</script> [bold]not bold[/bold] | pipes | *stars* # hash 🙂 שלום עולם"
"""User text that would change a document's structure if it were not escaped."""

LATER_NOTE_TEXT = "Note written after the as-of date: must not appear"
UNSIGNED_BY_AS_OF_TEXT = "Signed only after the as-of date"


def at(day: date, hour: int = 16) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def phq9(total_items: list[int], on: date | None = None) -> Phq9:
    return Phq9(items=total_items, on=on)


def signed_note(
    day: date,
    *,
    text: str,
    attendance: Attendance = Attendance.ATTENDED,
    craving: int | None = None,
    measures: list | None = None,
    screen: DrugScreen | None = None,
    addenda: list[Addendum] | None = None,
    objectives: list[ObjectiveProgress] | None = None,
    use: UseReport | None = None,
    note_id: str | None = None,
    signed_on: date | None = None,
) -> ProgressNote:
    extra = {"id": note_id} if note_id else {}
    return ProgressNote(
        **extra,
        date_of_service=day,
        written_at=at(day),
        session_type=SessionType.GROUP,
        attendance=attendance,
        format=NoteFormat.DAP,
        sections={"data": text, "assessment": "Engaged; " + HOSTILE, "plan": "Continue plan."},
        objectives_addressed=objectives or [],
        use=use,
        craving=craving,
        screen=screen,
        measures=measures or [],
        risk_observations="No acute risk observed.",
        author="Casey Counselor",
        signed_at=at(signed_on or day, 17),
        signed_by="Casey Counselor, LADC",
        addenda=addenda or [],
    )


@pytest.fixture
def rich_patient() -> Patient:
    admitted = date(2026, 1, 5)
    objective_meetings = Objective(
        id="ob-meetings",
        text="Attend 3 mutual-help meetings a week " + HOSTILE,
        target_date=date(2026, 3, 1),
        history=[
            StatusChange(on=admitted, status=ObjectiveStatus.NOT_STARTED),
            StatusChange(on=date(2026, 1, 20), status=ObjectiveStatus.IN_PROGRESS),
            StatusChange(on=date(2026, 2, 28), status=ObjectiveStatus.ACHIEVED),
        ],
        interventions=[
            Intervention(
                id="iv-groupcbt",
                modality=Modality.GROUP_CBT,
                description="Relapse-prevention CBT group",
                times_per_week=3,
                staff="Casey Counselor",
            ),
            Intervention(
                id="iv-moud",
                modality=Modality.MOUD,
                description="Buprenorphine maintenance check-in",
                times_per_week=0.5,
                staff="Dr. Mira Prescriber",
            ),
        ],
    )
    objective_coping = Objective(
        id="ob-coping",
        text="Name 3 coping steps for cravings",
        target_date=date(2026, 4, 15),
        history=[
            StatusChange(on=date(2026, 2, 1), status=ObjectiveStatus.IN_PROGRESS),
            StatusChange(on=date(2026, 3, 20), status=ObjectiveStatus.ACHIEVED),
        ],
        interventions=[
            Intervention(
                id="iv-indiv", modality=Modality.INDIVIDUAL, times_per_week=1, staff="Casey"
            )
        ],
    )
    objective_future = Objective(
        id="ob-future",
        text="Objective added after the as-of date",
        history=[StatusChange(on=date(2026, 3, 25), status=ObjectiveStatus.NOT_STARTED)],
    )
    problems = [
        Problem(
            id="pb-oud",
            title="Opioid use disorder " + HOSTILE,
            icd10="F11.20",
            patient_words="I want my life back.\n# not a heading\n- not a list",
            goals=[
                Goal(
                    id="gl-sober",
                    text="Sustain recovery from opioids",
                    status=GoalStatus.ACTIVE,
                    objectives=[objective_meetings, objective_coping, objective_future],
                )
            ],
        ),
        Problem(
            id="pb-mood",
            title="Depressed mood",
            icd10="F32.1",
            goals=[
                Goal(
                    id="gl-mood",
                    text="Fewer depressive symptoms",
                    status=GoalStatus.COMPLETED,
                    objectives=[
                        Objective(
                            id="ob-phq",
                            text="PHQ-9 below 10",
                            target_date=date(2026, 3, 1),
                            history=[
                                StatusChange(on=admitted, status=ObjectiveStatus.IN_PROGRESS),
                                StatusChange(
                                    on=date(2026, 2, 20), status=ObjectiveStatus.NOT_ACHIEVED
                                ),
                            ],
                        )
                    ],
                )
            ],
        ),
    ]
    week = [date(2026, 2, d) for d in (2, 9, 16, 23)] + [date(2026, 3, d) for d in (2, 9)]
    phq_items = [
        [2, 2, 2, 2, 2, 1, 1, 1, 1],
        [2, 2, 1, 2, 1, 1, 1, 1, 0],
        [1, 2, 1, 1, 1, 1, 1, 1, 0],
        [1, 1, 1, 1, 1, 1, 1, 0, 0],
        [1, 1, 1, 1, 0, 1, 0, 0, 0],
        [1, 1, 0, 1, 0, 0, 0, 0, 0],
    ]
    gad_items = [[2, 2, 2, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0, 1]]
    bam_items = [[1, 2, 1, 1, 0, 0, 1, 2, 3, 3, 1, 3, 3, 3, 3, 1, 0]] * 2
    notes: list[ProgressNote] = [
        ProgressNote(
            id="nt-intake",
            date_of_service=admitted,
            written_at=at(admitted),
            session_type=SessionType.INTAKE,
            attendance=Attendance.ATTENDED,
            sections={"data": "Intake.", "assessment": "IOP indicated.", "plan": "Admit."},
            measures=[phq9([2, 3, 2, 2, 2, 2, 2, 1, 1]), Gad7(items=[2, 2, 2, 2, 2, 2, 1])],
            author="Casey Counselor",
            signed_at=at(admitted, 18),
            signed_by="Casey Counselor, LADC",
        )
    ]
    for index, day in enumerate(week):
        measures: list = [phq9(phq_items[index])]
        if index % 2 == 0:
            measures.append(Gad7(items=gad_items[index // 2]))
        if index in (1, 4):
            measures.append(Bam(items=bam_items[0]))
        screen = DrugScreen(
            method=ScreenMethod.PRESUMPTIVE,
            results=[
                ScreenResult(
                    substance="buprenorphine", result=ScreenResultValue.POSITIVE, expected=True
                ),
                ScreenResult(substance="fentanyl", result=ScreenResultValue.NEGATIVE),
                ScreenResult(
                    substance="opiates",
                    result=ScreenResultValue.DILUTE if index == 2 else ScreenResultValue.NEGATIVE,
                ),
            ],
        )
        addenda = []
        if index == 3:
            addenda = [
                Addendum(
                    id="ad-correct",
                    kind=AddendumKind.CORRECTION,
                    reason="Wrong group name",
                    text="The group was the Tuesday CBT group. " + HOSTILE,
                    author="Casey Counselor",
                    written_at=at(date(2026, 2, 24), 9),
                ),
                Addendum(
                    id="ad-later",
                    kind=AddendumKind.CLARIFICATION,
                    reason="Later clarification",
                    text="Addendum written after the as-of date",
                    author="Casey Counselor",
                    written_at=at(date(2026, 3, 20), 9),
                ),
            ]
        notes.append(
            signed_note(
                day,
                note_id=f"nt-week{index}",
                text=f"Week {index + 1} group. " + HOSTILE,
                craving=max(0, 6 - index),
                measures=measures,
                screen=screen,
                addenda=addenda,
                objectives=[
                    ObjectiveProgress(objective_id="ob-meetings", rating=ProgressRating.IMPROVING)
                ],
                use=UseReport(used=index == 0, substances=["alcohol"] if index == 0 else []),
                attendance=Attendance.ATTENDED,
            )
        )
    notes.append(
        ProgressNote(
            id="nt-draft",
            date_of_service=date(2026, 3, 11),
            written_at=at(date(2026, 3, 11)),
            session_type=SessionType.INDIVIDUAL,
            attendance=Attendance.ATTENDED,
            sections={"data": "Draft text in progress " + HOSTILE},
            craving=2,
            author="Casey Counselor",
        )
    )
    notes.append(
        signed_note(
            date(2026, 3, 10),
            note_id="nt-signed-late",
            text=UNSIGNED_BY_AS_OF_TEXT,
            signed_on=date(2026, 3, 14),
        )
    )
    notes.append(signed_note(date(2026, 3, 19), note_id="nt-later", text=LATER_NOTE_TEXT))
    suggestion = Suggestion(
        patient_id="pt-0123456789ab",
        as_of=date(2026, 2, 20),
        kind=SuggestionKind.TAPER,
        headline="Taper to 3 days a week",
        target=TargetSchedule(
            level=LevelCode.L2_1, days_per_week=3, hours_per_week=9, description="IOP 3 x 3 h"
        ),
        fired=[
            RuleHit(rule="taper.all", kind=SuggestionKind.TAPER, message="All taper criteria met")
        ],
    )
    return Patient(
        id="pt-0123456789ab",
        display_name="Jordan Alex Rivera",
        identifiers=[Identifier(system="MRN", value="MRN-445566")],
        birth_date=date(1988, 7, 14),
        gender=Gender.FEMALE,
        pronouns="she/her",
        primary_substances=["opioids", "alcohol"],
        diagnoses=[Diagnosis(code="F11.20", description="Opioid use disorder, moderate")],
        last_use_at_intake=date(2026, 1, 2),
        admission_date=admitted,
        counselor="Casey Counselor",
        problems=problems,
        snap=[
            SnapItem(id="sn-1", kind=SnapKind.STRENGTH, text="Loves her kids " + HOSTILE),
            SnapItem(id="sn-2", kind=SnapKind.NEED, text="Stable housing"),
            SnapItem(id="sn-3", kind=SnapKind.ABILITY, text="Works as a cook"),
            SnapItem(id="sn-4", kind=SnapKind.PREFERENCE, text="Evening groups"),
        ],
        risks=[
            Risk(
                id="rk-overdose",
                kind=RiskKind.OVERDOSE,
                description="Overdose risk after abstinence " + HOSTILE,
                severity=3,
                history=[StatusChange(on=admitted, status=RiskStatus.ACTIVE)],
            ),
            Risk(
                id="rk-trigger",
                kind=RiskKind.TRIGGER,
                description="Payday weekends",
                severity=2,
                history=[StatusChange(on=date(2026, 1, 10), status=RiskStatus.MONITORING)],
            ),
            Risk(
                id="rk-future",
                kind=RiskKind.HOUSING,
                description="Risk recorded after the as-of date",
                severity=2,
                history=[StatusChange(on=date(2026, 3, 30), status=RiskStatus.ACTIVE)],
            ),
        ],
        risk_events=[
            RiskEvent(
                id="re-1",
                on=date(2025, 12, 1),
                kind=RiskEventKind.OVERDOSE,
                description="Overdose before admission, naloxone given",
            )
        ],
        supports=[
            SupportPerson(
                id="sp-sister",
                name="Maria Rivera",
                role=SupportRole.FAMILY,
                contact="+1 555 0100",
                sober_support=True,
                history=[StatusChange(on=admitted, status=SupportStatus.ACTIVE)],
            ),
            SupportPerson(
                id="sp-sponsor",
                name="Sam Sponsor " + HOSTILE,
                role=SupportRole.SPONSOR,
                contact="sam@example.org",
                sober_support=True,
                history=[StatusChange(on=date(2026, 1, 15), status=SupportStatus.ACTIVE)],
            ),
        ],
        groups=[
            SupportGroup(
                id="sg-na",
                kind=GroupKind.NA,
                name="Tuesday Night NA",
                meetings_per_week=2,
                history=[StatusChange(on=date(2026, 1, 12), status=SupportStatus.ACTIVE)],
            )
        ],
        recovery_environment="Lives with sister; works evenings.",
        level_history=[
            LevelChange(
                id="lv-admit",
                start=admitted,
                level=LevelCode.L2_1,
                days_per_week=4,
                hours_per_week=12,
                reason="Admission",
                decided_by="Casey Counselor",
            ),
            LevelChange(
                id="lv-taper",
                start=date(2026, 2, 23),
                level=LevelCode.L2_1,
                days_per_week=3,
                hours_per_week=9,
                reason="Taper accepted " + HOSTILE,
                decided_by="Casey Counselor",
                decision_id="dc-taper",
            ),
        ],
        medications=[
            Medication(
                id="md-bup",
                name="Buprenorphine/naloxone",
                dose="8/2 mg daily",
                prescriber="Dr. Mira Prescriber",
                start=date(2025, 12, 20),
                moud=True,
                screens_as=["buprenorphine"],
            )
        ],
        naloxone_checks=[NaloxoneCheck(on_hand=True, checked_on=date(2026, 3, 2))],
        relapse_prevention=RelapsePreventionPlan(
            written_on=date(2026, 2, 10),
            triggers="Payday; old friends",
            warning_signs="Skipping meals\nIsolating",
            coping_steps="1. Call sponsor\n2. Go to a meeting",
            people_to_call="Sister; sponsor",
        ),
        aftercare=AftercarePlan(
            written_on=date(2026, 3, 5),
            plan="Step down to weekly outpatient group",
            referrals="Community OP clinic",
        ),
        reviews=[
            PlanReview(
                id="rv-1",
                on=date(2026, 2, 4),
                summary="30-day review: progressing",
                counselor_signature=Signature(
                    signer="Casey Counselor", role="counselor", signed_at=at(date(2026, 2, 4))
                ),
                patient_signature=Signature(
                    signer="Jordan Alex Rivera", role="patient", signed_at=at(date(2026, 2, 4))
                ),
            )
        ],
        notes=notes,
        decisions=[
            Decision(
                id="dc-taper",
                decided_at=at(date(2026, 2, 20)),
                decided_by="Casey Counselor",
                outcome=DecisionOutcome.ACCEPT,
                rationale="Stable for a month " + HOSTILE,
                suggestion=suggestion,
            )
        ],
        disclosures=[
            ExportLogEntry(
                id="ex-1",
                at=at(date(2026, 2, 5)),
                by="Casey Counselor",
                format=ExportFormat.HTML,
                as_of=date(2026, 2, 5),
                recipient="Dr. Lee, primary care",
                purpose="coordination of care",
                consent="consent form 2026-01-05",
            )
        ],
    )


@pytest.fixture
def suggestion() -> Suggestion:
    return Suggestion(
        patient_id="pt-0123456789ab",
        as_of=AS_OF,
        kind=SuggestionKind.CONTINUE,
        headline="Continue at IOP 3 days a week",
        fired=[],
        step_down_criteria=[
            Criterion(criterion="days_at_level", met=False, message="17 days at level; need 42"),
            Criterion(criterion="objectives", met=True, message="objectives achieved"),
        ],
        alerts=[Alert(alert="draft_note_old", message="A draft note is older than 3 days")],
    )


@dataclass(frozen=True)
class Texts:
    """Constants of the rich patient that the tests look for."""

    as_of: date = AS_OF
    generated_at: datetime = GENERATED_AT
    hostile: str = HOSTILE
    later_note: str = LATER_NOTE_TEXT
    unsigned_by_as_of: str = UNSIGNED_BY_AS_OF_TEXT


@pytest.fixture
def texts() -> Texts:
    return Texts()


Exporter = Callable[..., str]


@pytest.fixture
def export() -> Exporter:
    """``export(patient, fmt, suggestion=None, redact=False) -> str`` at the fixed as-of date."""

    def run(
        patient: Patient,
        fmt: ExportFormat,
        *,
        suggestion: Suggestion | None = None,
        redact: bool = False,
    ) -> str:
        data = render(
            patient,
            fmt,
            as_of=AS_OF,
            generated_at=GENERATED_AT,
            suggestion=suggestion,
            redact=redact,
            disclosure=ExportLogEntry(
                id="ex-redacted" if redact else "ex-full",
                at=GENERATED_AT,
                by="Casey Counselor",
                format=fmt,
                as_of=AS_OF,
                recipient="Dr. Lee, primary care",
                purpose="coordination of care",
                consent="consent form signed by Jordan Alex Rivera on 2026-01-05",
                redacted=redact,
            ),
        )
        assert isinstance(data, bytes)
        return data.decode("utf-8")

    return run
