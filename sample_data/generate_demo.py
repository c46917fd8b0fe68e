"""Build the synthetic demo caseload and write it as a tplan interchange file.

Run ``python sample_data/generate_demo.py [OUT]`` (default: ``demo_caseload.json`` beside this
script). Every person here is invented: names are made up, MRNs are ``DEMO-00NN`` and phone
numbers lie in 555-0100..0199, the range kept for fiction.

Each story is written, against CLINICAL.md section 5, for one suggestion kind on the ANCHOR date
(``EXPECTED_KINDS``; the stories say why in their comments). All dates are ANCHOR-relative;
``tplan.services.demo.load_demo`` shifts them so the demo always looks current. Ids, times and
note wording are deterministic (fixed seed), so regenerating gives the same bytes.
"""

from __future__ import annotations

import json
import os
import random
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from tplan.domain import (
    Addendum,
    AddendumKind,
    AftercarePlan,
    Attendance,
    AttendanceRecord,
    AttendanceStatus,
    Bam,
    Criterion,
    Decision,
    DecisionOutcome,
    Diagnosis,
    Discharge,
    DischargeReason,
    DrugScreen,
    Envelope,
    Gad7,
    Gender,
    Goal,
    GroupKind,
    Identifier,
    IndividualSchedule,
    Intervention,
    LevelChange,
    LevelCode,
    Measure,
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
    RosterEntry,
    RuleHit,
    ScreenMethod,
    ScreenResult,
    ScreenResultValue,
    Session,
    SessionsBundle,
    SessionStatus,
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
    TreatmentGroup,
    TreatmentGroupKind,
    UseReport,
    Weekday,
    WeeklyPattern,
)
from tplan.domain.group_notes import (
    GroupNote,
    GroupNotesBundle,
    MemberPart,
    Participation,
    SharedPart,
    member_note,
)

ANCHOR = date(2026, 3, 2)
"""The day the stories are written for; loading shifts every date by (today - ANCHOR)."""
SEED = 20260302

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "demo_caseload.json"
EXPECTED_FILE_NAME = "demo_expected_kinds.json"
SESSIONS_FILE_NAME = "demo_sessions.json"
GROUP_NOTES_FILE_NAME = "demo_group_notes.json"

PARK = "J. Park"
OYELARAN = "T. Oyelaran"
BRANDVOLD = "S. Brandvold"

PANEL = ("alcohol", "opioids", "fentanyl", "cocaine", "amphetamines", "cannabis", "benzodiazepines")

S = SuggestionKind
EXPECTED_KINDS: dict[str, SuggestionKind] = {
    "demo-avery-quill": S.STEP_DOWN,
    "demo-bo-marchetti": S.TAPER,
    "demo-casey-thistlewood": S.SAFETY_REVIEW,
    "demo-dara-fenwick": S.SAFETY_REVIEW,
    "demo-nico-quarrington": S.SAFETY_REVIEW,
    "demo-emery-stroud": S.STEP_UP,
    "demo-finley-ashgrove": S.STEP_UP,
    "demo-gale-brightwater": S.INTENSIFY,
    "demo-harper-nightingale": S.INTENSIFY,
    "demo-indigo-larkspur": S.INTENSIFY,
    "demo-kit-ravensworth": S.CONTINUE,
    "demo-lane-copperfield": S.CONTINUE,
    "demo-morgan-featherstone": S.CONTINUE,
    "demo-quinn-halloway": S.CONTINUE,
    "demo-sage-pennywhistle": S.TAPER,
    "demo-tamsin-orchard": S.STEP_DOWN,
}
"""Patient id -> the suggestion kind its story is written for (on any 'today', after shifting)."""


# --- dates -----------------------------------------------------------------------------


def day(offset: int) -> date:
    """ANCHOR + offset days (offsets are zero or negative: the past)."""
    return ANCHOR + timedelta(days=offset)


def at(offset: int, hour: int = 17, minute: int = 0) -> datetime:
    return datetime.combine(day(offset), time(hour, minute), tzinfo=UTC)


def iso(offset: int) -> str:
    return day(offset).isoformat()


# --- building blocks -------------------------------------------------------------------


def phq9(total: int, item9: int = 0) -> list[int]:
    """Nine PHQ-9 answers adding up to ``total`` with the given item 9."""
    return [*_spread(total - item9, 8, 3), item9]


def gad7(total: int) -> list[int]:
    return _spread(total, 7, 3)


def bam(use: int = 0, risk: int = 4, protective: int = 18) -> list[int]:
    """Seventeen BAM answers whose Use, Risk and Protective subscales add up as given."""
    items = [0] * 17
    for positions, total in (
        ((4, 5, 6), use),
        ((1, 2, 3, 8, 11, 15), risk),
        ((9, 10, 12, 13, 14, 16), protective),
    ):
        for position, value in zip(positions, _spread(total, len(positions), 4), strict=True):
            items[position - 1] = value
    return items


