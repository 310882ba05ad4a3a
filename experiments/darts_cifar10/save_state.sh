#!/usr/bin/env bash
# Saves the DARTS run folder (search and baselines) into run_state.tar.gz
# beside this script, to be committed, so a clean checkout resumes it
# (run.sh and baselines.sh restore it). Kill or stop the runs first.
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../scripts/run_state.sh" save experiments/runs/darts_cifar10 experiments/darts_cifar10/run_state.tar.gz
