"""Making a record file hold a damaged discharged record, as a tplan before the snapshot
checksum could have left it (shared by the damaged-record and restore tests)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
from stress_factories import SECRET, seed

from tplan.domain import Discharge, DischargeReason
from tplan.store import history, open_repository


def damaged_discharged(db_path: Path) -> str:
    """Seed three patients, discharge the last, damage its document as an older tplan (no
    checksum) could have stored it; return its id."""
    stored = seed(db_path, writes=1)
    gone = stored[2].model_copy(update={"discharge": Discharge(
        on=date(2026, 2, 1), reason=DischargeReason.COMPLETED, aftercare="weekly group")})
    with open_repository(db_path, "J. Park") as repo:
        repo.put(gone, "discharge")
    raw = orjson.loads(db_path.read_bytes())
    for key in ("store_format", "snapshot_crc32", "previous_journal_epoch"):
        raw["_meta"]["1"].pop(key, None)
    doc_id = next(k for k, d in raw["patients"].items() if d["id"] == gone.id)
    document = history.unpack(raw["patients"][doc_id])  # an older tplan stored it plain
    document["notes"][0]["craving"] = SECRET
    raw["patients"][doc_id] = document
    db_path.write_bytes(orjson.dumps(raw))
    return gone.id
