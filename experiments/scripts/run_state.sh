#!/usr/bin/env bash
# Carries a long experiment's run folder (trial store, supernet and training
# checkpoints, logs; never the dataset) across machines that start from a
# clean checkout: `save` packs RUN (a folder under experiments/runs/) into
# ARCHIVE, a tracked file beside the experiment's scripts; `restore` unpacks
# ARCHIVE into RUN when RUN does not exist yet, so run.sh / baselines.sh go
# on with `--resume` from the last completed epoch instead of starting over.
# Save only while nothing writes RUN (stop or kill the run first: every run
# resumes after kill -9). Paths are relative to the repository root.
# Usage: run_state.sh save RUN ARCHIVE | run_state.sh restore RUN ARCHIVE
set -euo pipefail
[[ $# -eq 3 && ($1 == save || $1 == restore) ]] ||
  { echo "usage: $0 save|restore RUN ARCHIVE" >&2; exit 2; }
mode=$1 run=$2 archive=$3
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
case $mode in
  save)
    [[ -d $run ]] || { echo "$0: no run folder $run" >&2; exit 2; }
    mkdir -p "$(dirname "$archive")"
    # Deterministic order and owner, so an unchanged run packs to the same bytes.
    tar --sort=name --owner=0 --group=0 --numeric-owner -C "$(dirname "$run")" \
      -czf "$archive.tmp" "$(basename "$run")"
    mv "$archive.tmp" "$archive"
    echo "saved $run into $archive ($(du -h "$archive" | cut -f1))"
    ;;
  restore)
    if [[ -e $run ]]; then exit 0; fi
    [[ -f $archive ]] || exit 0
    mkdir -p "$(dirname "$run")"
    tar -C "$(dirname "$run")" -xzf "$archive"
    echo "restored $run from $archive" >&2
    ;;
esac