def _spread(total: int, count: int, top: int) -> list[int]:
    if not 0 <= total <= count * top:
        raise ValueError(f"cannot spread {total} over {count} items of 0-{top}")
    items = [total // count] * count
    for index in range(total % count):
        items[index] += 1
    return items


def sign(signer: str, role: str, offset: int, hour: int = 16) -> Signature:
    return Signature(signer=signer, role=role, signed_at=at(offset, hour))


def history(*changes: tuple[int, object]) -> list[StatusChange]:
    return [StatusChange(on=day(offset), status=status) for offset, status in changes]


A, N, X = Attendance.ATTENDED, Attendance.MISSED, Attendance.EXCUSED
ACH, PROG, NEW = ObjectiveStatus.ACHIEVED, ObjectiveStatus.IN_PROGRESS, ObjectiveStatus.NOT_STARTED

ASSESSMENTS = (
    "Engaged and on topic; linked the material to their own week.",
    "Participated actively and gave feedback to peers.",
    "Quieter than usual but responsive when invited to share.",
    "Insight improving; named a recent high-risk moment without prompting.",
    "Affect congruent; motivation remains good.",
)
PLANS = (
    "Continue current schedule; practise the coping step discussed before next session.",
    "Bring the completed trigger log to the next session.",
    "Continue group; review progress on objectives at the next individual session.",
    "Attend mutual-help meetings as planned and report back.",
)
INTERVENTIONS = (
    "Facilitated CBT skills practice (urge surfing, thought records).",
    "Led relapse-prevention role-play on refusal skills.",
    "Provided psychoeducation on the brain and craving.",
    "Used motivational interviewing to explore ambivalence.",
)
RESPONSES = (
    "Practised the skill in session and identified when to use it this week.",
    "Receptive; offered an example from work.",
    "Initially guarded, then engaged in the role-play.",
)


class Chart:
    """Collects one patient's records with deterministic ids and note wording."""

    def __init__(self, pid: str, counselor: str, rng: random.Random) -> None:
        self.pid = pid
        self.slug = pid.removeprefix("demo-").split("-")[-1]
        self.counselor = counselor
        self.rng = rng
        self._count = 0
        self.objective_ids: list[str] = []

    def id(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}-{self.slug}-{self._count:03d}"

    # plan -------------------------------------------------------------------------------

    def objective(
        self,
        text: str,
        target: int,
        changes: Iterable[tuple[int, ObjectiveStatus]],
        interventions: Iterable[tuple[Modality, str, float]] = (),
    ) -> Objective:
        objective = Objective(
            id=self.id("ob"),
            text=text,
            target_date=day(target),
            history=history(*changes),
            interventions=[
                Intervention(
                    id=self.id("iv"),
                    modality=modality,
                    description=description,
                    times_per_week=times,
                    staff=self.counselor,
                )
                for modality, description, times in interventions
            ],
        )
        self.objective_ids.append(objective.id)
        return objective

    def problem(
        self, title: str, icd10: str | None, words: str, goal: str, objectives: list[Objective]
    ) -> Problem:
        return Problem(
            id=self.id("pb"),
            title=title,
            icd10=icd10,
            patient_words=words,
            goals=[Goal(id=self.id("gl"), text=goal, objectives=objectives)],
        )

    def snap(self, *items: tuple[SnapKind, str]) -> list[SnapItem]:
        return [SnapItem(id=self.id("sn"), kind=kind, text=text) for kind, text in items]

    def risk(
        self,
        kind: RiskKind,
        description: str,
        severities: Iterable[tuple[int, int]],
        statuses: Iterable[tuple[int, RiskStatus]],
    ) -> Risk:
        severity_changes = list(severities)
        return Risk(
            id=self.id("rk"),
            kind=kind,
            description=description,
            severity=severity_changes[-1][1],
            history=history(*statuses),
            severity_history=history(*severity_changes) if len(severity_changes) > 1 else [],
        )

    def person(
        self, name: str, role: SupportRole, contact: str, sober: bool, since: int
    ) -> SupportPerson:
        return SupportPerson(
            id=self.id("sp"),
            name=name,
            role=role,
            contact=contact,
            sober_support=sober,
            history=history((since, SupportStatus.ACTIVE)),
        )

    def group(self, kind: GroupKind, name: str, per_week: float, since: int) -> SupportGroup:
        return SupportGroup(
            id=self.id("sg"),
            kind=kind,
            name=name,
            meetings_per_week=per_week,
            history=history((since, SupportStatus.ACTIVE)),
        )

    def level(
        self, start: int, level: LevelCode, days: int, hours: float, reason: str, **extra: object
    ) -> LevelChange:
        return LevelChange(
            id=self.id("lv"),
            start=day(start),
            level=level,
            days_per_week=days,
            hours_per_week=hours,
            reason=reason,
            decided_by=self.counselor,
            **extra,
        )

    def review(self, offset: int, summary: str, patient: str, *, signed: bool = True) -> PlanReview:
        return PlanReview(
            id=self.id("rv"),
            on=day(offset),
            summary=summary,
            counselor_signature=sign(self.counselor, "counselor", offset) if signed else None,
            patient_signature=sign(patient, "patient (attested by counselor)", offset),
        )

    def medication(self, name: str, dose: str, start: int, **extra: object) -> Medication:
        return Medication(
            id=self.id("md"),
            name=name,
            dose=dose,
            prescriber="Dr. Wren Halvorsen (demo prescriber)",
            start=day(start),
            **extra,
        )

    # notes ------------------------------------------------------------------------------

    def screen(
        self, offset: int, positives: dict[str, bool] | None = None, extra: Iterable[str] = ()
    ) -> DrugScreen:
        """A presumptive panel; ``positives`` maps substance -> expected (a prescribed drug)."""
        positives = positives or {}
        substances = list(dict.fromkeys([*PANEL, *extra, *positives]))
        return DrugScreen(
            collected_on=day(offset),
            method=ScreenMethod.PRESUMPTIVE,
            results=[
                ScreenResult(
                    substance=substance,
                    result=(
                        ScreenResultValue.POSITIVE
                        if substance in positives
                        else ScreenResultValue.NEGATIVE
                    ),
                    expected=positives.get(substance, False),
                )
                for substance in substances
            ],
        )

    def note(
        self,
        offset: int,
        *,
        first_name: str,
        topic: str,
        session: SessionType = SessionType.GROUP,
        attendance: Attendance = A,
        fmt: NoteFormat = NoteFormat.DAP,
        craving: int | None = None,
        screen: DrugScreen | None = None,
        measures: Iterable[Measure] = (),
        use: UseReport | None = None,
        risk: str = "",
        extra: str = "",
        signed: bool = True,
        late_days: int = 0,
        author: str | None = None,
    ) -> ProgressNote:
        author = author or self.counselor
        written = at(offset + late_days, 17 if not late_days else 10, self.rng.choice((5, 20, 40)))
        attended = attendance is A
        if attended:
            said = f"Craving {craving}/10." if craving is not None else ""
            data = f"{first_name} attended the {session.value} session on {topic}. {said} {extra}"
            assessment = self.rng.choice(ASSESSMENTS)
            plan = self.rng.choice(PLANS)
        else:
            data = (
                f"{first_name} did not attend the {session.value} session"
                f" ({'excused in advance' if attendance is X else 'no call'}). {extra}"
            )
            assessment = "Absence noted; see plan."
            plan = "Outreach call made; reschedule and review barriers to attendance."
        if fmt is NoteFormat.BIRP:
            sections = {
                "behavior": data.strip(),
                "intervention": self.rng.choice(INTERVENTIONS) if attended else "Outreach call.",
                "response": self.rng.choice(RESPONSES) if attended else assessment,
                "plan": plan,
            }
        else:
            sections = {"data": data.strip(), "assessment": assessment, "plan": plan}
        addressed = []
        if attended and self.objective_ids:
            objective_id = self.objective_ids[(-offset) % len(self.objective_ids)]
            addressed = [
                ObjectiveProgress(objective_id=objective_id, rating=ProgressRating.IMPROVING)
            ]
        return ProgressNote(
            id=self.id("nt"),
            date_of_service=day(offset),
            written_at=written,
            session_type=session,
            attendance=attendance,
            format=fmt,
            sections={name: " ".join(text.split()) for name, text in sections.items()},
            objectives_addressed=addressed,
            use=use if attended else None,
            craving=craving if attended else None,
            screen=screen if attended else None,
            measures=list(measures) if attended else [],
            risk_observations=risk,
            author=author,
            signed_at=written + timedelta(minutes=15) if signed else None,
            signed_by=author if signed else "",
        )


def sessions(start: int, end: int, weekdays: tuple[int, ...]) -> list[int]:
    """The intake day ``start``, then every later day up to ``end`` on the given weekdays.

    ANCHOR is a Monday, so ``offset % 7`` is the weekday (0 = Monday) on the anchor calendar.
    """
    return [start, *(o for o in range(start + 1, end + 1) if o % 7 in weekdays)]


MWF = (0, 2, 4)
MON_TUE_THU_FRI = (0, 1, 3, 4)
WEEKDAYS = (0, 1, 2, 3, 4)


def course(
    chart: Chart,
    offsets: Iterable[int],
    *,
    first_name: str,
    topics: tuple[str, ...],
    craving: Callable[[int], int],
    attendance: dict[int, Attendance] | None = None,
    screens: dict[int, DrugScreen] | None = None,
    measures: dict[int, list[Measure]] | None = None,
    uses: dict[int, UseReport] | None = None,
    sessions_of: dict[int, SessionType] | None = None,
    fmt: NoteFormat = NoteFormat.DAP,
    risk: dict[int, str] | None = None,
    extra: dict[int, str] | None = None,
    late: dict[int, int] | None = None,
    drafts: Iterable[int] = (),
) -> list[ProgressNote]:
    """One note per session day, with the story's exceptions keyed by day offset."""
    attendance, screens, measures = attendance or {}, screens or {}, measures or {}
    uses, sessions_of, risk, extra, late = (
        uses or {},
        sessions_of or {},
        risk or {},
        extra or {},
        late or {},
    )
    draft_days = set(drafts)
    session_days = set(offsets := sorted(offsets))
    for name, keyed in (
        ("attendance", attendance),
        ("screens", screens),
        ("measures", measures),
        ("uses", uses),
        ("sessions_of", sessions_of),
        ("risk", risk),
        ("extra", extra),
        ("late", late),
        ("drafts", draft_days),
    ):
        stray = sorted(set(keyed) - session_days)
        if stray:
            raise ValueError(f"{chart.pid}: {name} on days without a session: {stray}")
    notes = []
    for index, offset in enumerate(offsets):
        notes.append(
            chart.note(
                offset,
                first_name=first_name,
                topic=topics[index % len(topics)],
                session=SessionType.INTAKE
                if index == 0
                else sessions_of.get(offset, SessionType.GROUP),
                attendance=attendance.get(offset, A),
                fmt=fmt,
                craving=craving(offset),
                screen=screens.get(offset),
                measures=measures.get(offset, []),
                use=uses.get(offset, UseReport(used=False)),
                risk=risk.get(offset, ""),
                extra=extra.get(offset, ""),
                late_days=late.get(offset, 0),
                signed=offset not in draft_days,
            )
        )
    return notes


def weekly_screens(
    chart: Chart,
    offsets: Iterable[int],
    positives: dict[int, dict[str, bool]] | None = None,
    every_positive: dict[str, bool] | None = None,
) -> dict[int, DrugScreen]:
    """A screen at intake and at every Monday session; ``positives`` adds per-day positives."""
    positives = positives or {}
    days = sorted(offsets)
    chosen = [days[0], *(offset for offset in days[1:] if offset % 7 == 0)]
    return {
        offset: chart.screen(offset, {**(every_positive or {}), **positives.get(offset, {})})
        for offset in chosen
    }


def base_patient(
    chart: Chart,
    *,
    name: str,
    number: int,
    born: int,
    gender: Gender,
    pronouns: str,
    substances: list[str],
    diagnoses: list[tuple[str, str]],
    admitted: int,
    last_use: int | None,
    environment: str,
    **fields: object,
) -> Patient:
    return Patient(
        id=chart.pid,
        display_name=name,
        identifiers=[Identifier(system="MRN", value=f"DEMO-{number:04d}")],
        birth_date=date(ANCHOR.year - born, 1, 5) + timedelta(days=(number * 7) % 50),
        gender=gender,
        pronouns=pronouns,
        primary_substances=substances,
        diagnoses=[Diagnosis(code=code, description=text) for code, text in diagnoses],
        last_use_at_intake=day(last_use) if last_use is not None else None,
        admission_date=day(admitted),
        counselor=chart.counselor,
        recovery_environment=environment,
        **fields,
    )


def drift(start: int, begin: float, finish: float, rng: random.Random, jitter: int = 1):
    """A craving series sliding from ``begin`` (at ``start``) to ``finish`` (at day 0)."""

    def rating(offset: int) -> int:
        progress = (offset - start) / max(1, -start)
        value = begin + (finish - begin) * progress + rng.choice(range(-jitter, jitter + 1))
        return max(0, min(10, round(value)))

    return rating


def fixed(values: dict[int, int], default: Callable[[int], int]) -> Callable[[int], int]:
    return lambda offset: values.get(offset, default(offset))


AUD = ("F10.20", "Alcohol use disorder, moderate")
OUD = ("F11.20", "Opioid use disorder, moderate")
GROUP_CBT = (Modality.GROUP_CBT, "Relapse-prevention CBT group", 3.0)
INDIVIDUAL = (Modality.INDIVIDUAL, "Individual counseling", 1.0)
FAMILY = (Modality.FAMILY, "Family session", 1.0)


def relapse_plan(offset: int, triggers: str, people: str) -> RelapsePreventionPlan:
    return RelapsePreventionPlan(
        written_on=day(offset),
        triggers=triggers,
        warning_signs="Skipping meals and sleep; isolating; romanticising past use.",
        coping_steps="Call a support before acting; leave the situation; urge-surf 20 minutes; "
        "go to a meeting the same day.",
        people_to_call=people,
    )


# --- the stories -----------------------------------------------------------------------


def avery(rng: random.Random) -> Patient:
    """STEP_DOWN: 70 days at 2.1, every objective achieved, no use since intake, weekly negative
    screens, full attendance, craving 1-2, PHQ-9 4, relapse plan and sponsor. Aftercare written
    for the step to level 1. Review due in 4 days (alert). A signed note carries an addendum and
    one note is a late entry."""
    c = Chart("demo-avery-quill", PARK, rng)
    obj = [
        c.objective(
            "Name 5 personal triggers and a coping step for each",
            -45,
            [(-70, NEW), (-60, PROG), (-41, ACH)],
            [GROUP_CBT],
        ),
        c.objective(
            "Attend 3 AA meetings a week and ask someone to sponsor her",
            -40,
            [(-70, NEW), (-66, PROG), (-38, ACH)],
            [(Modality.PEER_SUPPORT, "AA", 3)],
        ),
        c.objective(
            "Write a relapse-prevention plan with her sponsor",
            -20,
            [(-70, NEW), (-30, PROG), (-22, ACH)],
            [INDIVIDUAL],
        ),
        c.objective(
            "Agree with her manager to end shifts by 10 pm",
            -10,
            [(-60, NEW), (-35, PROG), (-12, ACH)],
            [INDIVIDUAL],
        ),
    ]
    offsets = sessions(-70, -1, MWF)
    screens = weekly_screens(c, offsets)
    notes = course(
        c,
        offsets,
        first_name="Avery",
        topics=(
            "triggers at work",
            "refusal skills",
            "sleep and stress",
            "the sponsor talk",
            "planning weekends",
            "relapse warning signs",
        ),
        craving=fixed({-70: 6}, drift(-70, 5.5, 1.0, rng)),
        attendance={-59: N, -10: X},
        screens=screens,
        measures={
            -70: [Phq9(items=phq9(9)), Gad7(items=gad7(11)), Bam(items=bam(use=3, risk=11))],
            -47: [Phq9(items=phq9(6)), Gad7(items=gad7(8))],
            -17: [Phq9(items=phq9(4)), Gad7(items=gad7(5)), Bam(items=bam(0, 3, 20))],
        },
        late={-14: 2},
    )
    _add_addendum(notes, -31, "Avery", PARK)
    return base_patient(
        c,
        name="Avery Quill",
        number=1,
        born=34,
        gender=Gender.FEMALE,
        pronouns="she/her",
        substances=["alcohol"],
        diagnoses=[AUD],
        admitted=-70,
        last_use=-73,
        environment="Rents an apartment alone; assistant manager at a restaurant (late shifts).",
        problems=[
            c.problem(
                "Drinking to manage work stress",
                "F10.20",
                "I drink when my shift ends badly.",
                "Stay sober through the program and after",
                obj[:3],
            ),
            c.problem(
                "Late shifts leave no time for recovery",
                None,
                "By the time I'm off, only the bar is open.",
                "A schedule that fits recovery",
                obj[3:],
            ),
        ],
        snap=c.snap(
            (SnapKind.STRENGTH, "Reliable; shows up for people"),
            (SnapKind.PREFERENCE, "Prefers morning meetings"),
        ),
        risks=[
            c.risk(
                RiskKind.TRIGGER,
                "End-of-shift drinks with coworkers",
                [(-70, 3), (-20, 1)],
                [(-70, RiskStatus.ACTIVE), (-20, RiskStatus.MONITORING)],
            )
        ],
        supports=[
            c.person("Marisol Venn", SupportRole.SPONSOR, "555-0101", True, -38),
            c.person("Jo Quill", SupportRole.FAMILY, "555-0102", True, -70),
        ],
        groups=[c.group(GroupKind.AA, "Tuesday Dawn Group", 3, -66)],
        level_history=[c.level(-70, LevelCode.L2_1, 3, 9, "Admission: ASAM dimension 5 rated 3")],
        relapse_prevention=relapse_plan(
            -22,
            "Closing shifts, payday, arguments with her manager.",
            "Marisol (sponsor) 555-0101; Jo (sister) 555-0102",
        ),
        aftercare=AftercarePlan(
            written_on=day(-3),
            plan="Step down to level 1: weekly individual session and one group; AA three times "
            "a week with her sponsor; recheck in 30 days.",
            referrals="Level 1 outpatient group (same clinic); Tuesday Dawn Group (AA).",
        ),
        reviews=[
            c.review(-70, "Initial plan signed.", "Avery Quill"),
            c.review(-50, "Objectives on track; sponsor search continues.", "Avery Quill"),
            c.review(
                -26, "Three objectives achieved; discuss step-down next month.", "Avery Quill"
            ),
        ],
        naloxone_checks=[],
        notes=notes,
    )


def _add_addendum(notes: list[ProgressNote], offset: int, first: str, author: str) -> None:
    for index, note in enumerate(notes):
        if note.date_of_service == day(offset) and note.signed:
            notes[index] = note.model_copy(
                update={
                    "addenda": [
                        Addendum(
                            id=f"ad-{note.id}",
                            kind=AddendumKind.CORRECTION,
                            reason="Wrong group topic recorded",
                            text=f"The topic was refusal skills, not sleep hygiene; {first}'s "
                            "participation as recorded.",
                            author=author,
                            written_at=at(offset + 1, 9, 30),
                        )
                    ]
                }
            )
            return
    raise ValueError(f"no signed note on day {offset} to attach an addendum to")


def bo(rng: random.Random) -> Patient:
    """TAPER: on buprenorphine (expected positives), 33 days at 2.1 4 d/12 h after PHP, 2 of 4
    objectives achieved (so no step-down), latest 2 screens negative after a dilute one, no use
    for 70 days, attendance above 80%, craving 3-4."""
    c = Chart("demo-bo-marchetti", PARK, rng)
    obj = [
        c.objective(
            "Take buprenorphine daily as prescribed, confirmed by screens",
            -40,
            [(-66, PROG), (-36, ACH)],
            [(Modality.MOUD, "Buprenorphine clinic visit", 1)],
        ),
        c.objective(
            "Attend 2 NA meetings a week",
            -35,
            [(-66, NEW), (-50, PROG), (-30, ACH)],
            [(Modality.PEER_SUPPORT, "NA", 2)],
        ),
        c.objective(
            "Return to full-time work hours",
            -5,
            [(-66, NEW), (-20, PROG)],
            [(Modality.CASE_MANAGEMENT, "Return-to-work plan", 1)],
        ),
        c.objective(
            "Rebuild trust with partner: two joint sessions",
            10,
            [(-40, NEW), (-14, PROG)],
            [FAMILY],
        ),
    ]
    php = sessions(-66, -34, WEEKDAYS)
    iop = [o for o in range(-33, 0) if o % 7 in MON_TUE_THU_FRI]
    offsets = php + iop
    bup = {"buprenorphine": True}
    screens = weekly_screens(c, offsets, every_positive=bup)
    screens[-17] = DrugScreen(
        collected_on=day(-17),
        results=[
            ScreenResult(
                substance="buprenorphine", result=ScreenResultValue.POSITIVE, expected=True
            ),
            *(ScreenResult(substance=s, result=ScreenResultValue.DILUTE) for s in PANEL),
        ],
    )
    notes = course(
        c,
        offsets,
        first_name="Bo",
        fmt=NoteFormat.BIRP,
        topics=(
            "cravings on payday",
            "talking with his partner",
            "MOUD myths",
            "boredom at home",
            "return to work",
        ),
        craving=drift(-66, 6.5, 3.4, rng),
        attendance={-52: N, -24: N, -13: N, -6: X},
        screens=screens,
        measures={
            -66: [Phq9(items=phq9(12)), Gad7(items=gad7(9))],
            -38: [Phq9(items=phq9(9)), Gad7(items=gad7(8))],
            -10: [Phq9(items=phq9(7)), Gad7(items=gad7(6))],
        },
        sessions_of={o: SessionType.FAMILY for o in (-14, -7)},
        extra={-17: "Sample dilute; recollection not possible today."},
    )
    return base_patient(
        c,
        name="Bo Marchetti",
        number=2,
        born=41,
        gender=Gender.MALE,
        pronouns="he/him",
        substances=["opioids"],
        diagnoses=[OUD],
        admitted=-66,
        last_use=-70,
        environment="Lives with his partner; forklift operator, on reduced hours.",
        problems=[
            c.problem(
                "Opioid use disorder on buprenorphine",
                "F11.20",
                "The pills ran my life for four years.",
                "Stay in recovery on MOUD",
                obj[:2],
            ),
            c.problem(
                "Work and home strained by use",
                None,
                "I let everyone down.",
                "Rebuild work and family life",
                obj[2:],
            ),
        ],
        snap=c.snap(
            (SnapKind.STRENGTH, "Dry sense of humour; liked by the group"),
            (SnapKind.NEED, "Help talking with his partner about the past"),
        ),
        risks=[
            c.risk(
                RiskKind.OVERDOSE,
                "Tolerance lower since stopping; naloxone at home",
                [(-66, 2)],
                [(-66, RiskStatus.MONITORING)],
            )
        ],
        supports=[c.person("Dee Marchetti", SupportRole.PARTNER, "555-0103", True, -66)],
        groups=[c.group(GroupKind.NA, "Eastside Clean Start", 2, -50)],
        level_history=[
            c.level(-66, LevelCode.L2_5, 5, 20, "Admission from detox"),
            c.level(
                -33,
                LevelCode.L2_1,
                4,
                12,
                "PHP phase completed; stable on buprenorphine; medical team agreed.",
            ),
        ],
        medications=[
            c.medication(
                "buprenorphine/naloxone",
                "16/4 mg daily",
                -90,
                moud=True,
                screens_as=["buprenorphine"],
            )
        ],
        naloxone_checks=[
            NaloxoneCheck(on_hand=True, checked_on=day(-60)),
            NaloxoneCheck(on_hand=True, checked_on=day(-30)),
        ],
        relapse_prevention=relapse_plan(
            -30, "Payday, old neighbourhood, back pain.", "Dee (partner) 555-0103; NA sponsor line"
        ),
        reviews=[
            c.review(-66, "Initial plan signed.", "Bo Marchetti"),
            c.review(-33, "Stepped down from PHP to IOP.", "Bo Marchetti"),
            c.review(-8, "Work goal in progress; partner sessions started.", "Bo Marchetti"),
        ],
        notes=notes,
    )


def casey(rng: random.Random) -> Patient:
    """SAFETY_REVIEW: latest PHQ-9 (3 days ago) has item 9 = 1 (passive thoughts), total 17."""
    c = Chart("demo-casey-thistlewood", PARK, rng)
    obj = [
        c.objective(
            "Use a mood and craving log daily", -20, [(-45, NEW), (-38, PROG)], [INDIVIDUAL]
        ),
        c.objective(
            "Attend a SMART Recovery meeting weekly",
            -15,
            [(-45, NEW), (-30, ACH)],
            [(Modality.PEER_SUPPORT, "SMART Recovery", 1)],
        ),
        c.objective(
            "Keep a psychiatry appointment for depression",
            -10,
            [(-45, PROG)],
            [(Modality.CASE_MANAGEMENT, "Referral to psychiatry", 0.5)],
        ),
    ]
    offsets = sessions(-45, -1, MWF)
    notes = course(
        c,
        offsets,
        first_name="Casey",
        topics=(
            "low mood and drinking",
            "behavioural activation",
            "self-talk",
            "sleep",
            "asking for help",
        ),
        craving=drift(-45, 5, 3, rng),
        screens=weekly_screens(c, offsets),
        measures={
            -45: [Phq9(items=phq9(14)), Gad7(items=gad7(12))],
            -31: [Phq9(items=phq9(12)), Gad7(items=gad7(11))],
            -17: [Phq9(items=phq9(13)), Gad7(items=gad7(12))],
            -3: [Phq9(items=phq9(17, item9=1)), Gad7(items=gad7(13))],
        },
        risk={
            -3: "PHQ-9 item 9 endorsed (several days): passive thoughts, no plan or intent. "
            "Safety plan reviewed; crisis line given; same-week review booked."
        },
    )
    return base_patient(
        c,
        name="Casey Thistlewood",
        number=3,
        born=27,
        gender=Gender.OTHER,
        pronouns="they/them",
        substances=["alcohol"],
        diagnoses=[AUD, ("F33.1", "Major depressive disorder, recurrent, moderate")],
        admitted=-45,
        last_use=-47,
        environment="Shares a flat with a friend; graduate student (part-time).",
        problems=[
            c.problem(
                "Drinking to lift low mood",
                "F10.20",
                "It's the only thing that helps.",
                "Find other ways through low days",
                obj[:2],
            ),
            c.problem(
                "Recurrent depression",
                "F33.1",
                "Some weeks I can't get up.",
                "Treat the depression alongside recovery",
                obj[2:],
            ),
        ],
        risks=[
            c.risk(
                RiskKind.CO_OCCURRING,
                "Recurrent depression",
                [(-45, 2)],
                [(-45, RiskStatus.ACTIVE)],
            ),
            c.risk(
                RiskKind.SUICIDE,
                "History of passive ideation in depressive episodes",
                [(-45, 1), (-3, 2)],
                [(-45, RiskStatus.MONITORING), (-3, RiskStatus.ACTIVE)],
            ),
        ],
        supports=[c.person("Ari Lunde", SupportRole.SOBER_FRIEND, "555-0104", True, -45)],
        groups=[c.group(GroupKind.SMART, "Campus SMART Recovery", 1, -40)],
        level_history=[c.level(-45, LevelCode.L2_1, 3, 9, "Admission")],
        relapse_prevention=relapse_plan(
            -20, "Low-mood evenings, deadlines, being alone.", "Ari 555-0104; crisis line 988"
        ),
        reviews=[
            c.review(-45, "Initial plan signed.", "Casey Thistlewood"),
            c.review(-17, "Mood still low; psychiatry referral made.", "Casey Thistlewood"),
        ],
        notes=notes,
    )


def dara(rng: random.Random) -> Patient:
    """SAFETY_REVIEW: overdose 7 days ago (a risk event after the last signed review) on a return
    to fentanyl after 53 days without use: also the overdose-risk alert."""
    c = Chart("demo-dara-fenwick", PARK, rng)
    obj = [
        c.objective(
            "Carry naloxone and teach the roommate to use it",
            -40,
            [(-56, NEW), (-42, ACH)],
            [(Modality.PSYCHOEDUCATION, "Overdose education", 1)],
        ),
        c.objective(
            "Meet the MOUD prescriber to discuss buprenorphine",
            -20,
            [(-56, NEW)],
            [(Modality.CASE_MANAGEMENT, "MOUD referral", 0.5)],
        ),
        c.objective(
            "Attend 2 NA meetings a week",
            -10,
            [(-56, NEW), (-40, PROG)],
            [(Modality.PEER_SUPPORT, "NA", 2)],
        ),
    ]
    offsets = sessions(-56, -1, MWF)
    screens = weekly_screens(c, offsets)
    screens[-5] = c.screen(-5, {"fentanyl": False, "opioids": False})
    notes = course(
        c,
        offsets,
        first_name="Dara",
        topics=(
            "tolerance and overdose",
            "MOUD options",
            "old contacts",
            "coping with pain",
            "building a week",
        ),
        craving=fixed({-5: 8, -3: 7}, drift(-56, 6, 4, rng)),
        screens=screens,
        uses={-5: UseReport(used=True, substances=["fentanyl"], use_date=day(-6))},
        measures={
            -56: [Phq9(items=phq9(11)), Gad7(items=gad7(10))],
            -28: [Phq9(items=phq9(9)), Gad7(items=gad7(8))],
            -3: [Phq9(items=phq9(13)), Gad7(items=gad7(12))],
        },
        risk={
            -5: "Overdose last night after using fentanyl; roommate gave naloxone; EMS attended. "
            "Naloxone kit used: new kit given today."
        },
    )
    return base_patient(
        c,
        name="Dara Fenwick",
        number=4,
        born=38,
        gender=Gender.FEMALE,
        pronouns="she/her",
        substances=["fentanyl"],
        diagnoses=[OUD],
        admitted=-56,
        last_use=-60,
        environment="Rents a room with a roommate; between jobs (hospitality).",
        problems=[
            c.problem(
                "Fentanyl use",
                "F11.20",
                "I didn't think it would happen to me.",
                "Stay alive and in recovery",
                obj,
            )
        ],
        risks=[
            c.risk(
                RiskKind.OVERDOSE,
                "Low tolerance after weeks without use",
                [(-56, 3)],
                [(-56, RiskStatus.ACTIVE)],
            )
        ],
        risk_events=[
            RiskEvent(
                id=c.id("re"),
                on=day(-6),
                kind=RiskEventKind.OVERDOSE,
                description="Overdose at home, reversed with naloxone by roommate.",
            )
        ],
        supports=[c.person("Pim Oduya", SupportRole.FRIEND, "555-0105", False, -56)],
        groups=[c.group(GroupKind.NA, "Harbor Road NA", 2, -40)],
        level_history=[c.level(-56, LevelCode.L2_1, 3, 9, "Admission after detox")],
        naloxone_checks=[
            NaloxoneCheck(on_hand=True, checked_on=day(-42)),
            NaloxoneCheck(on_hand=False, checked_on=day(-5)),
            NaloxoneCheck(on_hand=True, checked_on=day(-3)),
        ],
        relapse_prevention=relapse_plan(
            -30, "Old contacts texting; back pain; empty afternoons.", "Pim 555-0105; NA phone list"
        ),
        reviews=[
            c.review(-56, "Initial plan signed.", "Dara Fenwick"),
            c.review(-27, "Good first month; MOUD still undecided.", "Dara Fenwick"),
        ],
        notes=notes,
    )


def nico(rng: random.Random) -> Patient:
    """SAFETY_REVIEW: an active risk raised to severity 4 (imminent) two days ago: threats from a
    partner at home. Otherwise a steady month: no use, negative screens, good attendance."""
    c = Chart("demo-nico-quarrington", OYELARAN, rng)
    obj = [
        c.objective(
            "List high-risk situations and a plan for each",
            -10,
            [(-38, NEW), (-30, PROG), (-12, ACH)],
            [GROUP_CBT],
        ),
        c.objective(
            "Find safe housing away from the current partner",
            7,
            [(-20, NEW), (-3, PROG)],
            [(Modality.CASE_MANAGEMENT, "Housing and shelter referral", 1)],
        ),
    ]
    offsets = sessions(-38, -1, MWF)
    notes = course(
        c,
        offsets,
        first_name="Nico",
        fmt=NoteFormat.BIRP,
        topics=(
            "arguments at home",
            "cocaine and drinking together",
            "anger and urges",
            "safety planning",
        ),
        craving=drift(-38, 5, 3, rng),
        screens=weekly_screens(c, offsets),
        measures={
            -38: [Phq9(items=phq9(10)), Gad7(items=gad7(13))],
            -10: [Phq9(items=phq9(9)), Gad7(items=gad7(14))],
        },
        risk={
            -3: "Reports partner threatened him this week; feels unsafe at home. Shelter "
            "referral started; same-day safety review requested."
        },
    )
    return base_patient(
        c,
        name="Nico Quarrington",
        number=5,
        born=45,
        gender=Gender.MALE,
        pronouns="he/him",
        substances=["alcohol", "cocaine"],
        diagnoses=[AUD, ("F14.20", "Cocaine use disorder, moderate")],
        admitted=-38,
        last_use=-40,
        environment="Lives with his partner (conflict); warehouse night shifts.",
        problems=[
            c.problem(
                "Alcohol and cocaine together",
                "F10.20",
                "One leads to the other.",
                "Stop both",
                obj[:1],
            ),
            c.problem(
                "Unsafe home", None, "I can't relax at home.", "A safe place to live", obj[1:]
            ),
        ],
        risks=[
            c.risk(
                RiskKind.VIOLENCE,
                "Threats from partner at home",
                [(-38, 2), (-3, 4)],
                [(-38, RiskStatus.MONITORING), (-3, RiskStatus.ACTIVE)],
            )
        ],
        supports=[c.person("Bex Quarrington", SupportRole.FAMILY, "555-0106", True, -38)],
        groups=[c.group(GroupKind.AA, "Riverside Big Book", 2, -30)],
        level_history=[c.level(-38, LevelCode.L2_1, 3, 9, "Admission")],
        relapse_prevention=relapse_plan(
            -12, "Arguments at home; payday; night-shift end.", "Bex (sister) 555-0106"
        ),
        reviews=[
            c.review(-38, "Initial plan signed.", "Nico Quarrington"),
            c.review(-10, "Steady; housing need added.", "Nico Quarrington"),
        ],
        notes=notes,
    )


def emery(rng: random.Random) -> Patient:
    """STEP_UP: two use events in the last 14 days (alcohol 12 and 2 days ago, reported; the
    positive screen the day after the first is carry-over, not a new event)."""
    c = Chart("demo-emery-stroud", PARK, rng)
    obj = [
        c.objective("Remove alcohol from the house", -25, [(-33, NEW), (-28, ACH)], [INDIVIDUAL]),
        c.objective(
            "Attend 3 AA meetings a week",
            -5,
            [(-33, NEW), (-25, PROG)],
            [(Modality.PEER_SUPPORT, "AA", 3)],
        ),
        c.objective(
            "Plan evenings after the dispatch shift", 0, [(-33, NEW), (-20, PROG)], [GROUP_CBT]
        ),
    ]
    offsets = sessions(-33, -1, MWF)
    screens = weekly_screens(c, offsets)
    screens[-10] = c.screen(-10, {"alcohol": False})
    notes = course(
        c,
        offsets,
        first_name="Emery",
        topics=("evenings alone", "the first drink", "calling for help", "weekend plans"),
        craving=fixed({-10: 8, -3: 8}, drift(-33, 6, 6, rng)),
        screens=screens,
        uses={
            -10: UseReport(used=True, substances=["alcohol"], use_date=day(-12)),
            -3: UseReport(used=True, substances=["alcohol"], use_date=day(-4)),
        },
        measures={
            -33: [Phq9(items=phq9(8)), Gad7(items=gad7(6))],
            -5: [Phq9(items=phq9(9)), Gad7(items=gad7(7))],
        },
    )
    return base_patient(
        c,
        name="Emery Stroud",
        number=6,
        born=52,
        gender=Gender.MALE,
        pronouns="he/him",
        substances=["alcohol"],
        diagnoses=[AUD],
        admitted=-33,
        last_use=-36,
        environment="Divorced, lives alone; freight dispatcher on evening shifts.",
        problems=[
            c.problem(
                "Drinking every evening alone",
                "F10.20",
                "The evenings are long.",
                "Stop drinking",
                obj,
            )
        ],
        risks=[
            c.risk(
                RiskKind.HIGH_RISK_SITUATION,
                "Evenings alone after work",
                [(-33, 3)],
                [(-33, RiskStatus.ACTIVE)],
            )
        ],
        supports=[c.person("Lou Garnet", SupportRole.SPONSOR, "555-0107", True, -25)],
        groups=[c.group(GroupKind.AA, "Depot Street AA", 3, -25)],
        level_history=[c.level(-33, LevelCode.L2_1, 3, 9, "Admission")],
        reviews=[
            c.review(-33, "Initial plan signed.", "Emery Stroud"),
            c.review(-6, "Lapse discussed; plan kept; sponsor involved.", "Emery Stroud"),
        ],
        notes=notes,
    )


def finley(rng: random.Random) -> Patient:
    """STEP_UP: one use event 5 days ago after an accepted intensification (3 -> 4 days a week,
    effective 19 days ago, recorded as a decision on an 'intensify' suggestion)."""
    c = Chart("demo-finley-ashgrove", PARK, rng)
    obj = [
        c.objective(
            "Practise a breathing skill when anxious instead of drinking",
            -15,
            [(-62, NEW), (-50, PROG)],
            [GROUP_CBT],
        ),
        c.objective(
            "Attend SMART Recovery twice a week",
            -20,
            [(-62, NEW), (-40, ACH)],
            [(Modality.PEER_SUPPORT, "SMART Recovery", 2)],
        ),
        c.objective(
            "Tell her mother about treatment in a family session",
            -10,
            [(-62, NEW), (-30, PROG)],
            [FAMILY],
        ),
    ]
    before = sessions(-62, -20, MWF)
    after = [o for o in range(-19, 0) if o % 7 in MON_TUE_THU_FRI]
    offsets = before + after
    screens = weekly_screens(c, offsets)
    notes = course(
        c,
        offsets,
        first_name="Finley",
        topics=("anxiety and alcohol", "breathing skills", "social events", "family"),
        craving=fixed({-24: 8, -4: 7}, drift(-62, 5, 5, rng)),
        screens=screens,
        uses={
            -24: UseReport(used=True, substances=["alcohol"], use_date=day(-25)),
            -4: UseReport(used=True, substances=["alcohol"], use_date=day(-5)),
        },
        measures={
            -62: [Phq9(items=phq9(7)), Gad7(items=gad7(15))],
            -35: [Phq9(items=phq9(7)), Gad7(items=gad7(13))],
            -7: [Phq9(items=phq9(8)), Gad7(items=gad7(13))],
        },
        sessions_of={-11: SessionType.FAMILY},
    )
    decision_id = c.id("dc")
    intensified = c.level(
        -19,
        LevelCode.L2_1,
        4,
        12,
        "Intensify after a use event: one session day more.",
        decision_id=decision_id,
    )
    suggestion = Suggestion(
        patient_id=c.pid,
        as_of=day(-21),
        kind=SuggestionKind.INTENSIFY,
        headline="Intensify: 1 use event in the last 14 days",
        target=TargetSchedule(
            level=LevelCode.L2_1,
            days_per_week=4,
            hours_per_week=12,
            description="2.1 at 4 days a week, 12 hours",
        ),
        fired=[
            RuleHit(
                rule="intensify.use_event",
                kind=SuggestionKind.INTENSIFY,
                message=f"1 use event in last 14 days: {iso(-25)} reported alcohol",
                data={"events": [iso(-25)]},
            )
        ],
        step_down_criteria=[
            Criterion(
                criterion="days_since_use",
                met=False,
                message=f"4 days since last use ({iso(-25)}); needs 30",
                data={"last_use": iso(-25), "days": 4},
            ),
            Criterion(
                criterion="days_at_level",
                met=False,
                message="41 days at 2.1; needs 42",
                data={"days": 41},
            ),
        ],
        signals={
            "last_use": iso(-25),
            "days_since_last_use": 4,
            "use_events_recent": [iso(-25)],
            "level_start": iso(-62),
            "hours_per_week": 9,
        },
    )
    decision = Decision(
        id=decision_id,
        decided_at=at(-21, 15),
        decided_by=PARK,
        outcome=DecisionOutcome.ACCEPT,
        rationale="Agreed with Finley: add a fourth day for four weeks while anxiety is high.",
        suggestion=suggestion,
        level_change=intensified,
    )
    return base_patient(
        c,
        name="Finley Ashgrove",
        number=7,
        born=29,
        gender=Gender.FEMALE,
        pronouns="she/her",
        substances=["alcohol"],
        diagnoses=[AUD, ("F41.1", "Generalized anxiety disorder")],
        admitted=-62,
        last_use=-64,
        environment="Lives with her mother; nursing-school student and part-time barista.",
        problems=[
            c.problem(
                "Drinking to calm anxiety",
                "F10.20",
                "A drink takes the edge off.",
                "Manage anxiety without alcohol",
                obj[:2],
            ),
            c.problem("Secrecy at home", None, "Mum doesn't know.", "Honesty at home", obj[2:]),
        ],
        risks=[
            c.risk(
                RiskKind.CO_OCCURRING, "Generalized anxiety", [(-62, 2)], [(-62, RiskStatus.ACTIVE)]
            )
        ],
        supports=[c.person("Rae Ashgrove", SupportRole.FAMILY, "555-0108", True, -30)],
        groups=[c.group(GroupKind.SMART, "Northside SMART", 2, -50)],
        level_history=[c.level(-62, LevelCode.L2_1, 3, 9, "Admission"), intensified],
        relapse_prevention=relapse_plan(
            -35, "Exams, parties, panic in the evening.", "Rae (mother) 555-0108; SMART facilitator"
        ),
        reviews=[
            c.review(-62, "Initial plan signed.", "Finley Ashgrove"),
            c.review(-32, "SMART meetings going well.", "Finley Ashgrove"),
            c.review(-19, "Schedule intensified to 4 days after a lapse.", "Finley Ashgrove"),
        ],
        decisions=[decision],
        notes=notes,
    )


def gale(rng: random.Random) -> Patient:
    """INTENSIFY: craving mean 7.5 over the last 14 days, no use, full attendance."""
    c = Chart("demo-gale-brightwater", BRANDVOLD, rng)
    obj = [
        c.objective(
            "Use the urge plan card at each craving", -5, [(-28, NEW), (-20, PROG)], [GROUP_CBT]
        ),
        c.objective(
            "Change phone number and delete dealer contacts",
            -20,
            [(-28, NEW), (-21, ACH)],
            [INDIVIDUAL],
        ),
    ]
    offsets = sessions(-28, -1, MWF)
    notes = course(
        c,
        offsets,
        first_name="Gale",
        topics=("stimulant cravings", "sleep after meth", "urge surfing", "weekends"),
        craving=lambda o: 5 if o < -13 else (8 if o % 2 else 7),
        screens=weekly_screens(c, offsets),
        measures={
            -28: [Phq9(items=phq9(11)), Gad7(items=gad7(9))],
            -14: [Phq9(items=phq9(11)), Gad7(items=gad7(10))],
        },
    )
    return base_patient(
        c,
        name="Gale Brightwater",
        number=8,
        born=31,
        gender=Gender.FEMALE,
        pronouns="she/her",
        substances=["methamphetamine"],
        diagnoses=[("F15.20", "Stimulant use disorder (methamphetamine), moderate")],
        admitted=-28,
        last_use=-30,
        environment="Staying with her aunt; looking for work in retail.",
        problems=[
            c.problem(
                "Methamphetamine use",
                "F15.20",
                "The cravings hit out of nowhere.",
                "Stay stimulant-free",
                obj,
            )
        ],
        risks=[
            c.risk(
                RiskKind.TRIGGER,
                "Old friends still using nearby",
                [(-28, 3)],
                [(-28, RiskStatus.ACTIVE)],
            )
        ],
        supports=[c.person("Noor Brightwater", SupportRole.FAMILY, "555-0109", True, -28)],
        groups=[c.group(GroupKind.NA, "Crystal Clear NA", 2, -20)],
        level_history=[c.level(-28, LevelCode.L2_1, 3, 9, "Admission")],
        reviews=[c.review(-28, "Initial plan signed.", "Gale Brightwater")],
        notes=notes,
    )


def harper(rng: random.Random) -> Patient:
    """INTENSIFY (adolescent, 16): one cannabis use 8 days ago (reported; the positive screen the
    next day is carry-over, and 28 days after the last use before intake: no overdose alert).
    3 afternoons a week (6 h, the adolescent minimum) with a weekly family session."""
    c = Chart("demo-harper-nightingale", PARK, rng)
    obj = [
        c.objective(
            "Go to school every day this month",
            -3,
            [(-35, NEW), (-28, PROG)],
            [(Modality.CASE_MANAGEMENT, "School counselor liaison", 0.5)],
        ),
        c.objective("Weekly family session with a parent", 0, [(-35, NEW), (-30, PROG)], [FAMILY]),
        c.objective("Name 3 friends who don't smoke", -14, [(-35, NEW), (-16, ACH)], [GROUP_CBT]),
    ]
    offsets = sessions(-35, -1, (0, 2, 3))
    screens = weekly_screens(
        c,
        offsets,
        positives={-35: {"cannabis": False}, -28: {"cannabis": False}, -7: {"cannabis": False}},
    )
    notes = course(
        c,
        offsets,
        first_name="Harper",
        topics=(
            "school stress",
            "friends who smoke",
            "talking with parents",
            "boredom",
            "sleep and screens",
        ),
        craving=fixed({-7: 6}, drift(-35, 5, 3, rng)),
        screens=screens,
        uses={-7: UseReport(used=True, substances=["cannabis"], use_date=day(-8))},
        measures={
            -35: [Phq9(items=phq9(8)), Gad7(items=gad7(10))],
            -14: [Phq9(items=phq9(7)), Gad7(items=gad7(9))],
        },
        sessions_of={o: SessionType.FAMILY for o in offsets if o % 7 == 3},
        extra={-7: "Used at a friend's party over the weekend; disclosed it before the screen."},
    )
    return base_patient(
        c,
        name="Harper Nightingale",
        number=9,
        born=16,
        gender=Gender.MALE,
        pronouns="he/him",
        substances=["cannabis"],
        diagnoses=[("F12.20", "Cannabis use disorder, moderate")],
        admitted=-35,
        last_use=-36,
        environment="Lives with both parents and a younger sister; 10th grade at Larkmoor High.",
        problems=[
            c.problem(
                "Daily cannabis use",
                "F12.20",
                "Everyone smokes, it's not a big deal.",
                "Stop using and keep up at school",
                obj[:1] + obj[2:],
            ),
            c.problem(
                "Family conflict about use",
                None,
                "My parents just yell.",
                "Talk with parents without fighting",
                obj[1:2],
            ),
        ],
        snap=c.snap(
            (SnapKind.STRENGTH, "Plays bass in the school band"),
            (SnapKind.PREFERENCE, "Afternoon sessions after school"),
        ),
        risks=[
            c.risk(
                RiskKind.HIGH_RISK_SITUATION,
                "Weekend parties",
                [(-35, 2)],
                [(-35, RiskStatus.ACTIVE)],
            )
        ],
        supports=[
            c.person("Dana Nightingale", SupportRole.FAMILY, "555-0110", True, -35),
            c.person("Ms. Ilse Trent (school counselor)", SupportRole.OTHER, "555-0111", True, -30),
        ],
        level_history=[c.level(-35, LevelCode.L2_1, 3, 6, "Admission (adolescent IOP)")],
        relapse_prevention=relapse_plan(
            -14, "Weekend parties; fights at home; boredom.", "Mum 555-0110; Ms. Trent at school"
        ),
        reviews=[
            c.review(-35, "Initial plan signed with parent present.", "Harper Nightingale"),
            c.review(-7, "School attendance better; use at party discussed.", "Harper Nightingale"),
        ],
        notes=notes,
    )


def indigo(rng: random.Random) -> Patient:
    """INTENSIFY: PHQ-9 16 two days ago, up 6 from the previous (10); item 9 = 0. No use."""
    c = Chart("demo-indigo-larkspur", OYELARAN, rng)
    obj = [
        c.objective(
            "Schedule one pleasant activity a day", -10, [(-40, NEW), (-30, PROG)], [GROUP_CBT]
        ),
        c.objective(
            "Start a job search plan with the case manager",
            5,
            [(-14, NEW), (-10, PROG)],
            [(Modality.CASE_MANAGEMENT, "Employment support", 1)],
        ),
    ]
    offsets = sessions(-40, -1, MWF)
    notes = course(
        c,
        offsets,
        first_name="Indigo",
        fmt=NoteFormat.BIRP,
        topics=("job loss", "worry and drinking", "daily structure", "sleep"),
        craving=drift(-40, 5, 4, rng),
        screens=weekly_screens(c, offsets),
        measures={
            -40: [Phq9(items=phq9(10)), Gad7(items=gad7(12))],
            -26: [Phq9(items=phq9(9)), Gad7(items=gad7(11))],
            -12: [Phq9(items=phq9(10)), Gad7(items=gad7(12))],
            -3: [Phq9(items=phq9(16)), Gad7(items=gad7(16))],
        },
        extra={-3: "Was laid off last week; low mood since."},
    )
    return base_patient(
        c,
        name="Indigo Larkspur",
        number=10,
        born=36,
        gender=Gender.MALE,
        pronouns="he/him",
        substances=["alcohol"],
        diagnoses=[
            AUD,
            ("F32.1", "Major depressive disorder, single episode, moderate"),
            ("F41.1", "Generalized anxiety disorder"),
        ],
        admitted=-40,
        last_use=-42,
        environment="Lives with his partner; recently laid off from a print shop.",
        problems=[
            c.problem(
                "Drinking with worry and low mood",
                "F10.20",
                "I drink so I stop thinking.",
                "Stay sober while mood recovers",
                obj,
            )
        ],
        risks=[
            c.risk(
                RiskKind.CO_OCCURRING,
                "Depression and anxiety",
                [(-40, 2), (-2, 3)],
                [(-40, RiskStatus.ACTIVE)],
            )
        ],
        supports=[c.person("Sol Larkspur", SupportRole.PARTNER, "555-0112", True, -40)],
        groups=[c.group(GroupKind.AA, "Lantern AA", 2, -30)],
        level_history=[c.level(-40, LevelCode.L2_1, 3, 9, "Admission")],
        relapse_prevention=relapse_plan(
            -15, "Money worries; mornings with nothing to do.", "Sol 555-0112"
        ),
        reviews=[
            c.review(-40, "Initial plan signed.", "Indigo Larkspur"),
            c.review(-11, "Employment goal added.", "Indigo Larkspur"),
        ],
        notes=notes,
    )


def kit(rng: random.Random) -> Patient:
    """CONTINUE: four weeks in, no use, but only 1 of 3 objectives achieved (taper needs half).
    First PHQ-9 only on day 11: the no-baseline alert. Initial review due in 2 days."""
    c = Chart("demo-kit-ravensworth", PARK, rng)
    obj = [
        c.objective("Attend every scheduled group for 6 weeks", 14, [(-28, PROG)], [GROUP_CBT]),
        c.objective(
            "Tell her manager she will skip after-work drinks",
            -7,
            [(-28, NEW), (-14, PROG)],
            [INDIVIDUAL],
        ),
        c.objective(
            "Find a cocaine-free route home from work", -10, [(-28, NEW), (-12, ACH)], [INDIVIDUAL]
        ),
    ]
    offsets = sessions(-28, -1, MWF)
    notes = course(
        c,
        offsets,
        first_name="Kit",
        topics=("first weeks", "work nights out", "refusal skills", "money and use"),
        craving=drift(-28, 6, 4, rng),
        screens=weekly_screens(c, offsets),
        measures={-17: [Phq9(items=phq9(8)), Gad7(items=gad7(7))]},
    )
    return base_patient(
        c,
        name="Kit Ravensworth",
        number=11,
        born=24,
        gender=Gender.FEMALE,
        pronouns="she/her",
        substances=["cocaine"],
        diagnoses=[("F14.20", "Cocaine use disorder, moderate")],
        admitted=-28,
        last_use=-30,
        environment="Shares a house with coworkers; junior sales rep.",
        problems=[
            c.problem(
                "Cocaine on nights out with work",
                "F14.20",
                "It's the work culture.",
                "Stay off cocaine",
                obj,
            )
        ],
        supports=[c.person("Tove Ravensworth", SupportRole.FAMILY, "555-0113", True, -28)],
        groups=[c.group(GroupKind.SMART, "City SMART", 1, -20)],
        level_history=[c.level(-28, LevelCode.L2_1, 3, 9, "Admission")],
        reviews=[c.review(-28, "Initial plan signed.", "Kit Ravensworth")],
        notes=notes,
    )


def lane(rng: random.Random) -> Patient:
    """CONTINUE: the paperwork story. Last signed review 52 days ago (overdue; a later review is
    unsigned), no signed note and no screen in the last 14 days (drafts since, the oldest 12 days
    old), no PHQ-9 in the last 30. With recent data unknown, nothing fires and taper is unmet."""
    c = Chart("demo-lane-copperfield", OYELARAN, rng)
    obj = [
        c.objective(
            "Attend 2 AA meetings a week",
            -20,
            [(-52, NEW), (-40, PROG)],
            [(Modality.PEER_SUPPORT, "AA", 2)],
        ),
        c.objective("Repair relationship with his adult son", 10, [(-52, NEW)], [FAMILY]),
    ]
    offsets = sessions(-52, -1, MWF)
    screens = {o: s for o, s in weekly_screens(c, offsets).items() if o <= -17}
    notes = course(
        c,
        offsets,
        first_name="Lane",
        topics=("retirement and drinking", "AA step work", "his son", "long afternoons"),
        craving=drift(-52, 5, 4, rng),
        screens=screens,
        measures={
            -52: [Phq9(items=phq9(6)), Gad7(items=gad7(5))],
            -33: [Phq9(items=phq9(5)), Gad7(items=gad7(5))],
        },
        drafts=[o for o in offsets if o > -17],
    )
    return base_patient(
        c,
        name="Lane Copperfield",
        number=12,
        born=63,
        gender=Gender.MALE,
        pronouns="he/him",
        substances=["alcohol"],
        diagnoses=[AUD],
        admitted=-52,
        last_use=-55,
        environment="Recently retired; lives alone; son lives nearby.",
        problems=[
            c.problem(
                "Daytime drinking since retirement",
                "F10.20",
                "Nothing to get up for.",
                "Build a sober routine",
                obj,
            )
        ],
        supports=[c.person("Cal Copperfield", SupportRole.FAMILY, "555-0114", True, -52)],
        groups=[c.group(GroupKind.AA, "Old Mill AA", 2, -45)],
        level_history=[c.level(-52, LevelCode.L2_1, 3, 9, "Admission")],
        reviews=[
            c.review(-52, "Initial plan signed.", "Lane Copperfield"),
            c.review(
                -18,
                "Review started; counselor signature pending.",
                "Lane Copperfield",
                signed=False,
            ),
        ],
        notes=notes,
    )


def morgan(rng: random.Random) -> Patient:
    """CONTINUE (discharged 18 days ago, completed, with aftercare): no data in the last 14
    days, so step-down and taper criteria cannot be met."""
    c = Chart("demo-morgan-featherstone", BRANDVOLD, rng)
    obj = [
        c.objective("Complete the IOP curriculum", -18, [(-68, PROG), (-19, ACH)], [GROUP_CBT]),
        c.objective(
            "Attend AA 3 times a week with a sponsor",
            -25,
            [(-68, NEW), (-30, ACH)],
            [(Modality.PEER_SUPPORT, "AA", 3)],
        ),
    ]
    offsets = sessions(-68, -19, MWF)
    notes = course(
        c,
        offsets,
        first_name="Morgan",
        topics=(
            "grief and drinking",
            "new routines",
            "the sponsor",
            "anniversaries",
            "continuing care",
        ),
        craving=drift(-68, 5, 1, rng),
        screens=weekly_screens(c, offsets),
        measures={
            -68: [Phq9(items=phq9(11)), Gad7(items=gad7(8))],
            -40: [Phq9(items=phq9(7)), Gad7(items=gad7(6))],
            -19: [Phq9(items=phq9(4)), Gad7(items=gad7(4))],
        },
        extra={-19: "Discharge session: aftercare plan reviewed and signed."},
    )
    aftercare = (
        "Weekly level 1 group at Maple Street Clinic; AA 3x/week with sponsor; "
        "call the IOP if warning signs return."
    )
    return base_patient(
        c,
        name="Morgan Featherstone",
        number=13,
        born=58,
        gender=Gender.FEMALE,
        pronouns="she/her",
        substances=["alcohol"],
        diagnoses=[AUD],
        admitted=-68,
        last_use=-71,
        environment="Widowed; lives with her dog; part-time librarian.",
        discharge=Discharge(on=day(-19), reason=DischargeReason.COMPLETED, aftercare=aftercare),
        problems=[
            c.problem(
                "Drinking after her husband's death",
                "F10.20",
                "The house was too quiet.",
                "Live sober with the grief",
                obj,
            )
        ],
        supports=[c.person("Edie Marsh", SupportRole.SPONSOR, "555-0115", True, -30)],
        groups=[c.group(GroupKind.AA, "Library Lane AA", 3, -50)],
        level_history=[c.level(-68, LevelCode.L2_1, 3, 9, "Admission")],
        relapse_prevention=relapse_plan(
            -35, "Anniversaries; quiet evenings.", "Edie (sponsor) 555-0115"
        ),
        aftercare=AftercarePlan(
            written_on=day(-20), plan=aftercare, referrals="Maple Street Clinic level 1 group"
        ),
        reviews=[
            c.review(-68, "Initial plan signed.", "Morgan Featherstone"),
            c.review(-40, "Good progress.", "Morgan Featherstone"),
            c.review(-20, "Discharge planning; aftercare agreed.", "Morgan Featherstone"),
        ],
        notes=notes,
    )


def quinn(rng: random.Random) -> Patient:
    """CONTINUE: on naltrexone, no use, but craving mean above 5 in the last 14 days and only 1 of
    3 objectives achieved: neither taper nor step-down, nothing bad enough to intensify."""
    c = Chart("demo-quinn-halloway", BRANDVOLD, rng)
    obj = [
        c.objective(
            "Monthly naltrexone injection kept",
            -5,
            [(-48, PROG), (-20, ACH)],
            [(Modality.MOUD, "Extended-release naltrexone", 0.25)],
        ),
        c.objective(
            "Plan for chronic back pain without opioids",
            10,
            [(-48, NEW), (-30, PROG)],
            [(Modality.CASE_MANAGEMENT, "Pain clinic referral", 0.5)],
        ),
        c.objective(
            "Tell his employer about treatment hours", 5, [(-48, NEW), (-10, PROG)], [INDIVIDUAL]
        ),
    ]
    offsets = sessions(-48, -1, MWF)
    notes = course(
        c,
        offsets,
        first_name="Quinn",
        topics=("pain and cravings", "naltrexone questions", "work hours", "weekends"),
        craving=lambda o: 6 if o < -13 else (6 if o % 2 else 5),
        attendance={-40: N, -21: X},
        screens=weekly_screens(c, offsets),
        measures={
            -48: [Phq9(items=phq9(9)), Gad7(items=gad7(7)), Bam(items=bam(2, 10, 14))],
            -19: [Phq9(items=phq9(8)), Gad7(items=gad7(7)), Bam(items=bam(0, 9, 15))],
        },
    )
    return base_patient(
        c,
        name="Quinn Halloway",
        number=14,
        born=33,
        gender=Gender.MALE,
        pronouns="he/him",
        substances=["opioids"],
        diagnoses=[OUD],
        admitted=-48,
        last_use=-52,
        environment="Lives with a roommate; electrician's apprentice.",
        problems=[
            c.problem(
                "Pain-pill dependence",
                "F11.20",
                "It started with my back.",
                "Stay opioid-free and manage pain",
                obj,
            )
        ],
        supports=[c.person("Teo Brandt", SupportRole.SOBER_FRIEND, "555-0116", True, -48)],
        groups=[c.group(GroupKind.SMART, "Tradesmen SMART", 1, -40)],
        level_history=[c.level(-48, LevelCode.L2_1, 3, 9, "Admission")],
        medications=[c.medication("naltrexone ER", "380 mg monthly", -46, moud=True)],
        naloxone_checks=[NaloxoneCheck(on_hand=True, checked_on=day(-40))],
        relapse_prevention=relapse_plan(
            -25, "Pain flare-ups; coworkers offering pills.", "Teo 555-0116"
        ),
        reviews=[
            c.review(-48, "Initial plan signed.", "Quinn Halloway"),
            c.review(-20, "Naltrexone going well.", "Quinn Halloway"),
        ],
        notes=notes,
    )


def sage(rng: random.Random) -> Patient:
    """TAPER: 45 days at 2.1 4 d/12 h, everything in place except one objective still open (3 of
    4 achieved), so no step-down; a day fewer (9 h) stays within IOP."""
    c = Chart("demo-sage-pennywhistle", PARK, rng)
    obj = [
        c.objective(
            "Attend SMART Recovery twice a week",
            -20,
            [(-45, NEW), (-30, ACH)],
            [(Modality.PEER_SUPPORT, "SMART Recovery", 2)],
        ),
        c.objective(
            "Use the cost-benefit worksheet at each urge",
            -15,
            [(-45, NEW), (-18, ACH)],
            [GROUP_CBT],
        ),
        c.objective("Write a relapse-prevention plan", -10, [(-45, NEW), (-12, ACH)], [INDIVIDUAL]),
        c.objective("Two family sessions with her husband", 10, [(-30, NEW), (-8, PROG)], [FAMILY]),
    ]
    offsets = sessions(-45, -1, MON_TUE_THU_FRI)
    notes = course(
        c,
        offsets,
        first_name="Sage",
        topics=("wine at dinner", "SMART tools", "telling family", "holidays"),
        craving=drift(-45, 4, 2, rng),
        screens=weekly_screens(c, offsets),
        measures={
            -45: [Phq9(items=phq9(7)), Gad7(items=gad7(6))],
            -17: [Phq9(items=phq9(5)), Gad7(items=gad7(5))],
        },
        sessions_of={-7: SessionType.FAMILY},
    )
    return base_patient(
        c,
        name="Sage Pennywhistle",
        number=15,
        born=44,
        gender=Gender.FEMALE,
        pronouns="she/her",
        substances=["alcohol"],
        diagnoses=[AUD],
        admitted=-45,
        last_use=-47,
        environment="Married, two children; works from home as a bookkeeper.",
        problems=[
            c.problem("Nightly wine", "F10.20", "It crept up on me.", "Stop drinking", obj[:3]),
            c.problem(
                "Hiding drinking from her husband",
                None,
                "He doesn't know how much.",
                "Openness at home",
                obj[3:],
            ),
        ],
        supports=[c.person("Ole Pennywhistle", SupportRole.PARTNER, "555-0117", True, -30)],
        groups=[c.group(GroupKind.SMART, "Online SMART (evening)", 2, -30)],
        level_history=[c.level(-45, LevelCode.L2_1, 4, 12, "Admission")],
        relapse_prevention=relapse_plan(
            -12, "Cooking dinner; holidays; work deadlines.", "Ole 555-0117; SMART online"
        ),
        reviews=[
            c.review(-45, "Initial plan signed.", "Sage Pennywhistle"),
            c.review(-16, "Three objectives achieved.", "Sage Pennywhistle"),
        ],
        notes=notes,
    )


def tamsin(rng: random.Random) -> Patient:
    """STEP_DOWN (PHP 2.5 -> IOP 2.1): 48 days at 2.5, all criteria met. BIRP notes."""
    c = Chart("demo-tamsin-orchard", PARK, rng)
    obj = [
        c.objective(
            "Complete the PHP skills curriculum",
            -5,
            [(-48, PROG), (-6, ACH)],
            [(Modality.GROUP_CBT, "PHP skills group", 5)],
        ),
        c.objective(
            "Attend NA 3 times a week and get a sponsor",
            -20,
            [(-48, NEW), (-21, ACH)],
            [(Modality.PEER_SUPPORT, "NA", 3)],
        ),
        c.objective("Write a relapse-prevention plan", -15, [(-48, NEW), (-16, ACH)], [INDIVIDUAL]),
    ]
    offsets = sessions(-48, -1, WEEKDAYS)
    notes = course(
        c,
        offsets,
        first_name="Tamsin",
        fmt=NoteFormat.BIRP,
        topics=(
            "heroin and friendships",
            "NA and sponsorship",
            "daily structure",
            "returning to IOP",
        ),
        craving=drift(-48, 6, 1.0, rng),
        attendance={-31: X},
        screens=weekly_screens(c, offsets),
        measures={
            -48: [Phq9(items=phq9(12)), Gad7(items=gad7(10))],
            -20: [Phq9(items=phq9(8)), Gad7(items=gad7(7))],
            -6: [Phq9(items=phq9(5)), Gad7(items=gad7(5))],
        },
        late={-27: 1},
    )
    return base_patient(
        c,
        name="Tamsin Orchard",
        number=16,
        born=30,
        gender=Gender.FEMALE,
        pronouns="she/her",
        substances=["heroin"],
        diagnoses=[OUD],
        admitted=-48,
        last_use=-55,
        environment="Sober-living house; unemployed, volunteering at a food bank.",
        problems=[c.problem("Heroin use", "F11.20", "I'm done with that life.", "Stay clean", obj)],
        supports=[
            c.person("Wynn Abara", SupportRole.SPONSOR, "555-0118", True, -21),
            c.person(
                "House manager, Birch House", SupportRole.PEER_SPECIALIST, "555-0119", True, -48
            ),
        ],
        groups=[c.group(GroupKind.NA, "Birch House NA", 3, -40)],
        level_history=[c.level(-48, LevelCode.L2_5, 5, 20, "Admission from residential 3.5")],
        naloxone_checks=[NaloxoneCheck(on_hand=True, checked_on=day(-10))],
        relapse_prevention=relapse_plan(
            -16,
            "Old friends; the river park; payday.",
            "Wynn (sponsor) 555-0118; Birch House 555-0119",
        ),
        reviews=[
            c.review(-48, "Initial plan signed.", "Tamsin Orchard"),
            c.review(-20, "Ready to plan IOP.", "Tamsin Orchard"),
        ],
        notes=notes,
    )


STORIES: tuple[Callable[[random.Random], Patient], ...] = (
    avery,
    bo,
    casey,
    dara,
    nico,
    emery,
    finley,
    gale,
    harper,
    indigo,
    kit,
    lane,
    morgan,
    quinn,
    sage,
    tamsin,
)


def build_patients() -> list[Patient]:
    """The whole caseload, relative to ANCHOR; same result on every run."""
    rng = random.Random(SEED)
    patients = [story(rng) for story in STORIES]
    ids = [patient.id for patient in patients]
    if sorted(ids) != sorted(EXPECTED_KINDS):
        raise RuntimeError("EXPECTED_KINDS and the stories disagree on patient ids")
    return patients


# --- the IOP week: groups, sessions and attendance (CLINICAL.md section 8) -------------------
#
# Three groups met for the ten weeks before ANCHOR (a Monday). Attendance follows the stories'
# notes (a missed or excused note marks the patient's next session that week), with late
# arrivals here and there, a holiday the program closed, and these deliberate facts:
# - Tamsin missed four recent sessions: recorded misses take her below 90% over 30 days, so with
#   sessions her step-down becomes "continue" (the one suggestion the sessions change);
# - Kit and Lane missed one session each (below 100% like Bo, whose notes already say so);
# - Friday's morning skills group was not recorded for Lane and Harper (the worklist shows it);
# - today's evening group: 9 members, 7 recorded present, Kit and Quinn not recorded yet.

GROUPS_FROM = -70
EVENING_GROUP = (
    "demo-avery-quill", "demo-bo-marchetti", "demo-casey-thistlewood", "demo-dara-fenwick",
    "demo-emery-stroud", "demo-gale-brightwater", "demo-kit-ravensworth", "demo-quinn-halloway",
    "demo-tamsin-orchard",
)
MORNING_GROUP = (
    "demo-finley-ashgrove", "demo-harper-nightingale", "demo-indigo-larkspur",
    "demo-lane-copperfield", "demo-nico-quarrington", "demo-sage-pennywhistle",
    "demo-tamsin-orchard",
)
FAMILY_GROUP = (
    "demo-avery-quill", "demo-bo-marchetti", "demo-harper-nightingale", "demo-sage-pennywhistle",
    "demo-tamsin-orchard",
)
HOLIDAYS = {-67: "Christmas Day: program closed", -60: "New Year's Day: program closed"}
RECENT_MISSES = {
    "demo-tamsin-orchard": (-3, -5, -10, -12),
    "demo-kit-ravensworth": (-11,),
    "demo-lane-copperfield": (-10,),
}
UNRECORDED = {("gr-morning-skills", -3): ("demo-lane-copperfield", "demo-harper-nightingale")}
NOT_YET_TODAY = {
    "gr-evening-rp": ("demo-kit-ravensworth", "demo-quinn-halloway"),
    "individual": ("demo-gale-brightwater", "demo-indigo-larkspur"),
}
"""Today's attendance not recorded yet: two evening group members, two afternoon individuals."""
INDIVIDUAL_SLOTS = {
    "demo-avery-quill": (0, 13), "demo-gale-brightwater": (0, 14), "demo-indigo-larkspur": (0, 15),
}
"""Patients seen individually on Mondays (today on the anchor): weekday offset and hour."""
EXCUSES = ("illness", "court date", "work shift", "childcare fell through")
TOPICS = {
    "gr-evening-rp": ("High-risk situations", "Cravings and urge surfing", "Refusal skills",
                      "Warning signs of relapse", "Building a sober network"),
    "gr-morning-skills": ("Distress tolerance", "Emotion regulation", "Problem solving",
                          "Sleep and routine", "Communication skills"),
    "gr-family": ("Family roles in recovery", "Boundaries", "Rebuilding trust"),
}


def _treatment_group(
    gid: str, name: str, kind: TreatmentGroupKind, leads: list[str], room: str,
    weekdays: list[Weekday], start: time, minutes: int, members: Iterable[Patient],
) -> TreatmentGroup:
    roster = []
    for patient in members:
        joined = max(patient.admission_date, day(GROUPS_FROM))
        left = patient.discharge.on if patient.discharge else None
        roster.append(
            RosterEntry(id=f"rm-{gid[3:]}-{patient.id[5:]}", patient_id=patient.id,
                        joined=joined, left=left)
        )
    return TreatmentGroup(
        id=gid, name=name, kind=kind, facilitators=leads, location=room,
        active_from=day(GROUPS_FROM),
        schedule=[WeeklyPattern(start=day(GROUPS_FROM), weekdays=weekdays, start_time=start,
                                duration_minutes=minutes)],
        roster=roster,
    )


def build_groups(patients: list[Patient]) -> list[TreatmentGroup]:
    by_id = {p.id: p for p in patients}
    evening = [by_id[pid] for pid in EVENING_GROUP]
    evening.append(by_id["demo-morgan-featherstone"])  # until discharge
    return [
        _treatment_group(
            "gr-evening-rp", "Evening relapse prevention", TreatmentGroupKind.RELAPSE_PREVENTION,
            [PARK, OYELARAN], "Room 2", [Weekday.MON, Weekday.WED, Weekday.THU], time(18), 180,
            evening,
        ),
        _treatment_group(
            "gr-morning-skills", "Morning skills", TreatmentGroupKind.SKILLS, [BRANDVOLD],
            "Room 1", [Weekday.TUE, Weekday.THU, Weekday.FRI], time(9), 180,
            [by_id[pid] for pid in MORNING_GROUP],
        ),
        _treatment_group(
            "gr-family", "Family group", TreatmentGroupKind.FAMILY, [PARK], "Room 3",
            [Weekday.SAT], time(10), 90, [by_id[pid] for pid in FAMILY_GROUP],
        ),
    ]


def individual_slot(patient: Patient) -> IndividualSchedule:
    """When the patient's weekly 50-minute individual session with their counselor falls.

    The demo stores these appointments as sessions (the patients' records stay as the stories
    wrote them, so without the sessions file the notes' attendance still tells each story)."""
    number = sum(map(ord, patient.id))
    weekday, hour = INDIVIDUAL_SLOTS.get(patient.id, ((1, 2, 4)[number % 3], 13 + number % 4))
    return IndividualSchedule(
        id=f"is-{patient.id[5:]}", weekday=WEEKDAYS_ORDER[weekday], start_time=time(hour),
        duration_minutes=50, clinician=patient.counselor, starts=patient.admission_date,
    )


WEEKDAYS_ORDER = tuple(Weekday)


def _absences(patient: Patient, session_days: list[int]) -> dict[int, Attendance]:
    """The patient's missed and excused notes, moved to their next session that week."""
    marked: dict[int, Attendance] = {}
    for note in patient.notes:
        if note.attendance is A:
            continue
        offset = (note.date_of_service - ANCHOR).days
        later = [o for o in session_days if offset <= o <= offset + 3 and o not in marked]
        if later:
            marked[later[0]] = note.attendance
    for offset in RECENT_MISSES.get(patient.id, ()):
        marked[offset] = N
    return marked


def build_sessions(patients: list[Patient], rng: random.Random) -> SessionsBundle:
    groups = build_groups(patients)
    by_id = {p.id: p for p in patients}
    sessions: list[Session] = []
    records: list[AttendanceRecord] = []
    expected: dict[str, list[tuple[Session, int]]] = {}
    for group in groups:
        pattern = group.pattern
        for offset in range(GROUPS_FROM, 1):
            on = day(offset)
            if not group.meets_on(on):
                continue
            members = group.members_on(on)
            topics = TOPICS[group.id]
            cancelled = group.id != "gr-family" and offset in HOLIDAYS
            session = Session(
                id=f"ss-{group.id[3:]}-{on.isoformat()}", on=on, group_id=group.id,
                status=SessionStatus.CANCELLED if cancelled else SessionStatus.HELD,
                cancel_reason=HOLIDAYS.get(offset, "") if cancelled else "",
                topic="" if cancelled else topics[(offset - GROUPS_FROM) // 7 % len(topics)],
                start=pattern.start_time, end=pattern.end_time,
                facilitators=list(group.facilitators),
            )
            sessions.append(session)
            if cancelled:
                continue
            for pid in members:
                patient = by_id[pid]
                if patient.admission_date <= on and (
                    patient.discharge is None or on < patient.discharge.on
                ):
                    expected.setdefault(pid, []).append((session, offset))
    for patient in patients:
        schedule = individual_slot(patient)
        for offset in range(GROUPS_FROM, 1):
            on = day(offset)
            if not schedule.occurs_on(on) or (patient.discharge and on >= patient.discharge.on):
                continue
            session = Session(
                id=f"ss-{schedule.id[3:]}-{on.isoformat()}", on=on, patient_id=patient.id,
                session_type=SessionType.INDIVIDUAL,
                topic="Individual counseling", start=schedule.start_time,
                end=schedule.end_time, facilitators=[schedule.clinician],
            )
            sessions.append(session)  # today's later ones are booked, not yet recorded
            expected.setdefault(patient.id, []).append((session, offset))
    for pid, attended in sorted(expected.items()):
        attended.sort(key=lambda pair: (pair[1], pair[0].start))
        group_days = sorted({offset for session, offset in attended if session.group_id})
        absences = _absences(by_id[pid], group_days)
        used: set[int] = set()
        for session, offset in attended:
            if offset == 0 and pid in NOT_YET_TODAY[session.group_id or "individual"]:
                continue
            if pid in UNRECORDED.get((session.group_id or "", offset), ()):
                continue
            status = AttendanceStatus.PRESENT
            late = 0
            reason = ""
            if session.group_id and offset in absences and offset not in used:
                used.add(offset)
                status = (
                    AttendanceStatus.ABSENT if absences[offset] is N else AttendanceStatus.EXCUSED
                )
                reason = rng.choice(EXCUSES) if status is AttendanceStatus.EXCUSED else ""
            elif rng.random() < 0.07:
                status, late = AttendanceStatus.LATE, rng.choice((10, 15, 20, 30))
            end = datetime.combine(session.on, session.end, tzinfo=UTC)
            records.append(
                AttendanceRecord(
                    id=f"at-{session.id[3:]}-{pid[5:]}", session_id=session.id, patient_id=pid,
                    status=status, late_minutes=late, reason=reason,
                    recorded_by=session.facilitators[0],
                    recorded_at=end + timedelta(minutes=rng.choice((5, 10, 25))),
                )
            )
    return SessionsBundle(as_of=ANCHOR, groups=groups, sessions=sessions, attendance=records)


# --- documented past groups (group notes, CLINICAL.md section 8) ---------------------------
#
# The evening group's last two sessions before ANCHOR were documented as a group: one shared
# part, a part per member recorded present, signed together. Each present member's chart holds
# the signed note (no craving, use or screen in it, so no story's suggestion changes); absent and
# excused members have their attendance and no narrative.

DOCUMENTED_GROUP = "gr-evening-rp"
DOCUMENTED_SESSIONS = 2
GROUP_CONTENT = {
    "High-risk situations": "Psychoeducation on HALT; each member mapped two high-risk "
    "situations of the coming week and rehearsed a way out.",
    "Cravings and urge surfing": "Urge surfing taught and practised twice; members rated a "
    "craving before and after.",
    "Refusal skills": "Role-play of refusing a drink or a pill at work and at home, with "
    "feedback from the group.",
    "Warning signs of relapse": "Warning signs reviewed; members named their own early signs "
    "and who they tell.",
    "Building a sober network": "Members listed sober contacts and planned one meeting each "
    "before the next group.",
}
PARTICIPATION_CYCLE = (Participation.ENGAGED, Participation.ENGAGED, Participation.MINIMAL)


def document_past_groups(
    patients: list[Patient], bundle: SessionsBundle
) -> tuple[list[Patient], GroupNotesBundle]:
    """Group notes for the evening group's last sessions, and each present member's signed
    note in their chart."""
    by_id = {p.id: p.model_copy(deep=True) for p in patients}
    held = sorted(
        (s for s in bundle.sessions
         if s.group_id == DOCUMENTED_GROUP and not s.cancelled and s.on < ANCHOR),
        key=lambda s: s.on,
    )[-DOCUMENTED_SESSIONS:]
    group_name = next(g.name for g in bundle.groups if g.id == DOCUMENTED_GROUP)
    notes: list[GroupNote] = []
    for number, session in enumerate(held, start=1):
        records = sorted(
            (r for r in bundle.attendance if r.session_id == session.id), key=lambda r: r.patient_id
        )
        signed_at = datetime.combine(session.on, session.end, tzinfo=UTC) + timedelta(hours=1)
        members = []
        for n, record in enumerate(records):
            note_id = f"nt-group{number}-{record.patient_id[5:]}"
            if not record.attended:
                members.append(MemberPart(
                    patient_id=record.patient_id, note_id=note_id,
                    attendance=record.status,
                ))
                continue
            patient = by_id[record.patient_id]
            first = patient.display_name.split()[0]
            objective = next(iter(patient.objectives()), None)
            members.append(MemberPart(
                patient_id=patient.id, note_id=note_id,
                attendance=record.status,
                participation=PARTICIPATION_CYCLE[n % len(PARTICIPATION_CYCLE)],
                sections={
                    "assessment": f"{first} named a personal high-risk situation and a way out; "
                    "engaged with the exercise.",
                    "plan": f"{first} will practise the skill before the next group.",
                },
                objectives_addressed=[ObjectiveProgress(
                    objective_id=objective.id, rating=ProgressRating.NO_CHANGE,
                )] if objective is not None else [],
            ))
        note = GroupNote(
            id=f"gn-evening-{number}", session_id=session.id, group_id=DOCUMENTED_GROUP,
            on=session.on, format=NoteFormat.DAP,
            shared=SharedPart(
                topic=session.topic, content=GROUP_CONTENT.get(session.topic, session.topic),
                duration_minutes=session.duration_minutes, facilitators=session.facilitators,
            ),
            members=members, author=session.facilitators[0], written_at=signed_at,
        )
        signed = [m for m in note.members if m.attended and m.written]
        for member in signed:
            chart = by_id[member.patient_id]
            written = member_note(
                note, member, group_name=group_name, author=note.author, written_at=signed_at
            )
            chart.notes = [*chart.notes, written.model_copy(
                update={"signed_at": signed_at, "signed_by": note.author}
            )]
        notes.append(note.model_copy(update={
            "signed_at": signed_at, "signed_by": note.author,
            "signed_members": [m.patient_id for m in signed],
        }))
    documented = [Patient.model_validate(by_id[p.id].model_dump()) for p in patients]
    return documented, GroupNotesBundle(as_of=ANCHOR, group_notes=notes)


def build_envelope() -> Envelope:
    return Envelope(
        generated_at=datetime.combine(ANCHOR, time(6, 0), tzinfo=UTC),
        as_of=ANCHOR,
        patients=build_patients(),
    )


def _write(path: Path, text: str) -> None:
    """Write ``text`` with 0600 permissions (files holding records are private, even fake ones)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def write_demo(out: Path = DEFAULT_OUT) -> tuple[Path, Path]:
    """Write the caseload and, beside it, the expected kind per patient and the sessions."""
    envelope = build_envelope()
    bundle = build_sessions(envelope.patients, random.Random(SEED + 1))
    documented, group_notes = document_past_groups(envelope.patients, bundle)
    envelope = envelope.model_copy(update={"patients": documented})
    _write(out, envelope.model_dump_json(indent=2) + "\n")
    _write(out.with_name(SESSIONS_FILE_NAME), bundle.model_dump_json(indent=1) + "\n")
    _write(out.with_name(GROUP_NOTES_FILE_NAME), group_notes.model_dump_json(indent=1) + "\n")
    expected = {
        "anchor": ANCHOR.isoformat(),
        "kinds": {k: v.value for k, v in EXPECTED_KINDS.items()},
    }
    expected_path = out.with_name(EXPECTED_FILE_NAME)
    _write(expected_path, json.dumps(expected, indent=2) + "\n")
    return out, expected_path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else DEFAULT_OUT
    written, expected = write_demo(out)
    print(f"wrote {written} and {expected.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
