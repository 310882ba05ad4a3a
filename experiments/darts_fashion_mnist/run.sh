#!/usr/bin/env bash
# Runs (or, when killed, resumes) the quickstart-size DARTS search and prints
# its log: one line per supernet epoch, then the retrained derived network.
# Usage: run.sh [PINAS]   (default build/nas/pinas)
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../scripts/resumable_search.sh" "$here/search.textproto" experiments/runs/darts_fashion_mnist "$@"
