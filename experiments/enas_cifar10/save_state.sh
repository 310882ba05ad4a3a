#!/usr/bin/env bash
# Saves the ENAS run folder into run_state.tar.gz
# beside this script, to be committed, so a clean checkout resumes it
# (run.sh restores it). Kill or stop the runs first.
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../scripts/run_state.sh" save experiments/runs/enas_cifar10 experiments/enas_cifar10/run_state.tar.gz
