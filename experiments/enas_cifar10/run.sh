#!/usr/bin/env bash
# Runs, or after a kill resumes, the CIFAR-10 (JPEG q75) ENAS search of
# search.textproto (issue #11) into experiments/runs/enas_cifar10; its log is
# search.log there. Unpacks the JPEG q75 archive first if needed.
# On a clean checkout it first restores the run folder saved in
# run_state.tar.gz (save_state.sh), so the search goes on from its last epoch.
# Usage: run.sh [PINAS]   (default build/nas/pinas)
here=$(cd "$(dirname "$0")" && pwd)
"$here/../scripts/run_state.sh" restore experiments/runs/enas_cifar10 experiments/enas_cifar10/run_state.tar.gz
exec "$here/../scripts/resumable_search.sh" "$here/search.textproto" experiments/runs/enas_cifar10 "$@"
