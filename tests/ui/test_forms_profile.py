"""Strengths/needs, risks, supports, groups and the written plans, driven by keys."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from test_forms_harness import SIZE, FormHarness, choose, errors, settle, type_in

from tplan.domain import (
    GroupKind,
    Patient,
    RiskKind,
    RiskStatus,
    SnapKind,
    SupportRole,
    SupportStatus,
)
from tplan.services import FixedClock, Workspace
from tplan.ui.forms import (
    AftercareForm,
    GroupForm,
    RelapsePlanForm,
    RiskForm,
    SnapForm,
    SupportForm,
)

AVERY = "demo-avery-quill"


async def test_snap_item_in_their_words(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient]
) -> None:
    app = FormHarness(workspace, clock, lambda ws: SnapForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "kind", "need")
        await type_in(pilot, "text", "A ride to group on Tuesdays 🚌 [/x]")
        await pilot.press("ctrl+s")
        await settle(pilot)
    item = saved(AVERY).snap[-1]
    assert (item.kind, item.text) == (SnapKind.NEED, "A ride to group on Tuesdays 🚌 [/x]")


async def test_new_risk_needs_kind_and_severity(
    workspace: Workspace, clock: FixedClock, today: date, saved: Callable[[str], Patient]
) -> None:
    count = len(saved(AVERY).risks)
    app = FormHarness(workspace, clock, lambda ws: RiskForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "description", "Payday weekends")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert errors(app) == {"kind": "choose one", "severity": "choose one"}
        assert len(saved(AVERY).risks) == count
        await choose(pilot, "kind", "trigger")
        await choose(pilot, "severity", "2")
        await pilot.press("ctrl+s")
        await settle(pilot)
    risk = saved(AVERY).risks[-1]
    assert (risk.kind, risk.description, risk.severity) == (
        RiskKind.TRIGGER,
        "Payday weekends",
        2,
    )
    assert [(c.on, c.status) for c in risk.history] == [(today, RiskStatus.ACTIVE)]


async def test_risk_edit_dates_severity_and_status_changes(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient]
) -> None:
    risk = workspace.patient(AVERY).risks[0]
    new_severity = 4 if risk.severity != 4 else 3
    new_status = (
        RiskStatus.RESOLVED if risk.status is not RiskStatus.RESOLVED else RiskStatus.ACTIVE
    )
    app = FormHarness(workspace, clock, lambda ws: RiskForm(ws, AVERY, risk.id))
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "severity", str(new_severity))
        await choose(pilot, "status", new_status.value)
        await type_in(pilot, "status_on", "2026-03-11")
        await pilot.press("ctrl+s")
        await settle(pilot)
    stored = next(r for r in saved(AVERY).risks if r.id == risk.id)
    assert stored.severity == new_severity
    assert stored.status is new_status
    assert stored.history[-1].on == date(2026, 3, 11)
    assert stored.severity_on(date(2026, 3, 11)) == new_severity
    assert stored.severity_on(date(2026, 3, 10)) == risk.severity
    assert stored.history[:-1] == risk.history


async def test_support_person_with_sober_flag(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient]
) -> None:
    app = FormHarness(workspace, clock, lambda ws: SupportForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "name", "M. Ruiz")
        await choose(pilot, "role", "sponsor")
        await type_in(pilot, "contact", "555-0100")
        app.form.query_one("#sober_support").focus()
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
    person = saved(AVERY).supports[-1]
    assert (person.name, person.role, person.contact, person.sober_support) == (
        "M. Ruiz",
        SupportRole.SPONSOR,
        "555-0100",
        True,
    )
    assert person.status is SupportStatus.ACTIVE


async def test_group_meetings_validated(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient]
) -> None:
    app = FormHarness(workspace, clock, lambda ws: GroupForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "kind", "SMART")
        await type_in(pilot, "meetings_per_week", "lots")
        assert errors(app)["meetings_per_week"] == "must be a number"
        await type_in(pilot, "meetings_per_week", "2")
        await type_in(pilot, "name", "Library, Tue/Thu")
        await pilot.press("ctrl+s")
        await settle(pilot)
    group = saved(AVERY).groups[-1]
    assert (group.kind, group.name, group.meetings_per_week) == (
        GroupKind.SMART,
        "Library, Tue/Thu",
        2,
    )


async def test_relapse_plan_needs_some_text_and_saves(
    workspace: Workspace, clock: FixedClock, today: date, saved: Callable[[str], Patient]
) -> None:
    app = FormHarness(workspace, clock, lambda ws: RelapsePlanForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        for key in ("triggers", "warning_signs", "coping_steps", "people_to_call"):
            await type_in(pilot, key, "")
        await pilot.press("ctrl+s")
        await settle(pilot)
        if app.results:  # the demo plan had text: clearing it all must be refused
            raise AssertionError("an empty plan was saved")
        assert errors(app)["triggers"] == "write at least one part of the plan"
        await type_in(pilot, "triggers", "Friday nights\nwork stress")
        await type_in(pilot, "people_to_call", "Sponsor M. Ruiz")
        await type_in(pilot, "written_on", "t")
        await pilot.press("ctrl+s")
        await settle(pilot)
    plan = saved(AVERY).relapse_prevention
    assert plan is not None
    assert plan.written_on == today
    assert plan.triggers == "Friday nights\nwork stress"
    assert plan.people_to_call == "Sponsor M. Ruiz"
    assert plan.coping_steps == ""


async def test_aftercare_plan_required(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient]
) -> None:
    app = FormHarness(workspace, clock, lambda ws: AftercareForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "plan", "")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert errors(app)["plan"] == "must not be empty"
        await type_in(pilot, "plan", "Weekly outpatient; SMART")
        await pilot.press("ctrl+s")
        await settle(pilot)
    aftercare = saved(AVERY).aftercare
    assert aftercare is not None and aftercare.plan == "Weekly outpatient; SMART"


async def test_privacy_shows_initials_in_the_form_title(
    workspace: Workspace, clock: FixedClock
) -> None:
    app = FormHarness(workspace, clock, lambda ws: SnapForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        title = app.form.query_one("#form-title")
        assert "Avery Quill" in str(title.render())
        app.privacy = True
        await pilot.pause()
        assert "Avery Quill" not in str(title.render())
        assert "A.Q." in str(title.render())
