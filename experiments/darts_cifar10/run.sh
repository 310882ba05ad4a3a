#!/usr/bin/env bash
# Runs, or after a kill resumes, the CIFAR-10 (JPEG q75) DARTS search of
# search.textproto (issue #11) into experiments/runs/darts_cifar10; its log is
# search.log there. Unpacks the JPEG q75 archive first if needed. On a clean
# checkout it first restores the run folder that an earlier session saved in
# run_state.tar.gz (save_state.sh), so the search goes on from its last
# completed epoch.
# Usage: run.sh [PINAS]   (default build/nas/pinas)
here=$(cd "$(dirname "$0")" && pwd)
"$here/../scripts/run_state.sh" restore experiments/runs/darts_cifar10 experiments/darts_cifar10/run_state.tar.gz
exec "$here/../scripts/resumable_search.sh" "$here/search.textproto" experiments/runs/darts_cifar10 "$@"
