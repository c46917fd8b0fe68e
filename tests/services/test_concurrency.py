"""Saves against the version a counselor saw: refused with who and when if someone saved in
between (nothing overwritten), except for changes that only add (signing, addenda)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from services_factories import TODAY, note, patient

from tplan.domain import Addendum, AddendumKind, Patient, Problem
from tplan.services import ConflictError, FixedClock, Workspace
from tplan.store import open_store


def test_a_change_made_on_an_older_version_is_refused(
    workspace: Workspace, admitted: Patient
) -> None:
    _, seen = workspace.patient_with_version(admitted.id)
    workspace.add_problem(admitted.id, Problem(title="Housing unstable"))
    with (
        pytest.raises(ConflictError, match=r"J\. Park changed this patient's record at"),
        workspace.expecting(admitted.id, seen),
    ):
        workspace.add_problem(admitted.id, Problem(title="Sleep disrupted"))
    titles = [p.title for p in workspace.patient(admitted.id).problems]
    assert "Housing unstable" in titles and "Sleep disrupted" not in titles

    _, current = workspace.patient_with_version(admitted.id)
    with workspace.expecting(admitted.id, current):  # two saves in one form: both go through
        workspace.add_problem(admitted.id, Problem(title="Sleep disrupted"))
        workspace.add_problem(admitted.id, Problem(title="Debt"))
    titles = [p.title for p in workspace.patient(admitted.id).problems]
    assert {"Sleep disrupted", "Debt"} <= set(titles)


@pytest.fixture
def two_counselors(postgres_url: str):
    clock = FixedClock(TODAY)
    park = Workspace(open_store(postgres_url, "J. Park"), clock, clinician="J. Park")
    rivera = Workspace(open_store(postgres_url, "A. Rivera"), clock, clinician="A. Rivera")
    yield park, rivera
    park.close()
    rivera.close()


def test_two_workspaces_on_one_database_the_second_is_told(two_counselors) -> None:
    park, rivera = two_counselors
    avery = park.admit(patient())
    _, seen_by_rivera = rivera.patient_with_version(avery.id)
    park.add_problem(avery.id, Problem(title="Housing unstable"))
    with (
        pytest.raises(ConflictError, match=r"J\. Park changed this patient's record at") as refused,
        rivera.expecting(avery.id, seen_by_rivera),
    ):
        rivera.add_problem(avery.id, Problem(title="Sleep disrupted"))
    assert refused.value.at is not None
    titles = [p.title for p in rivera.patient(avery.id).problems]  # reread after the refusal
    assert "Housing unstable" in titles and "Sleep disrupted" not in titles


def test_signing_never_conflicts_with_an_addendum(two_counselors) -> None:
    park, rivera = two_counselors
    signed, draft = note(TODAY - timedelta(days=1)), note(TODAY, signed=False)
    avery = park.admit(patient().model_copy(update={"notes": [signed, draft]}))
    rivera.patient(avery.id)  # Rivera's copy, soon out of date
    addendum = Addendum(
        kind=AddendumKind.CLARIFICATION, reason="detail", text="seen with family",
        author="J. Park", written_at=datetime(2026, 3, 12, 17, tzinfo=UTC),
    )
    park.add_addendum(avery.id, signed.id, addendum)
    with rivera.expecting(avery.id, 1):  # even from a form opened before the addendum
        rivera.sign_note(avery.id, draft.id)
    with open_store(park.location) as fresh:
        stored = fresh.get(avery.id)
    assert stored.find_note(signed.id).addenda == [addendum]  # type: ignore[union-attr]
    assert stored.find_note(draft.id).signed_by == "A. Rivera"  # type: ignore[union-attr]
