#!/usr/bin/env bash
# Runs, or after a kill resumes, the CIFAR-10 (JPEG q75) DARTS search of
# search.textproto (issue #11) and appends its log to search.log beside the
# store. Unpacks ../shared/data/cifar10-jpeg-q75.tar.gz first if needed.
# Usage: run.sh [PINAS]   (default build/nas/pinas)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
pinas=${1:-$root/build/nas/pinas}
out=$root/experiments/runs/darts_cifar10
cd "$root"
[[ -d experiments/runs/data/cifar10-jpeg-q75 ]] || scripts/fetch-cifar10-jpeg experiments/runs/data
start=$(date +%s)
mkdir -p "$out"
if [[ -f "$out/trials.db" ]]; then
  "$pinas" search --resume "$out" | tee -a "$out/search.log"
else
  "$pinas" search --config "$here/search.textproto" --out "$out" | tee "$out/search.log"
fi
echo "wall: $(( $(date +%s) - start )) s" | tee -a "$out/search.log"
"$pinas" status "$out"
