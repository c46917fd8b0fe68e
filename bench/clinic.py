"""A clinic on one PostgreSQL: concurrent writers, and start-up to the caseload.

Starts a throwaway PostgreSQL server (the test suite's helper, with fsync and synchronous
commit ON so save latency is real), imports the clinic-size caseload with `tplan server
import`, computes and stores every active patient's caseload summary (as a session of tplan
leaves them), then:

* **writers**: N processes (10) save progress notes for 60 s through the real Workspace, as the
  note form does: read the patient and its version, "type" for a few milliseconds, save inside
  ``Workspace.expecting``. Most saves go to the writer's own patients; one in five goes to a
  small set of patients every writer shares, so some saves conflict. A conflict is reported and
  not retried. Every acknowledged save (the call returned) is listed by note id; afterwards all
  of them must be in the database: ``lost`` must be 0.
* **start-up**: spawn -> first paint of the caseload rows on a 120x40 pty through
  `tplan.cli.main --db postgresql://...`, alternating with a bare Textual app (bench/startup.py),
  as a ratio of medians; peak memory at first paint for the clinic database and for the same
  database without its discharged patients (memory must not grow with discharged history).

    python bench/clinic.py [--writers 10] [--seconds 60] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent / "tests")]

REFRESH_SUMMARIES = """
import sys
from datetime import date
from tplan.services import FixedClock, Workspace
from tplan.store import open_store
day = date.fromisoformat(sys.argv[2])
workspace = Workspace(open_store(sys.argv[1], "bench"), FixedClock(day), clinician="bench")
try:
    print(f"{len(workspace.refresh_caseload_summaries(day))} computed and stored")
finally:
    workspace.close()
