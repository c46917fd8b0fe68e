"""The kinds of record the patient screen lists: one table instead of parallel lists.

Each row says which form adds or edits the record, which tab lists it, the key that adds one
(besides ``a`` on its tab) and its title in the command palette. The patient screen builds its
bindings, its palette commands, ``a`` and ``enter`` from it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RecordKind:
    kind: str
    """The kind of its lines (``ItemRef.kind``)."""
    form: str
    """The form class in ``tplan.ui.forms`` that adds and edits it."""
    tab: str
    """The tab that lists it."""
    key: str
    """The key that adds one on the patient screen ("" = only ``a`` on its tab)."""
    title: str
    """What adding one is called (key help and the command palette)."""
    by_id: bool = True
    """The form edits one record by id (False: one per patient, e.g. the aftercare plan)."""
    shown: bool = False
    """Whether the footer shows the key."""


RECORD_KINDS: tuple[RecordKind, ...] = (
    RecordKind("problem", "ProblemForm", "plan", "p", "New problem"),
    RecordKind("goal", "GoalForm", "plan", "g", "New goal"),
    RecordKind("objective", "ObjectiveForm", "plan", "o", "New objective"),
    RecordKind("intervention", "InterventionForm", "plan", "i", "New intervention"),
    RecordKind("snap", "SnapForm", "snap", "", "New strength or need"),
    RecordKind("risk", "RiskForm", "risks", "", "New risk"),
    RecordKind("medication", "MedicationForm", "risks", "m", "New medication"),
    RecordKind("naloxone", "NaloxoneForm", "risks", "N", "Record a naloxone check", by_id=False),
    RecordKind("support", "SupportForm", "supports", "", "New support person"),
    RecordKind("group", "GroupForm", "supports", "G", "New support group"),
    RecordKind("note", "NoteForm", "notes", "n", "Note", shown=True),
    RecordKind("relapse_plan", "RelapsePlanForm", "written", "", "Relapse-prevention plan",
               by_id=False),
    RecordKind("aftercare", "AftercareForm", "written", "", "Aftercare plan", by_id=False),
)
BY_KIND = {record.kind: record for record in RECORD_KINDS}
