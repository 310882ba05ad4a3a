#!/usr/bin/env bash
# Runs (or, when killed, resumes) the quickstart-size ENAS search and prints
# its log: one line per supernet epoch, the scored final samples, then the
# retrained derived network.
# Usage: run.sh [PINAS]   (default build/nas/pinas)
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../scripts/resumable_search.sh" "$here/search.textproto" experiments/runs/enas_fashion_mnist "$@"
