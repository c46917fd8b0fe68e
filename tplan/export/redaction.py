"""Minimum-necessary copies built on the HIPAA Safe Harbor identifier list (45 CFR 164.514(b)).

``redact_patient`` returns a copy of the record in which every free-text field has lost the
names of the patient, of every support person and of every facilitator (whole words, any
case), phone and fax numbers, e-mail and web addresses, street addresses and ZIP codes,
dates more precise than the year, and record numbers; the identifiers and the disclosure log
are gone. Structured dates stay real dates so that the as-of logic still works: the writers
show them as the year or as days since admission (``RelativeDates``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel

from tplan.clinical import ExpectedSession
from tplan.domain import Patient
from tplan.domain.base import LONG_TEXT_MAX, SHORT_TEXT_MAX
from tplan.domain.privacy import HONORIFICS
from tplan.export.labels import label

PATIENT = "[patient]"
FACILITATOR = "[facilitator]"
REMOVED_ID = "[id]"

REDACTED_ITEMS: tuple[str, ...] = (
    "names of the patient, of support persons and of facilitators (replaced by a role "
    "in brackets, e.g. [patient], [sponsor]) in every field, free text included",
    "phone numbers, e-mail and web addresses, street addresses and ZIP codes",
    "identifiers and record numbers (MRN and other identifiers, tplan ids)",
    "dates more precise than the year: shown as days since admission (day 0), birth date as "
    "the year; dates typed in free text are replaced by [date]",
    "ages over 89 (shown as 90 or older)",
    "the log of earlier disclosures",
)
"""What a redacted copy leaves out, in the words every redacted format prints."""

_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE), "[e-mail]"),
    (re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE), "[web address]"),
    (re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?\S*)?"), "[date]"),
    (
        re.compile(
            r"\b(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])(?:/\d{2,4})?\b"
            r"(?!\s*(?:mg|mcg|ml|g)\b)|\b\d{1,2}\.\d{1,2}\.\d{2,4}\b",
            re.IGNORECASE,
        ),
        "[date]",
    ),
    (
        re.compile(
            rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b"
            rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b\.?(?:,?\s+\d{{4}})?",
            re.IGNORECASE,
        ),
        "[date]",
    ),
    (
        re.compile(
            r"\b\d{1,6}\s+(?:[A-Z][\w.'-]*\s+){1,4}(?:Street|St|Avenue|Ave|Road|Rd|"
            r"Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Circle|"
            r"Highway|Hwy|Parkway|Pkwy)\b\.?(?:,?\s*(?:Apt|Unit|Suite|#)\.?\s*\w+)?",
        ),
        "[street address]",
    ),
    (re.compile(r"\b(?:p\.?\s?o\.?\s+box)\s+\d+", re.IGNORECASE), "[street address]"),
    # Phone and fax numbers: 7 or more digits with the usual separators.
    (re.compile(r"(?<![\w\[])\+?\(?\d(?:[\s().-]{0,2}\d){6,14}(?![\w\]])"), "[phone]"),
    (re.compile(r"\b\d{5}(?:-\d{4})?\b"), "[ZIP code]"),
]


def name_words(name: str) -> list[str]:
    """The words of a name that identify: "Ms. Ilse Trent (school counselor)" -> Ilse, Trent."""
    without_notes = re.sub(r"\([^)]*\)", " ", name)
    words = re.findall(r"[^\W\d_](?:[\w'’-]*\w)?", without_notes)
    return [w for w in words if w.lower().rstrip(".") not in HONORIFICS]


@dataclass(frozen=True)
class Redactor:
    """Rewrites free text: names become their role in brackets, identifiers go."""

    names: dict[str, str]
    """Name or name word (lower case) -> its replacement."""
    literals: tuple[str, ...]
    """Identifier values and record ids, removed wherever they appear."""

    def text(self, value: str) -> str:
        for literal in self.literals:
            value = re.sub(re.escape(literal), REMOVED_ID, value, flags=re.IGNORECASE)
        for pattern, replacement in _PATTERNS:
            value = pattern.sub(replacement, value)
        if self.names:
            value = self._names_pattern().sub(self._replacement, value)
            # "Jordan Alex Rivera" typed in parts reads as one [patient], not three.
            value = re.sub(r"(\[[^\]]+\])(?:[\s.,]+\1)+", r"\1", value)
        return value

    def _replacement(self, match: re.Match[str]) -> str:
        return self.names[" ".join(re.split(r"[\s.]+", match.group().lower().strip(".")))]

    def _names_pattern(self) -> re.Pattern[str]:
        ordered = sorted(self.names, key=len, reverse=True)  # full names before their words
        alternatives = "|".join(
            r"[\s.]+".join(re.escape(part) for part in name.split()) for name in ordered
        )
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def redactor_for(patient: Patient, facilitators: Iterable[str] = ()) -> Redactor:
    """The redactor of one patient's record; ``facilitators`` of their sessions are added."""
    names: dict[str, str] = {}

    def add(name: str, replacement: str) -> None:
        words = name_words(name)
        # A lone initial ("J." of "J. Park") identifies no one and would hit every "a".
        for key in [" ".join(words), *(w for w in words if len(w) > 1)]:
            if key:
                names.setdefault(key.lower(), replacement)

    add(patient.display_name, PATIENT)
    for support in patient.supports:
        add(support.name, f"[{label(support.role)}]")
    for objective in patient.objectives():
        for intervention in objective.interventions:
            if intervention.staff:
                add(intervention.staff, FACILITATOR)
    for schedule in patient.individual_schedules:
        add(schedule.clinician, FACILITATOR)
    for facilitator in facilitators:
        add(facilitator, FACILITATOR)
    literals = {patient.id, *(i.value for i in patient.identifiers)}
    return Redactor(
        names=names, literals=tuple(sorted((s for s in literals if s), key=len, reverse=True))
    )


