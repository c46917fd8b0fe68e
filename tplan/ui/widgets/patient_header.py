"""The two header lines of the patient screen: who, where in care, and what is suggested."""

from __future__ import annotations

from datetime import date, datetime

from textual.content import Content

from tplan.domain import Discharge, Patient, Suggestion
from tplan.services.caseload_summary import safety_decision_text
from tplan.services.trends import level_label
from tplan.ui.widgets.caseload_model import BADGES, relative_days


def words(value: str) -> str:
    return value.replace("_", " ")


SUGGESTION_STYLE = {
    "safety_review": "bold $error",
    "step_up": "bold $error",
    "intensify": "bold $warning",
    "step_down": "bold $success",
    "taper": "bold $success",
    "continue": "",
}


def schedule(days: int, hours: float) -> str:
    return f"{days} d/wk {hours:g} h"


def identity_line(patient: Patient, shown_name: str, today: date) -> Content:
    """Name · age · pronouns · diagnosis · level and schedule · day in program."""
    level = patient.level_on(today) or patient.current_level
    parts: list[Content] = [Content.styled(shown_name, "bold")]
    parts.append(Content(str(patient.age_on(today))))
    if patient.pronouns:
        parts.append(Content(patient.pronouns))
    if patient.diagnoses:
        first = patient.diagnoses[0]
        label = first.description + (f" ({first.code})" if first.code else "")
        parts.append(Content(label))
    parts.append(
        Content(
            f"{level_label(level.level, level.edition)} "
            f"{schedule(level.days_per_week, level.hours_per_week)}"
        )
    )
    day = (today - patient.admission_date).days
    at_level = (today - level.start).days
    parts.append(Content(f"day {day} · {at_level} d at level"))
    return Content(" · ").join(parts)


def status_line(
    suggestion: Suggestion | None,
    review_due: date | None,
    today: date,
    discharge: Discharge | None = None,
    safety_decided_at: datetime | None = None,
) -> Content:
    """The suggestion badge (a click opens the decision panel) · a safety alert · review due ·
    other alerts, most important first. A safety review decided while the flag waits for the
    plan review says so ("decided 10:42, review pending") where the flag shows."""
    if discharge is not None:
        closed = f"Episode closed: discharged {discharge.on} ({words(discharge.reason.value)})"
        return Content.assemble(
            (closed, "bold"), " · aftercare: ", discharge.aftercare.splitlines()[0]
        )
    review: Content | None = None
    if review_due is not None:
        delta = (review_due - today).days
        if delta < 0:
            review = Content.styled(f"Review OVERDUE {-delta} d", "bold $error")
        else:
            review = Content(f"Review due {relative_days(review_due, today)}")
    if suggestion is None:
        waiting = Content.styled("working out the suggestion…", "dim")
        return Content(" · ").join([part for part in (review, waiting) if part is not None])
    # What matters most comes first, so that a narrow terminal cuts the least important part:
    # the suggestion badge, then a safety alert, then the review, then the other alerts.
    badge = BADGES[suggestion.kind].upper()
    decided = safety_decision_text(safety_decided_at, today)
    label = f"{badge} suggested" if suggestion.kind.value != "continue" else badge
    if decided and suggestion.kind.value == "safety_review":
        label, decided = f"{badge} {decided}", ""
    parts: list[Content] = [
        Content.styled(label, SUGGESTION_STYLE[suggestion.kind.value]).stylize(
            "@click=screen.decide"
        )
    ]
    safety = [a for a in suggestion.alerts if a.safety]
    # Review alerts are already said by "Review due ...".
    others = [a for a in suggestion.alerts if not a.safety and not a.alert.startswith("review_")]
    if safety:
        shown = f"!! {decided}: {safety[0].message}" if decided else f"!! {safety[0].message}"
        parts.append(Content.styled(shown, "bold $error"))
    if review is not None:
        parts.append(review)
    if others:
        extra = f" (+{len(others) - 1})" if len(others) > 1 else ""
        parts.append(Content.styled(f"! {others[0].message}{extra}", "$warning"))
    parts.append(Content.styled("d decide", "dim"))
    return Content(" · ").join(parts)
