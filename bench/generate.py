"""Synthetic caseloads for the benchmarks, written as a real tplan record file.

``python bench/generate.py --size counselor|clinic|typical --out FILE`` builds, from a fixed
seed, fictional patients whose records look like years of IOP work: a plan with problems,
goals, objectives and interventions, supports, risks, medications, level changes, reviews,
and progress notes (DAP/BIRP, craving, screens every fourth note, PHQ-9/GAD-7/BAM now and then).
Active patients were admitted within the last months and have notes up to ``ANCHOR``;
discharged ones are spread over the previous five years.

Sizes (see README): ``typical`` is the file a counselor really has open (60 active patients,
2,400 notes); ``counselor`` is years of one counselor (500 patients, 60 active, 20,000 notes);
``clinic`` is a whole clinic (2,000 patients, 240 active, 80,000 notes).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from tplan.domain import (
    Attendance,
    Bam,
    Diagnosis,
    Discharge,
    DischargeReason,
    DrugScreen,
    Gad7,
    Gender,
    Goal,
    GroupKind,
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
    RiskKind,
    RiskStatus,
    ScreenResult,
    ScreenResultValue,
    SessionType,
    Signature,
    SnapItem,
    SnapKind,
    StatusChange,
    SupportGroup,
    SupportPerson,
    SupportRole,
    SupportStatus,
    UseReport,
)
from tplan.store import open_repository

ANCHOR = date(2026, 3, 12)
"""The benchmarks' "today": every run uses it as the as-of date."""
ME = "J. Park"
SEED = 20260312


@dataclass(frozen=True)
class Size:
    patients: int
    active: int
    notes: int
    counselors: int


SIZES: dict[str, Size] = {
    "typical": Size(patients=60, active=60, notes=2_400, counselors=1),
    "counselor": Size(patients=500, active=60, notes=20_000, counselors=1),
    "clinic": Size(patients=2_000, active=240, notes=80_000, counselors=10),
}

FIRST = [
    "Avery", "Bo", "Cass", "Dell", "Ema", "Fen", "Gil", "Hana", "Ira", "Jo", "Kai", "Lio",
    "Mara", "Nico", "Oda", "Pia", "Quin", "Rafe", "Sol", "Tam", "Uma", "Vic", "Wren", "Xan",
    "Yara", "Zed", "Ada", "Ben", "Cleo", "Dara", "Eli", "Faye", "Gus", "Hugo", "Ines", "Jude",
    "Kit", "Lena", "Milo", "Nell",
]
LAST = [
    "Quill", "Marchetti", "Ferrow", "Okafor", "Lindqvist", "Abara", "Brandt", "Castell",
    "Dunmore", "Ellery", "Fontaine", "Garza", "Haddad", "Ivers", "Jansen", "Kowal", "Laine",
    "Moreau", "Nakamura", "Oyelaran", "Petrov", "Quist", "Rosales", "Sato", "Thorne", "Ulloa",
    "Varga", "Whitlock", "Xu", "Yilmaz", "Zamora",
]
WORDS = [
    "reported", "attended", "group", "discussed", "triggers", "coping", "plan", "craving",
    "sponsor", "meeting", "family", "work", "shift", "stress", "sleep", "appetite", "mood",
    "anxiety", "relapse", "prevention", "skills", "practiced", "role-play", "reviewed",
    "goals", "progress", "identified", "warning", "signs", "agreed", "homework", "journal",
    "walk", "evening", "weekend", "partner", "conflict", "calm", "breathing", "urge",
    "surfing", "refusal", "skills", "medication", "adherence", "counselor", "observed",
    "engaged", "tearful", "motivated", "ambivalent", "hopeful", "tired", "focused",
]
SUBSTANCES = ("alcohol", "cannabis", "opioids", "cocaine", "amphetamine")
COUNSELORS = (ME, "R. Diaz", "S. Novak", "T. Obi", "L. Chen", "M. Ruiz", "K. Ahmed", "D. Berg",
              "F. Costa", "N. Holm")


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, chars: int) -> str:
    parts: list[str] = []
    length = 0
    while length < chars:
        part = _sentence(rng, rng.randint(6, 14))
        parts.append(part)
        length += len(part) + 1
    return " ".join(parts)