def redact_session(item: ExpectedSession, redactor: Redactor) -> ExpectedSession:
    """An expected session without facilitator names or identifying words in its text."""
    session = item.session
    if session is not None:
        session = session.model_copy(
            update={
                "facilitators": [FACILITATOR] if session.facilitators else [],
                "topic": redactor.text(session.topic),
                "cancel_reason": redactor.text(session.cancel_reason),
            }
        )
    record = item.record
    if record is not None:
        record = record.model_copy(update={"reason": redactor.text(record.reason)})
    return replace(item, label=redactor.text(item.label), session=session, record=record)


# Fields that name staff (kept: a receiver needs to know who is accountable) or hold codes.
_KEEP = frozenset(
    {"id", "objective_id", "decision_id", "patient_id", "instrument", "counselor", "author",
     "signed_by", "decided_by", "policy_name", "rule", "alert", "criterion", "role"}
)  # fmt: skip


def redact_patient(patient: Patient, redactor: Redactor | None = None) -> Patient:
    """The record with every identifier of the Safe Harbor list removed from its text."""
    redactor = redactor or redactor_for(patient)
    data = patient.model_dump()
    data["identifiers"] = []
    data["disclosures"] = []
    for note in data["notes"]:  # links inside the record file, which a copy does not need
        note["session_id"] = note["group_note_id"] = None
    scrubbed = _walk(data, redactor)
    scrubbed["display_name"] = PATIENT
    for support in scrubbed["supports"]:
        support["contact"] = ""
    return Patient.model_validate(scrubbed)


ModelT = TypeVar("ModelT", bound=BaseModel)


def redact_model(model: ModelT, redactor: Redactor) -> ModelT:
    """Any record (e.g. a suggestion, whose messages hold dates) with its text redacted."""
    return type(model).model_validate(_walk(model.model_dump(), redactor))


def _walk(node: Any, redactor: Redactor, key: str = "") -> Any:
    if isinstance(node, dict):
        return {k: v if k in _KEEP else _walk(v, redactor, k) for k, v in node.items()}
    if isinstance(node, list):
        return [_walk(item, redactor, key) for item in node]
    if isinstance(node, str) and not isinstance(node, Enum):
        return _fit(redactor.text(node), node)
    return node


def _fit(text: str, original: str) -> str:
    """Keep a rewritten text within the length its field allows."""
    limit = LONG_TEXT_MAX if "\n" in original or len(original) > SHORT_TEXT_MAX else SHORT_TEXT_MAX
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class RelativeDates:
    """How a redacted copy shows a date: days since admission (the year alone for birth)."""

    admission: date

    def day(self, value: date | datetime) -> str:
        if isinstance(value, datetime):
            value = value.date()
        offset = (value - self.admission).days
        return f"day {offset}"

    def offset(self, value: date | datetime) -> int:
        if isinstance(value, datetime):
            value = value.date()
        return (value - self.admission).days
