#!/usr/bin/env bash
# Rebuild the example snapshots of a demo patient (tests/export/test_examples.py keeps them
# current). Each format comes from a fresh demo file, so no example lists the others' disclosures.
set -euo pipefail
cd "$(dirname "$0")"
# --as-of picks the clinical view only; the "generated" time is pinned here, reproducibly.
export SOURCE_DATE_EPOCH=1773316800  # 2026-03-12 12:00 UTC
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for fmt in md html fhir; do
  ext=$fmt; [ "$fmt" = fhir ] && ext=fhir.json
  tplan demo --out "$tmp/$fmt.json" --as-of 2026-03-12
  tplan export demo-avery-quill --format "$fmt" -o "avery-quill-plan.$ext" --force \
    --db "$tmp/$fmt.json" --as-of 2026-03-12 --clinician "J. Park"
done
