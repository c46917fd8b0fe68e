"""Frames painted on demand in the test processes (tests/frames_on_demand.py): the Textual
internals it uses exist, a refresh paints nothing until something looks, and a look (the test,
the end of the run) paints what the widgets hold then."""

from __future__ import annotations

import frames_on_demand
import pytest
from frames_on_demand import Frames, paint
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Static


class Counted(Static):
    """Counts its paints; refuses to paint once ``broken``."""

    def __init__(self) -> None:
        super().__init__("first", id="counted")
        self.renders = 0
        self.broken = False

    def render_lines(self, crop: Region) -> list[Strip]:
        """Painting (measuring for the layout calls ``render``, not this)."""
        if self.broken:
            raise RuntimeError("this state cannot be painted")
        self.renders += 1
        return super().render_lines(crop)


class OneWidget(App[None]):
    def compose(self) -> ComposeResult:
        yield Counted()


@pytest.mark.parametrize(("owner", "name"), frames_on_demand.PRIVATE_NAMES)
def test_the_private_name_exists(owner: type, name: str) -> None:
    # A method or property, or an attribute its __init__ sets (a screen's compositor).
    assert hasattr(owner, name) or name in owner.__init__.__code__.co_names


@pytest.mark.parametrize(("every", "paints"), [(False, 0), (True, 1)], ids=["on-demand", "every"])
async def test_a_refresh_paints_only_every_frame_and_a_look_paints_the_current_state(
    monkeypatch: pytest.MonkeyPatch, every: bool, paints: int
) -> None:
    monkeypatch.setattr(Frames, "every", every)  # on demand also under TPLAN_TEST_EVERY_FRAME=1
    app = OneWidget()
    async with app.run_test() as pilot:
        widget = app.query_one(Counted)
        await pilot.pause()
        before = widget.renders
        widget.update("second")
        await pilot.pause()
        assert widget.renders == before + paints

        painted = Frames.painted
        paint(app)
        assert Frames.painted == painted + 1
        assert widget.renders == before + paints + 1
        assert "second" in str(widget.render())


@pytest.mark.every_frame
def test_the_marker_sets_every_frame() -> None:
    assert Frames.every


async def test_the_end_of_a_run_paints_the_state_the_test_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Frames, "every", False)
    app = OneWidget()
    with pytest.raises(RuntimeError, match="cannot be painted"):
        async with app.run_test() as pilot:
            widget = app.query_one(Counted)
            await pilot.pause()
            widget.broken = True
            widget.refresh()
            await pilot.pause()  # not painted yet: nothing looked
