"""Co-signature on Today, on the record file and on a clinic database: a supervisor's Today
lists the notes to co-sign; enter opens one, r returns it with a comment; the trainee's Today
then lists it as returned, with the comment; answered, it waits again and is co-signed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
from counselor_steps import today_app, until
from test_forms_harness import type_in
from textual.widgets import OptionList

from tplan.domain import Addendum, AddendumKind, ProgressNote
from tplan.services import FixedClock, Workspace
from tplan.services.demo import load_demo
from tplan.store import open_store
from tplan.ui.app import TplanApp
from tplan.ui.forms.cosign_forms import ReturnForm
from tplan.ui.screens.cosign import CosignScreen
from tplan.ui.screens.today import TodayScreen

AVERY = "demo-avery-quill"
TODAY = date(2026, 3, 12)
COMMENT = "Name the coping skill you taught [bold]today[/]"


@pytest.fixture
def signed_by_trainee(store_location: str) -> Iterator[tuple[Workspace, Workspace, str]]:
    """The demo records; T. Nguyen (requires co-signature) signed a note for Avery."""
    clock = FixedClock(TODAY)
    repo = open_store(store_location, "T. Nguyen")
    trainee = Workspace(repo, clock, clinician="T. Nguyen", requires_cosignature=True)
    trainee.import_patients(load_demo(TODAY))
    note = ProgressNote.model_validate({
        **trainee.patient(AVERY).notes[-1].model_dump(),
        "id": "nt-trainee-1", "signed_at": None, "signed_by": "", "addenda": [],
        "author": "T. Nguyen",
    })
    trainee.save_draft(AVERY, note)
    trainee.sign_note(AVERY, note.id)
    supervisor = Workspace(repo, clock, clinician="Dr. Okafor", role="supervisor")
    yield supervisor, trainee, note.id
    repo.close()


async def test_a_note_to_cosign_is_returned_from_today_and_shows_on_the_trainees_today(
    signed_by_trainee: tuple[Workspace, Workspace, str],
    screen_text: Callable[[TplanApp], str],
) -> None:
    supervisor, trainee, note_id = signed_by_trainee
    app = today_app(supervisor, role="supervisor")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "To co-sign (1)" in screen_text(app), "the section")
        text = screen_text(app)
        assert "Avery Quill  " in text and "signed by T. Nguyen" in text
        today = app.screen
        assert isinstance(today, TodayScreen)
        await pilot.press("f2")  # privacy: initials in the section too
        await until(pilot, lambda: "Avery Quill" not in screen_text(app), "initials")
        await pilot.press("f2")
        await pilot.press("tab")  # from the sessions to the notes to co-sign
        assert app.focused is today.query_one("#cosign", OptionList)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CosignScreen), "the note opens")
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReturnForm), "the return form")
        await type_in(pilot, "comment", COMMENT)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, CosignScreen), "back to the list")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is today and "To co-sign" not in screen_text(app),
                    "nothing left to co-sign")

    app = today_app(trainee)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: "Returned to you (1)" in screen_text(app), "the return")
        assert f"returned by Dr. Okafor: {COMMENT}" in screen_text(app)  # literally, no markup
        await pilot.press("tab", "enter")
        await until(pilot, lambda: isinstance(app.screen, CosignScreen), "the returned note")
        assert "returned to you" in screen_text(app)
        trainee.add_addendum(
            AVERY, note_id,
            Addendum(kind=AddendumKind.CLARIFICATION, reason="supervisor's comment",
                     text="Taught urge surfing", author="T. Nguyen",
                     written_at=trainee.clock.now() + timedelta(minutes=5)),
        )
        await pilot.press("escape")
        await until(pilot, lambda: "Returned to you" not in screen_text(app), "answered")

    app = today_app(supervisor, role="supervisor")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: "To co-sign (1)" in screen_text(app), "waiting again")
        await pilot.press("tab", "enter")
        await until(pilot, lambda: isinstance(app.screen, CosignScreen), "the note opens")
        await pilot.press("c")
        await until(pilot, lambda: "Co-signed." in screen_text(app), "co-signed")

    with open_store(supervisor.repo.location, read_only=True) as check:  # what was saved
        stored = check.get(AVERY).find_note(note_id)
    assert stored is not None and stored.cosigned_by == "Dr. Okafor"
