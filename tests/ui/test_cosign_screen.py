"""A supervisor's co-signature list, driven by keys: a trainee's note is returned with a
comment, answered with an addendum, then co-signed and locked; the trainee sees the return."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from counselor_steps import until
from test_forms_harness import type_in
from textual.widgets import OptionList, Static

from tplan.domain import Addendum, AddendumKind, ProgressNote
from tplan.services import FixedClock, Workspace
from tplan.settings import Settings
from tplan.ui.app import make_app
from tplan.ui.forms.cosign_forms import ReturnForm
from tplan.ui.screens.cosign import CosignScreen
from tplan.ui.widgets.top_bar import TopBar

AVERY = "demo-avery-quill"


@pytest.fixture
def trainee_note(workspace: Workspace, clock: FixedClock) -> Iterator[tuple[Workspace, str]]:
    """T. Nguyen (requires co-signature) signs a note for Avery on the demo records."""
    trainee = Workspace(
        workspace.repo, clock, clinician="T. Nguyen", requires_cosignature=True
    )
    note = ProgressNote.model_validate(
        {
            **workspace.patient(AVERY).notes[-1].model_dump(),
            "id": "nt-trainee-1",
            "signed_at": None,
            "signed_by": "",
            "addenda": [],
            "author": "T. Nguyen",
        }
    )
    trainee.save_draft(AVERY, note)
    trainee.sign_note(AVERY, note.id)
    yield trainee, note.id


async def test_return_answer_and_cosign(
    workspace: Workspace, clock: FixedClock, trainee_note: tuple[Workspace, str]
) -> None:
    trainee, note_id = trainee_note
    supervisor = Workspace(workspace.repo, clock, clinician="Dr. Okafor", role="supervisor")
    app = make_app(supervisor, clock=clock, me="Dr. Okafor")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("C")
        await until(pilot, lambda: isinstance(app.screen, CosignScreen), "the list opens")
        screen = app.screen
        listing = screen.query_one("#cosign-list", OptionList)
        await until(pilot, lambda: listing.option_count == 1, "one note waits")
        assert "signed by T. Nguyen" in str(listing.get_option_at_index(0).prompt)
        assert "waiting for a supervisor's co-signature" in str(
            screen.query_one("#cosign-text", Static).render()
        )

        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReturnForm), "the return form")
        await type_in(pilot, "comment", "Name the coping skill you taught")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen and listing.option_count == 0, "returned")

        (back,) = trainee.returned_notes()
        assert back.note.returns[-1].comment == "Name the coping skill you taught"
        trainee.add_addendum(
            AVERY, note_id,
            Addendum(kind=AddendumKind.CLARIFICATION, reason="supervisor's comment",
                     text="Taught urge surfing", author="T. Nguyen",
                     written_at=clock.now() + timedelta(minutes=5)),
        )
        screen.load()
        await until(pilot, lambda: listing.option_count == 1, "waiting again")
        await pilot.press("c")
        await until(pilot, lambda: listing.option_count == 0, "co-signed")
        assert "Co-signed." in str(screen.query_one("#cosign-status", Static).render())

    stored = workspace.repo.get(AVERY).find_note(note_id)
    assert stored is not None and stored.cosigned_by == "Dr. Okafor"


async def test_a_counselor_sees_returned_notes_and_cannot_cosign(
    workspace: Workspace, clock: FixedClock, trainee_note: tuple[Workspace, str]
) -> None:
    trainee, note_id = trainee_note
    supervisor = Workspace(workspace.repo, clock, clinician="Dr. Okafor", role="supervisor")
    supervisor.return_note(AVERY, note_id, "Add the [bold]plan[/]")
    app = make_app(trainee, clock=clock, me="T. Nguyen")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("C")
        await until(pilot, lambda: isinstance(app.screen, CosignScreen), "the list opens")
        listing = app.screen.query_one("#cosign-list", OptionList)
        await until(pilot, lambda: listing.option_count == 1, "the returned note")
        shown = str(app.screen.query_one("#cosign-text", Static).render())
        assert "Add the [bold]plan[/]" in shown  # the comment, literally
        await pilot.press("c")
        await pilot.pause()
    assert trainee.patient(AVERY).find_note(note_id).cosigned_at is None  # type: ignore[union-attr]


async def test_today_counts_the_notes_to_cosign_and_c_opens_them(
    workspace: Workspace, clock: FixedClock, trainee_note: tuple[Workspace, str]
) -> None:
    supervisor = Workspace(workspace.repo, clock, clinician="Dr. Okafor", role="supervisor")
    settings = Settings(clinician="Dr. Okafor", role="supervisor", start_screen="today")
    app = make_app(supervisor, clock=clock, settings=settings)
    async with app.run_test(size=(120, 40)) as pilot:
        bar = app.screen.query_one(TopBar)
        await until(pilot, lambda: "1 to co-sign (C)" in bar.right, "the count on Today")
        await pilot.press("C")
        await until(pilot, lambda: isinstance(app.screen, CosignScreen), "the list opens")