"""
HOT_PATIENTS = 5
HOT_SHARE = 0.2
THINK_S = (0.0, 0.02)


def _writer(url: str, index: int, seconds: float, out: str, start_at: float) -> None:
    from generate import ANCHOR

    from tplan.domain import Attendance, ProgressNote, SessionType
    from tplan.services import ConflictError, FixedClock, Workspace
    from tplan.store import open_store

    name = f"writer {index}"
    ws = Workspace(open_store(url, name), FixedClock(ANCHOR), clinician=name)
    active = sorted(ws.repo.active_ids())
    hot, rest = active[:HOT_PATIENTS], active[HOT_PATIENTS:]
    own = rest[index::max(1, int(os.environ.get("BENCH_WRITERS", "10")))] or rest
    rng = random.Random(index)
    latencies: list[float] = []
    acked: list[tuple[str, str]] = []
    conflicts = 0
    time.sleep(max(0.0, start_at - time.time()))
    deadline = time.time() + seconds
    while time.time() < deadline:
        pid = rng.choice(hot) if rng.random() < HOT_SHARE else rng.choice(own)
        _, version = ws.patient_with_version(pid)
        time.sleep(rng.uniform(*THINK_S))
        now = ws.clock.now()
        note = ProgressNote(
            date_of_service=now.date(), written_at=now, session_type=SessionType.GROUP,
            attendance=Attendance.ATTENDED, author=name,
            sections={"data": f"bench save by {name}", "assessment": "steady", "plan": "go on"},
        )
        started = time.perf_counter()
        try:
            with ws.expecting(pid, version):
                ws.save_draft(pid, note)
        except ConflictError:
            conflicts += 1
            continue
        latencies.append(time.perf_counter() - started)
        acked.append((pid, note.id))
    ws.close()
    Path(out).write_text(
        json.dumps({"latencies": latencies, "acked": acked, "conflicts": conflicts})
    )


def run_writers(url: str, writers: int, seconds: float, tmp: Path) -> dict[str, float]:
    os.environ["BENCH_WRITERS"] = str(writers)
    start_at = time.time() + 15  # every writer has opened the database and read the caseload
    outs = [tmp / f"writer-{i}.json" for i in range(writers)]
    ctx = multiprocessing.get_context("spawn")
    procs = [
        ctx.Process(target=_writer, args=(url, i, seconds, str(outs[i]), start_at))
        for i in range(writers)
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
    results = [json.loads(out.read_text()) for out in outs]
    latencies = sorted(x for r in results for x in r["latencies"])
    acked = [tuple(a) for r in results for a in r["acked"]]
    conflicts = sum(r["conflicts"] for r in results)

    from tplan.store import open_store

    with open_store(url, "check", read_only=True) as check:
        stored = {(p.id, n.id) for p in check.active_patients() for n in p.notes}
    lost = sum(1 for pair in acked if pair not in stored)
    return {
        "saves": len(latencies),
        "saves_per_s": len(latencies) / seconds,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
        "conflicts": conflicts,
        "lost": lost,
    }


def tplan_start(url: str, settings: Path) -> tuple[float, int]:
    """Spawn -> the first caseload row painted by ``tplan --db URL``, and its peak memory then."""
    from generate import ANCHOR
    from pty_probe import Terminal
    from startup import ROW

    terminal = Terminal(
        [sys.executable, "-m", "tplan.cli", "--db", url, "--as-of", ANCHOR.isoformat(),
         "--clinician", "bench", "--start-screen", "caseload"],
        env={"TPLAN_CONFIG": str(settings)},
    )
    try:
        return terminal.expect(ROW), terminal.peak
    finally:
        terminal.close()


def startup(url: str, active_only_url: str, runs: int, tmp: Path) -> dict[str, float]:
    """Medians of ``runs`` starts, each against a bare Textual app started just before it."""
    from startup import bare

    settings = tmp / "settings.toml"  # none of the user's settings: the defaults
    bare_s: list[float] = []
    tplan_s: list[float] = []
    peak: list[int] = []
    peak_active: list[int] = []
    for _ in range(runs):
        bare_s.append(bare()[0])
        painted, kb = tplan_start(url, settings)
        tplan_s.append(painted)
        peak.append(kb)
        peak_active.append(tplan_start(active_only_url, settings)[1])
    return {
        "bare_s": statistics.median(bare_s),
        "tplan_s": statistics.median(tplan_s),
        "ratio": statistics.median(t / b for t, b in zip(tplan_s, bare_s, strict=True)),
        "peak_mb": max(peak) / 1024,
        "peak_active_only_mb": max(peak_active) / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", default="clinic")
    args = parser.parse_args()

    import psycopg
    from common import caseload_file
    from generate import ANCHOR
    from postgres_server import TestServer

    source = caseload_file(args.size)
    server = TestServer(durable=True)
    try:
        server.start()
        url = server.empty_database()
        began = time.perf_counter()
        # in a child process, so this process stays small: a probe's peak memory (ru_maxrss)
        # would otherwise start from this process's
        for step in (["server", "init", url], ["server", "import", str(source), url]):
            done = subprocess.run(
                [sys.executable, "-m", "tplan.cli", *step, "--clinician", "bench"]
                if step[1] == "import" else [sys.executable, "-m", "tplan.cli", *step],
                capture_output=True, text=True, check=False,
            )
            if done.returncode != 0:
                raise SystemExit(f"tplan {' '.join(step[:2])} failed: {done.stderr.strip()}")
        print(f"{args.size}: {done.stdout.strip()} ({time.perf_counter() - began:.1f} s)")
        # what a session of this tplan leaves in the database: every active patient's caseload
        # summary (the file had none), so starts paint from them as on every day but the first
        began = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", REFRESH_SUMMARIES, url, ANCHOR.isoformat()],
            capture_output=True, text=True, check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"the summaries were not computed: {done.stderr.strip()}")
        print(f"caseload summaries: {done.stdout.strip()} ({time.perf_counter() - began:.1f} s)")
        active_only = server.new_database()
        with psycopg.connect(active_only, autocommit=True) as conn:
            schema = active_only.rsplit("%3D", 1)[1]
            source_schema = url.rsplit("%3D", 1)[1]
            conn.execute(
                f"INSERT INTO {schema}.patients SELECT * FROM {source_schema}.patients"
                " WHERE active"
            )
        with tempfile.TemporaryDirectory(prefix="tplan-bench-") as tmp:
            result = run_writers(url, args.writers, args.seconds, Path(tmp))
            print(f"writers: {args.writers} processes x {args.seconds:.0f} s")
            for key, value in result.items():
                print(f"  {key}: {value:.1f}" if isinstance(value, float) else f"  {key}: {value}")
            result = startup(url, active_only, args.runs, Path(tmp))
            print(f"start-up to the caseload on PostgreSQL ({args.size}, {args.runs} runs):")
            for key, value in result.items():
                print(f"  {key}: {value:.3f}")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
