"""The first start on a record file without a name to sign with: tplan asks for it once.

Every note, decision and review is signed with the clinician's name. Left unset, it would be
the operating-system account ("root", "clinic-pc"), which a chart reader cannot tell apart
from anyone else on that machine. So before the screens open, a person at a terminal is asked
for the name they sign with and their role, which go into their settings file for good.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from tplan.settings import ROLES, Settings, SettingsError, account_name, check_values, remember

INTRO = (
    "tplan signs every note, decision and plan review you save with your name.\n"
    "It is not set yet (it would be this computer's account, {account})."
)


def ask_who_signs(
    settings: Settings,
    path: Path,
    ask: Callable[[str], str] = input,
    say: Callable[[str], None] = print,
) -> Settings | None:
    """Ask for the name and role, save them in the settings file at ``path`` and return the
    settings holding them; None when the person ends the input (Ctrl-D): this run then signs
    with the account name, and the next start asks again. Ctrl-C stops tplan, as anywhere."""
    say(INTRO.format(account=account_name()))
    try:
        name = _ask_until(ask, say, "Your name as you sign it (e.g. J. Park, LADC): ",
                          lambda answer: _problem({"clinician": answer}) if answer else
                          "tplan needs the name you sign with")
        role = _ask_until(ask, say, f"Your role ({' or '.join(ROLES)}) [{settings.role}]: ",
                          lambda answer: None if answer.lower() in ROLES else
                          f"choose {' or '.join(ROLES)}", default=settings.role).lower()
    except EOFError:
        say(f"\nNothing saved: this run signs as {account_name()}.")
        return None
    try:
        remember(path, {"clinician": name, "role": role})
    except OSError as exc:  # a read-only home, a file where the folder should be
        say(f"Could not save it in {path} ({exc.strerror or type(exc).__name__}): this run "
            f"signs as {name}, and the next start asks again.")
        where = {"clinician": "asked at start", "role": "asked at start"}
        return replace(settings, clinician=name, role=role,
                       sources={**settings.sources, **where})
    say(f"Saved in {path} (`tplan settings` shows it; edit the file to change it).")
    where = {"clinician": str(path), "role": str(path)}
    return replace(settings, clinician=name, role=role, path=path,
                   sources={**settings.sources, **where})


def _ask_until(
    ask: Callable[[str], str],
    say: Callable[[str], None],
    prompt: str,
    problem: Callable[[str], str | None],
    default: str = "",
) -> str:
    """Ask until ``problem`` finds none in the (stripped, else default) answer."""
    while True:
        answer = ask(prompt).strip() or default
        reason = problem(answer)
        if reason is None:
            return answer
        say(f"  {reason}")


def _problem(values: dict[str, str]) -> str | None:
    try:
        check_values(values)
    except SettingsError as exc:
        return str(exc)
    return None