def _id(rng: random.Random, prefix: str) -> str:
    return f"{prefix}-{rng.getrandbits(48):012x}"


def _at(day: date, hour: int = 15) -> datetime:
    return datetime.combine(day, clock_time(hour), tzinfo=UTC)


def _plan(rng: random.Random, admitted: date) -> list[Problem]:
    problems: list[Problem] = []
    for p in range(rng.randint(1, 2)):
        goals: list[Goal] = []
        for _ in range(rng.randint(1, 2)):
            objectives = []
            for _ in range(rng.randint(2, 3)):
                history = [
                    StatusChange[ObjectiveStatus](on=admitted, status=ObjectiveStatus.NOT_STARTED)
                ]
                if rng.random() < 0.7:
                    history.append(
                        StatusChange[ObjectiveStatus](
                            on=admitted + timedelta(days=rng.randint(5, 40)),
                            status=rng.choice(
                                [ObjectiveStatus.IN_PROGRESS, ObjectiveStatus.ACHIEVED]
                            ),
                        )
                    )
                objectives.append(
                    Objective(
                        id=_id(rng, "ob"),
                        text=_sentence(rng, 10),
                        target_date=admitted + timedelta(days=60),
                        history=history,
                        interventions=[
                            Intervention(
                                id=_id(rng, "iv"),
                                modality=rng.choice(list(Modality)),
                                description=_sentence(rng, 5),
                                times_per_week=rng.choice([1, 2, 3]),
                                staff=ME,
                            )
                        ],
                    )
                )
            goals.append(Goal(id=_id(rng, "gl"), text=_sentence(rng, 8), objectives=objectives))
        problems.append(
            Problem(
                id=_id(rng, "pb"),
                title=f"Problem {p + 1}: " + _sentence(rng, 4),
                icd10=rng.choice(["F10.20", "F11.20", "F12.20", "F14.20", "F15.20"]),
                patient_words=_sentence(rng, 12),
                goals=goals,
            )
        )
    return problems


def _note(
    rng: random.Random, n: int, day: date, objectives: list[str], signed: bool, meds: bool
) -> ProgressNote:
    fmt = NoteFormat.DAP if rng.random() < 0.7 else NoteFormat.BIRP
    names = ("data", "assessment", "plan") if fmt is NoteFormat.DAP else (
        "behavior", "intervention", "response", "plan"
    )
    sections = {name: _paragraph(rng, rng.randint(140, 330)) for name in names}
    attendance = rng.choices(list(Attendance), weights=(88, 8, 4))[0]
    written = _at(day, 15 + rng.randint(0, 3))
    screen = None
    if n % 4 == 0:
        results = [ScreenResult(substance=s, result=ScreenResultValue.NEGATIVE) for s in SUBSTANCES]
        if rng.random() < 0.12:
            results[rng.randrange(len(results))] = ScreenResult(
                substance=rng.choice(SUBSTANCES), result=ScreenResultValue.POSITIVE
            )
        if meds:
            results.append(
                ScreenResult(substance="buprenorphine", result=ScreenResultValue.POSITIVE,
                             expected=True)
            )
        screen = DrugScreen(results=results)
    measures: list[Phq9 | Gad7 | Bam] = []
    if n % 8 == 0:
        measures.append(Phq9(items=[rng.randint(0, 2) for _ in range(8)] + [0]))
        measures.append(Gad7(items=[rng.randint(0, 2) for _ in range(7)]))
    if n % 16 == 0:
        measures.append(Bam(items=[rng.randint(0, 3) for _ in range(17)]))
    used = rng.random() < 0.05
    return ProgressNote(
        id=_id(rng, "nt"),
        date_of_service=day,
        written_at=written,
        session_type=rng.choices(list(SessionType)[:3], weights=(70, 25, 5))[0],
        attendance=attendance,
        format=fmt,
        sections=sections if attendance is not Attendance.MISSED else {names[0]: "Did not attend."},
        objectives_addressed=[
            ObjectiveProgress(objective_id=oid, rating=rng.choice(list(ProgressRating)[:3]))
            for oid in rng.sample(objectives, k=min(len(objectives), rng.randint(0, 2)))
        ],
        use=UseReport(used=True, substances=[rng.choice(SUBSTANCES)]) if used else None,
        craving=rng.randint(0, 8),
        screen=screen,
        measures=measures,
        author=ME,
        signed_at=written + timedelta(hours=1) if signed else None,
        signed_by=ME if signed else "",
    )


