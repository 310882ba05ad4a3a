#!/usr/bin/env bash
# Runs `pinas search` on CONFIG into OUT, or after a kill resumes it there
# (`pinas search --resume`), appending its log to OUT/search.log, then prints
# `pinas status`. Unpacks ../shared/data/cifar10-jpeg-q75.tar.gz into
# experiments/runs/data first when CONFIG reads that folder.
# Usage: resumable_search.sh CONFIG OUT [PINAS]   (OUT relative to the repository root;
#        PINAS defaults to build/nas/pinas)
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 CONFIG OUT [PINAS]" >&2; exit 2; }
config=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=$root/$2
pinas=${3:-$root/build/nas/pinas}
if grep -q 'folder:experiments/runs/data/cifar10-jpeg-q75' "$config" &&
  [[ ! -d experiments/runs/data/cifar10-jpeg-q75 ]]; then
  scripts/fetch-cifar10-jpeg experiments/runs/data
fi
start=$(date +%s)
mkdir -p "$out"
if [[ -f "$out/trials.db" ]]; then
  "$pinas" search --resume "$out" | tee -a "$out/search.log"
else
  "$pinas" search --config "$config" --out "$out" | tee "$out/search.log"
fi
echo "wall: $(( $(date +%s) - start )) s" | tee -a "$out/search.log"
"$pinas" status "$out"
