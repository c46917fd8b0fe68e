"""The ``tplan`` command: opens the TUI, and scriptable commands over the same record file.

Every command takes ``--db`` (default: ``$TPLAN_DB``, else the user data directory), and
``--as-of`` to fix "today" so that output is reproducible. Errors are one line on stderr:
exit 2 for bad usage, 1 for refused input or an unusable file; record content never appears
in an error message.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from platformdirs import user_data_path

from tplan.services.clock import AsOfClock, Clock, SystemClock
from tplan.services.deferred import opening_refused
from tplan.settings import (
    NOTE_FORMATS,
    ROLES,
    START_SCREENS,
    THEMES,
    WARNINGS,
    Settings,
    SettingsError,
    default_settings_path,
    describe,
    load_settings,
    write_template,
)
from tplan.store.journal import journal_path

if TYPE_CHECKING:
    from tplan.clinical import Policy
    from tplan.domain import Patient, Suggestion
    from tplan.services import Workspace
    from tplan.services.deferred import DeferredWorkspace
    from tplan.ui.app import TplanApp

# Each command imports what it needs: the TUI paints its first caseload rows before pydantic,
# the domain, the engine and the exports are loaded (tests/test_first_paint.py).

EXPORT_FORMATS = ("md", "html", "json", "fhir")
"""``tplan.domain.ExportFormat``'s values, spelled out so that ``--help`` needs no domain."""

POLICY_FILE_NAME = "tplan-policy.toml"
EXIT_REFUSED = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad usage as one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class Refused(Exception):
    """A command that cannot go on; its message is safe to print (no record content)."""


def tplan_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tplan")
    except PackageNotFoundError:  # a source tree that was never installed
        return "unknown (not installed)"