def make_patient(
    rng: random.Random, index: int, notes: int, *, active: bool, counselor: str
) -> Patient:
    """One fictional patient with ``notes`` progress notes, ending before ``ANCHOR``."""
    span = max(notes * 7 // 4, 30)  # about four sessions a week
    if active:
        last = ANCHOR - timedelta(days=rng.randint(0, 3))
    else:
        last = ANCHOR - timedelta(days=rng.randint(span + 30, 5 * 365))
    admitted = last - timedelta(days=span)
    problems = _plan(rng, admitted)
    objective_ids = [o.id for pb in problems for g in pb.goals for o in g.objectives]
    meds = rng.random() < 0.25
    days = sorted(admitted + timedelta(days=rng.randint(1, span)) for _ in range(notes))
    note_list = [
        _note(rng, n, day, objective_ids, signed=not (active and n >= notes - 1), meds=meds)
        for n, day in enumerate(days)
    ]
    level_start = admitted + timedelta(days=span // 2)
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {index:04d}"
    return Patient(
        id=f"pt-bench{index:07d}",
        display_name=name,
        birth_date=date(rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28)),
        gender=rng.choice(list(Gender)),
        primary_substances=[rng.choice(SUBSTANCES)],
        diagnoses=[Diagnosis(code="F10.20", description="Alcohol use disorder, moderate")],
        admission_date=admitted,
        counselor=counselor,
        discharge=None
        if active
        else Discharge(
            on=last + timedelta(days=1),
            reason=rng.choice(list(DischargeReason)),
            aftercare=_sentence(rng, 10),
        ),
        problems=problems,
        snap=[SnapItem(id=_id(rng, "sn"), kind=kind, text=_sentence(rng, 8)) for kind in SnapKind],
        risks=[
            Risk(
                id=_id(rng, "rk"),
                kind=rng.choice([RiskKind.TRIGGER, RiskKind.HIGH_RISK_SITUATION, RiskKind.HOUSING]),
                description=_sentence(rng, 10),
                severity=rng.randint(1, 3),
                history=[StatusChange[RiskStatus](on=admitted, status=RiskStatus.ACTIVE)],
            )
        ],
        supports=[
            SupportPerson(
                id=_id(rng, "sp"),
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                role=rng.choice(list(SupportRole)),
                contact=f"555-01{rng.randint(0, 99):02d}",
                sober_support=rng.random() < 0.6,
                history=[StatusChange[SupportStatus](on=admitted, status=SupportStatus.ACTIVE)],
            )
            for _ in range(rng.randint(1, 3))
        ],
        groups=[
            SupportGroup(
                id=_id(rng, "sg"),
                kind=rng.choice(list(GroupKind)),
                meetings_per_week=2,
                history=[StatusChange[SupportStatus](on=admitted, status=SupportStatus.ACTIVE)],
            )
        ],
        level_history=[
            LevelChange(id=_id(rng, "lv"), start=admitted, level=LevelCode.L2_1,
                        days_per_week=4, hours_per_week=12),
            LevelChange(id=_id(rng, "lv"), start=level_start, level=LevelCode.L2_1,
                        days_per_week=3, hours_per_week=9, reason="taper", decided_by=ME),
        ],
        medications=[
            Medication(id=_id(rng, "md"), name="buprenorphine", dose="16 mg", moud=True,
                       start=admitted, screens_as=["buprenorphine"])
        ]
        if meds
        else [],
        naloxone_checks=[NaloxoneCheck(on_hand=True, checked_on=admitted)],
        relapse_prevention=RelapsePreventionPlan(
            written_on=admitted + timedelta(days=14),
            triggers=_sentence(rng, 10),
            warning_signs=_sentence(rng, 10),
            coping_steps=_sentence(rng, 12),
            people_to_call=_sentence(rng, 4),
        )
        if rng.random() < 0.7
        else None,
        reviews=[
            PlanReview(
                id=_id(rng, "rv"),
                on=admitted + timedelta(days=30 * k),
                summary=_sentence(rng, 12),
                counselor_signature=Signature(
                    signer=ME, role="counselor", signed_at=_at(admitted + timedelta(days=30 * k))
                ),
            )
            for k in range(1, max(2, span // 30))
            if admitted + timedelta(days=30 * k) <= last
        ],
        notes=note_list,
    )


def patients(size: Size, seed: int = SEED) -> Iterator[Patient]:
    """The caseload of ``size``; active patients first, notes spread evenly."""
    rng = random.Random(seed)
    base, extra = divmod(size.notes, size.patients)
    for index in range(size.patients):
        active = index < size.active
        counselor = ME if size.counselors == 1 else COUNSELORS[index % size.counselors]
        yield make_patient(
            rng, index, base + (index < extra), active=active, counselor=counselor
        )


def write_caseload(size: Size, out: Path, seed: int = SEED) -> int:
    """Write a new record file at ``out`` (refuses to overwrite); return its size in bytes."""
    if out.exists():
        raise SystemExit(f"{out} already exists; choose another path")
    repo = open_repository(out, ME)
    try:
        repo.import_patients(patients(size, seed), action="bench-generate")
    finally:
        repo.close()
    return out.stat().st_size


GROUP_SIZE = 12
"""Members per treatment group in ``write_sessions``: 240 active patients make 20 groups."""


def write_sessions(path: Path, seed: int = SEED, weeks: int = 52) -> tuple[int, int]:
    """Add treatment groups (12 active patients each, three 3-hour meetings a week) and a year
    of their sessions with attendance to the record file at ``path``; today's sessions stay
    unrecorded. Returns (sessions, attendance records)."""
    from tplan.domain import (
        AttendanceRecord,
        AttendanceStatus,
        RosterEntry,
        Session,
        TreatmentGroup,
        TreatmentGroupKind,
        Weekday,
        WeeklyPattern,
    )

    rng = random.Random(seed + 11)
    start = ANCHOR - timedelta(weeks=weeks)
    patterns = (
        ([Weekday.MON, Weekday.WED, Weekday.THU], clock_time(18)),
        ([Weekday.TUE, Weekday.THU, Weekday.FRI], clock_time(9)),
    )
    statuses = [AttendanceStatus.PRESENT] * 16 + [
        AttendanceStatus.LATE,
        AttendanceStatus.ABSENT,
        AttendanceStatus.EXCUSED,
    ]
    repo = open_repository(path, ME)
    try:
        active = sorted(repo.active_ids())
        admitted = {pid: repo.get(pid).admission_date for pid in active}
        groups, sessions, records = [], [], []
        for number in range(0, len(active), GROUP_SIZE):
            weekdays, at = patterns[(number // GROUP_SIZE) % 2]
            members = active[number : number + GROUP_SIZE]
            group = TreatmentGroup(
                id=f"gr-bench-{number // GROUP_SIZE:02d}",
                name=f"Group {number // GROUP_SIZE + 1}",
                kind=TreatmentGroupKind.RELAPSE_PREVENTION,
                facilitators=[ME],
                active_from=start,
                schedule=[WeeklyPattern(start=start, weekdays=weekdays, start_time=at,
                                        duration_minutes=180)],
                roster=[RosterEntry(patient_id=pid, joined=start) for pid in members],
            )
            groups.append(group)
            day = start
            while day < ANCHOR:
                if group.meets_on(day):
                    session = Session(on=day, group_id=group.id, start=at,
                                      end=group.pattern.end_time, facilitators=[ME])
                    sessions.append(session)
                    for pid in members:
                        if admitted[pid] > day:
                            continue
                        status = rng.choice(statuses)
                        records.append(AttendanceRecord(
                            session_id=session.id, patient_id=pid, status=status,
                            late_minutes=15 if status is AttendanceStatus.LATE else 0,
                            reason="illness" if status is AttendanceStatus.EXCUSED else "",
                            recorded_by=ME,
                            recorded_at=datetime.combine(day, clock_time(21, 10), tzinfo=UTC),
                        ))
                day += timedelta(days=1)
        repo.import_clinic_records(groups, sessions, records, action="bench-generate")
    finally:
        repo.close()
    return len(sessions), len(records)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    size = SIZES[args.size]
    start = time.perf_counter()
    written = write_caseload(size, args.out, args.seed)
    print(
        f"{args.out}: {size.patients} patients ({size.active} active), {size.notes} notes, "
        f"{written / 1e6:.1f} MB in {time.perf_counter() - start:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
