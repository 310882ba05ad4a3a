#!/usr/bin/env bash
# Runs, or after a kill resumes, the CIFAR-10 (JPEG q75) DARTS search of
# search.textproto (issue #11) into experiments/runs/darts_cifar10; its log is
# search.log there. Unpacks the JPEG q75 archive first if needed.
# Usage: run.sh [PINAS]   (default build/nas/pinas)
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../scripts/resumable_search.sh" "$here/search.textproto" experiments/runs/darts_cifar10 "$@"