class VersionAction(argparse.Action):
    """``--version``, reading the installed version only when asked (importlib.metadata costs
    a start that never needs it some 20 ms)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> NoReturn:
        print(f"tplan {tplan_version()}")
        parser.exit()


def default_db_path() -> Path | str:
    """``$TPLAN_DB`` (a record file or a ``postgresql://`` URL), else the user data directory."""
    from tplan.store import is_database_url

    env = os.environ.get("TPLAN_DB")
    if env:
        return env if is_database_url(env) else Path(env).expanduser()
    return user_data_path("tplan", appauthor=False) / "tplan.json"


AS_OF_RANGE = (date(1900, 1, 1), date(2999, 12, 31))
"""Dates ``--as-of`` accepts: the engine's windows reach back and forth from it."""


def _location(value: str) -> Path | str:
    """A --db value: a server URL as given (Path would fold its //), else a path."""
    from tplan.store import is_database_url

    return value if is_database_url(value) else Path(value)


def _date(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date like 2026-03-12: {value!r}") from None
    first, last = AS_OF_RANGE
    if not first <= day <= last:
        raise argparse.ArgumentTypeError(f"{value} is outside {first} .. {last}")
    return day


def _add_common(parser: argparse.ArgumentParser, *, db: bool = True, top: bool = False) -> None:
    # A subcommand must not reset what was given before it (`tplan --db X import F`):
    # only the top-level parser sets the defaults.
    default = None if top else argparse.SUPPRESS
    if db:
        parser.add_argument(
            "--db", type=_location, default=default,
            help="record file or postgresql:// URL (no password: libpq's ~/.pgpass, service "
            "file or environment; default: $TPLAN_DB, else the user data directory)",
        )
    parser.add_argument("--as-of", type=_date, default=default, metavar="YYYY-MM-DD",
                        help="treat this date as today (reproducible output)")
    parser.add_argument("--policy", type=Path, default=default, metavar="FILE",
                        help=f"clinic policy TOML (default: {POLICY_FILE_NAME} beside the db)")
    parser.add_argument("--clinician", default=default,
                        help="name recorded in the audit trail (default: the settings file, "
                        "$TPLAN_CLINICIAN, else the OS user)")
    parser.add_argument("--config", type=Path, default=default, metavar="FILE",
                        help="settings file (default: $TPLAN_CONFIG, else settings.toml in the "
                        "user config directory)")


def _add_ui_settings(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """Flags that override the settings file for one run of the TUI."""
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--role", choices=ROLES, default=default,
                        help="your role (default: the settings file, else counselor)")
    parser.add_argument("--start-screen", choices=START_SCREENS, default=default,
                        help="screen shown first (default: the settings file, else today)")
    parser.add_argument("--theme", choices=THEMES, default=default)
    parser.add_argument("--note-format", choices=NOTE_FORMATS, type=str.upper, default=default,
                        help="format of a new note (default: the settings file, else DAP)")
    parser.add_argument("--refuse-warning", action="append", choices=sorted(WARNINGS),
                        default=default, dest="refuse_warnings", metavar="WARNING",
                        help="make this warning refuse instead of asking (repeatable; "
                        f"one of {', '.join(sorted(WARNINGS))})")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tplan",
        description="Monitor IOP treatment plans: caseload, plans, notes, suggestions, exports.",
    )
    parser.add_argument("--version", action=VersionAction,
                        help="show program's version number and exit")
    _add_common(parser, top=True)
    _add_ui_settings(parser, top=True)
    parser.add_argument("--read-only", action="store_true",
                        help="open the TUI without taking the writer lock, to look only (e.g. "
                        "while another tplan has the file open)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = sub.add_parser("demo", help="open the TUI on a fresh private copy of the demo caseload")
    _add_common(demo, db=False)
    _add_ui_settings(demo)
    demo.add_argument("--out", type=Path, default=None, metavar="PATH",
                      help="only write the demo record file to PATH (never overwrites) and exit")

    imp = sub.add_parser("import", help="add patients from a JSON interchange file "
                         "(all or nothing)")
    imp.add_argument("file", type=Path, metavar="FILE")
    _add_common(imp)

    case = sub.add_parser("caseload", help="print the caseload as a table or JSON")
    _add_common(case)
    case.add_argument("--json", action="store_true", help="machine-readable JSON")
    case.add_argument("--all", action="store_true", help="include discharged patients")

    sub.add_parser("schema", help="print the JSON Schema of the interchange format")

    sug = sub.add_parser("suggest", help="explained suggestion per patient")
    sug.add_argument("patient_id", nargs="?", metavar="PATIENT_ID")
    _add_common(sug)
    sug.add_argument("--json", action="store_true", help="stable JSON (documented in README)")

    agenda = sub.add_parser("agenda", help="the day's sessions and the counselor's worklist")
    _add_common(agenda)
    agenda.add_argument("--date", type=_date, default=None, metavar="YYYY-MM-DD",
                        help="the day to show (default: --as-of, else today)")
    agenda.add_argument("--json", action="store_true", help="stable JSON (documented in README)")

    groups = sub.add_parser("groups", help="the treatment groups: schedule, facilitators, roster")
    _add_common(groups)
    groups.add_argument("--json", action="store_true", help="stable JSON (documented in README)")

    exp = sub.add_parser("export", help="write a plan snapshot (md, html, json, fhir), or "
                         "with --all every record as one interchange JSON file")
    exp.add_argument("patient_id", nargs="?", metavar="PATIENT_ID")
    exp.add_argument("--all", action="store_true",
                     help="every patient, discharged included, in the interchange format "
                     "(--format json; e.g. to move records between a file and a server)")
    exp.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    exp.add_argument("-o", "--output", type=Path, default=None, metavar="FILE",
                     help="output file or folder (default: a name with patient id, format "
                     "and date in the export_folder of the settings)")
    exp.add_argument("--force", action="store_true", help="overwrite an existing file")
    exp.add_argument("--recipient", default="internal chart copy")
    exp.add_argument("--purpose", default="treatment/payment/operations")
    exp.add_argument("--consent", default="",
                     help="reference to the patient's signed consent, or "
                     "treatment/payment/operations; required for any disclosure but the "
                     "internal chart copy, and a signed consent outside treatment, payment "
                     "and operations")
    exp.add_argument("--redact", action="store_true",
                     help="minimum-necessary copy (HIPAA Safe Harbor): no names, contact "
                     "details, identifiers or precise dates")
    _add_common(exp)

    rest = sub.add_parser("restore", help="recover a damaged record file: keep every save that "
                          "verifies, set the rest aside, say which")
    _add_common(rest)

    conf = sub.add_parser("settings", help="print the effective settings and where each "
                          "comes from (file, TPLAN_* variable, flag)")
    _add_common(conf, db=False)
    _add_ui_settings(conf)
    conf.add_argument("--init", action="store_true",
                      help="create the settings file with every setting, commented (never "
                      "overwrites)")

    server = sub.add_parser("server", help="a clinic's PostgreSQL database: init, migrate, "
                            "import")
    steps = server.add_subparsers(dest="server_command", metavar="STEP", required=True,
                                  parser_class=_Parser)
    init = steps.add_parser("init", help="create tplan's tables in an empty database")
    init.add_argument("url", metavar="URL", help="postgresql://... (no password in it)")
    migrate = steps.add_parser("migrate", help="bring the tables up to this tplan's schema")
    migrate.add_argument("url", metavar="URL")
    copy = steps.add_parser("import", help="copy a record file into the database, all or "
                            "nothing, verified")
    copy.add_argument("file", type=Path, metavar="FILE")
    copy.add_argument("url", metavar="URL")
    copy.add_argument("--clinician", default=None,
                      help="name recorded as the importer (default: $TPLAN_CLINICIAN or the "
                      "OS user)")
    return parser


# --- helpers -------------------------------------------------------------------------------


def _clock(args: argparse.Namespace) -> Clock:
    return AsOfClock(args.as_of) if args.as_of else SystemClock()


def _settings(args: argparse.Namespace) -> Settings:
    """The settings file, TPLAN_* variables and this run's flags, read once per command."""
    if getattr(args, "_settings", None) is None:
        flags = {key: getattr(args, key, None) for key in (
            "clinician", "role", "start_screen", "theme", "note_format", "refuse_warnings",
        )}
        args._settings = load_settings(getattr(args, "config", None), overrides=flags)
    return args._settings


def _clinician(args: argparse.Namespace) -> str:
    return _settings(args).display_clinician


def _policy(args: argparse.Namespace, db: Path | str | None) -> Policy:
    from tplan.clinical import DEFAULT_POLICY, load_policy

    path = args.policy
    if path is None and isinstance(db, Path) and (db.parent / POLICY_FILE_NAME).exists():
        path = db.parent / POLICY_FILE_NAME
    if path is None:
        return DEFAULT_POLICY
    return load_policy(path)


def _db(args: argparse.Namespace) -> Path | str:
    db = args.db or default_db_path()
    return db.expanduser() if isinstance(db, Path) else db


def _file(args: argparse.Namespace, command: str) -> Path:
    db = _db(args)
    if not isinstance(db, Path):
        raise Refused(f"`tplan {command}` works on a record file, not on a server database")
    return db


def _workspace(args: argparse.Namespace, *, read_only: bool = False) -> Workspace:
    """Open the records; read-only commands neither take the lock nor create the file."""
    return _open(args, read_only=read_only).get()


def _open(args: argparse.Namespace, *, read_only: bool = False) -> DeferredWorkspace:
    """Open the store now and the Workspace on it when first used (the policy loads then)."""
    from tplan.services.deferred import DeferredWorkspace
    from tplan.store import open_store

    db = _db(args)
    clinician = _clinician(args)
    repo = open_store(db, clinician=clinician, read_only=read_only, create=not read_only)
    clock = _clock(args)

    def build() -> Workspace:
        from tplan.services.workspace import Workspace

        settings = _settings(args)
        return Workspace(
            repo, clock, _policy(args, db), clinician, role=settings.role,
            requires_cosignature=settings.requires_cosignature,
            export_folder=settings.exports_dir,
        )

    return DeferredWorkspace(repo, clock, build, clinician=clinician)


def _print(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def suggestions_json(suggestions: list[Suggestion]) -> str:
    """The stable JSON of ``tplan suggest --json`` (documented in README)."""
    payload = {
        "format": "tplan.suggestions",
        "version": 1,
        "suggestions": [
            {
                "patient_id": s.patient_id,
                "as_of": s.as_of.isoformat(),
                "kind": s.kind.value,
                "headline": s.headline,
                "target": s.target.model_dump(mode="json") if s.target else None,
                "fired": [hit.model_dump(mode="json") for hit in s.fired],
                "unmet_step_down": [c.model_dump(mode="json") for c in s.unmet_step_down],
                "step_down_criteria": [c.model_dump(mode="json") for c in s.step_down_criteria],
                "taper_criteria": [c.model_dump(mode="json") for c in s.taper_criteria],
                "alerts": [alert.model_dump(mode="json") for alert in s.alerts],
                "signals": s.signals,
                "policy": s.policy_name,
            }
            for s in suggestions
        ],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False)


def suggestions_text(suggestions: list[Suggestion], patients: list[Patient]) -> str:
    """Readable suggestions: every rule that fired (with its kind), the criteria, the alerts."""
    from tplan.domain import SuggestionKind

    names = {p.id: p.display_name for p in patients}
    blocks: list[str] = []
    for s in suggestions:
        lines = [f"{names.get(s.patient_id, s.patient_id)} ({s.patient_id}) as of {s.as_of}",
                 f"  {s.headline}"]
        lines += [f"  + [{hit.kind.value.replace('_', ' ')}] {hit.message}" for hit in s.fired]
        shown = {
            SuggestionKind.STEP_DOWN: s.step_down_criteria,
            SuggestionKind.TAPER: s.taper_criteria,
            SuggestionKind.CONTINUE: s.unmet_step_down,
        }.get(s.kind, [])
        lines += [f"  {'✔' if c.met else '✖'} {c.message}" for c in shown]
        lines += [f"  ! {alert.message}" for alert in s.alerts]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) if blocks else "No active patients."


# --- commands ------------------------------------------------------------------------------


def tui_workspace(args: argparse.Namespace) -> Workspace:
    """The workspace the TUI opens: read-only with ``--read-only`` (no lock, no new file)."""
    return _tui_opening(args).get()


def _tui_opening(args: argparse.Namespace) -> DeferredWorkspace:
    return _open(args, read_only=bool(getattr(args, "read_only", False)))


def tui_app(args: argparse.Namespace) -> TplanApp:
    """The TUI on the records ``args`` name: the store is opened now, the workspace (domain,
    engine, policy) is built after the caseload's first paint."""
    from tplan.ui.app import make_app

    settings = _settings(args)
    opening = _tui_opening(args)
    try:
        return make_app(opening, clock=opening.clock, settings=settings)
    except BaseException:
        opening.store.close()
        raise


def cmd_tui(args: argparse.Namespace, *, ask_name: bool = True) -> int:
    if ask_name and _asks_who_signs(args):
        from tplan.first_run import ask_who_signs

        path = getattr(args, "config", None) or default_settings_path()
        args._settings = ask_who_signs(_settings(args), path) or _settings(args)
    app = tui_app(args)
    try:
        app.run()
    finally:
        if getattr(app.store, "upgrades_on_close", False):
            sys.stderr.write("tplan: packing discharged patients' records into the record file "
                             "(it can take a few seconds)…\n")
        app.store.close()
        gc.freeze()  # the process ends: spare the interpreter's last collection the records
    return app.return_code or 0


def _asks_who_signs(args: argparse.Namespace) -> bool:
    """A person at a terminal who will save (not read-only) and has no name set anywhere."""
    return (
        not getattr(args, "read_only", False)
        and _settings(args).sources.get("clinician") == "default"
        and sys.stdin.isatty()
        and sys.stdout.isatty()
    )


def _write_demo(path: Path, args: argparse.Namespace) -> None:
    from tplan.services.demo import load_demo, load_demo_group_notes, load_demo_sessions
    from tplan.services.workspace import Workspace
    from tplan.store import open_repository

    clock = _clock(args)
    patients = load_demo(clock.today())
    bundle = load_demo_sessions(clock.today())
    repo = open_repository(path, clinician=_clinician(args), create=True)
    try:
        repo.import_patients(patients)
        repo.import_clinic_records(bundle.groups, bundle.sessions, bundle.attendance)
        repo.import_group_notes(load_demo_group_notes(clock.today()).group_notes)
        # With its clinic records in place: the caseload's first paint reads these.
        Workspace(repo, clock, _policy(args, path)).refresh_caseload_summaries()
    finally:
        repo.close()


def cmd_demo(args: argparse.Namespace) -> int:
    if args.out is not None:
        if args.out.exists():
            raise Refused(f"{args.out} already exists; tplan never overwrites it")
        _write_demo(args.out, args)
        _print(f"Demo caseload written to {args.out}")
        return 0
    with tempfile.TemporaryDirectory(prefix="tplan-demo-") as tmp:
        db = Path(tmp) / "demo.json"
        _write_demo(db, args)
        args.db = db
        code = cmd_tui(args, ask_name=False)  # a demo's copy is thrown away: nothing signed
    sys.stderr.write("The demo copy was discarded; `tplan demo --out FILE` keeps one.\n")
    return code


def cmd_import(args: argparse.Namespace) -> int:
    with closing(_workspace(args)) as workspace:
        added = workspace.import_envelope(args.file)
    _print(f"Imported {len(added)} patient(s) into {workspace.location}")
    return 0


def cmd_caseload(args: argparse.Namespace) -> int:
    from tplan.services.caseload import caseload_json, caseload_table
    from tplan.store import backup_path

    db = _db(args)
    if isinstance(db, Path) and not any(
        os.path.lexists(p) for p in (db, backup_path(db), journal_path(db))
    ):
        _print(caseload_json([]) if args.json else "No patients yet: admit one in the TUI "
               "(key a) or add them with `tplan import FILE`.")
        return 0
    with closing(_workspace(args, read_only=True)) as workspace:
        rows = workspace.caseload(include_discharged=args.all)
        damaged = workspace.damaged_records()
    _print(caseload_json(rows) if args.json else caseload_table(rows))
    if damaged:
        (sys.stderr if args.json else sys.stdout).write(damaged_text(damaged) + "\n")
    return 0


def damaged_text(damaged: dict[str, str]) -> str:
    """The caseload's warning about records that do not load (ids and what is wrong only)."""
    lines = [f"! {len(damaged)} damaged record(s), kept in the file as they were and left out "
             "above; restore them from a copy made before the damage:"]
    lines += [f"!   {pid}: {problem}" for pid, problem in sorted(damaged.items())]
    return "\n".join(lines)


def cmd_schema(_args: argparse.Namespace) -> int:
    from tplan.domain import Envelope

    _print(json.dumps(Envelope.model_json_schema(), indent=2))
    return 0


def cmd_suggest(args: argparse.Namespace) -> int:
    with closing(_workspace(args, read_only=True)) as workspace:
        patients = (
            [workspace.patient(args.patient_id)] if args.patient_id else workspace.patients()
        )
        suggestions = [workspace.suggest(p.id) for p in patients]
    _print(suggestions_json(suggestions) if args.json else suggestions_text(suggestions, patients))
    return 0


def cmd_agenda(args: argparse.Namespace) -> int:
    from tplan.services.agenda import agenda_json, agenda_text

    with closing(_workspace(args, read_only=True)) as workspace:
        agenda = workspace.agenda(args.date)
    _print(agenda_json(agenda) if args.json else agenda_text(agenda))
    return 0


def cmd_groups(args: argparse.Namespace) -> int:
    from tplan.services.agenda import groups_json, groups_text

    with closing(_workspace(args, read_only=True)) as workspace:
        groups = workspace.groups()
        today = workspace.clock.today()
    _print(groups_json(groups, today) if args.json else groups_text(groups, today))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from tplan.domain import ExportFormat

    if args.all:
        return _export_all(args)
    if args.patient_id is None:
        raise Refused("name the patient to export (PATIENT_ID), or export everyone with --all")
    with closing(_workspace(args)) as workspace:
        path = workspace.export(
            args.patient_id, ExportFormat(args.format), args.output,
            as_of=args.as_of, recipient=args.recipient, purpose=args.purpose,
            consent=args.consent, redact=args.redact, force=args.force,
        )
    _print(f"Wrote {path}")
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.init:
        path = getattr(args, "config", None) or default_settings_path()
        if path.exists() or path.is_symlink():
            raise Refused(f"{path} already exists; tplan never overwrites it")
        write_template(path)
        _print(f"Wrote {path}: uncomment a line to change a setting")
        return 0
    _print(describe(settings))
    return 0


def _export_all(args: argparse.Namespace) -> int:
    from tplan.domain import ExportFormat

    if args.patient_id is not None:
        raise Refused("--all exports every patient: leave out PATIENT_ID")
    if args.format != ExportFormat.JSON.value or args.redact:
        raise Refused("--all writes the interchange JSON: use --format json, without --redact")
    with closing(_workspace(args)) as workspace:
        path, count = workspace.export_all(args.output, force=args.force)
    _print(f"Wrote {count} patient(s) to {path}")
    return 0


def cmd_server(args: argparse.Namespace) -> int:
    from tplan.store.postgres import admin as server

    if args.server_command == "import":
        report = server.import_file(args.file, args.url, _clinician(args))
        _print(
            f"Imported {report.patients} patient(s), {report.audit} audit entries, "
            f"{report.disclosures} disclosure(s), {report.groups} group(s), {report.sessions} "
            f"session(s) and {report.attendance} attendance record(s) into {report.location}; "
            "every document verified by checksum"
        )
        return 0
    done = server.init(args.url) if args.server_command == "init" else server.migrate(args.url)
    _print(done)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from tplan.store import restore

    report = restore(_file(args, "restore"), _clinician(args))
    _print("\n".join(report.lines()))
    return 0


COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: cmd_tui,
    "demo": cmd_demo,
    "import": cmd_import,
    "caseload": cmd_caseload,
    "schema": cmd_schema,
    "suggest": cmd_suggest,
    "agenda": cmd_agenda,
    "groups": cmd_groups,
    "export": cmd_export,
    "restore": cmd_restore,
    "settings": cmd_settings,
    "server": cmd_server,
}


def _validation_messages(exc: BaseException) -> list[str] | None:
    """pydantic's ValidationError as sentences; None for anything else (or no pydantic yet)."""
    pydantic = sys.modules.get("pydantic")
    if pydantic is None or not isinstance(exc, pydantic.ValidationError):
        return None
    from tplan.domain import friendly_errors

    return friendly_errors(exc)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        messages = _validation_messages(exc)
        if messages is not None:
            for message in messages:
                sys.stderr.write(f"tplan: {message}\n")
            return EXIT_REFUSED
        if isinstance(exc, Refused | SettingsError) or opening_refused(exc):
            sys.stderr.write(f"tplan: {exc}\n")
            return EXIT_REFUSED
        raise


if __name__ == "__main__":
    raise SystemExit(main())
