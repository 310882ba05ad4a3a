#!/usr/bin/env python3
"""Kill `pinas search` with SIGKILL at random moments, resume it, and check
that no completed trial is lost, numbering stays continuous, and the final
Pareto front equals an uninterrupted run with the same seed (on the
deterministic synthetic objective).

usage: resume_after_kill.py PINAS WORK_DIR [KILLS] [SEED]
"""
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

CONFIG = """
name: "resume-test"
space: "synthetic"
synthetic_space { decisions: 10 choices: 4 }
objective { pareto { min_relus: 0 max_relus: 32000 } source: SYNTHETIC synthetic_epoch_seconds: 0.02 }
strategy { kind: EVOLUTION population_size: 12 sample_size: 4 }
fidelity { min_epochs: 1 max_epochs: 4 reduction_factor: 2 }
max_trials: 120
parallelism: 3
seed: 17
"""


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def read_trials(folder):
    database = sqlite3.connect("file:%s?mode=ro" % os.path.join(folder, "trials.db"), uri=True)
    rows = database.execute(
        "SELECT number, genotype, status, val_accuracy, epochs FROM trials ORDER BY number").fetchall()
    database.close()
    return rows


def completed(rows):
    return {row[0]: row for row in rows if row[2] in ("complete", "stopped", "failed", "over_budget", "invalid")}


def check_numbering(rows, where):
    numbers = [row[0] for row in rows]
    if numbers != list(range(len(numbers))):
        fail("trial numbers are not continuous %s: %s" % (where, numbers))


def front(pinas, folder):
    out = subprocess.run([pinas, "pareto", folder, "--json"], check=True, capture_output=True, text=True).stdout
    return [(t["trial"], t["genotype"], t["relus"], t["val_accuracy"], t["test_accuracy"]) for t in json.loads(out)]


def main():
    pinas, work = sys.argv[1], sys.argv[2]
    kills = int(sys.argv[3]) if len(sys.argv) > 3 else 6
    generator = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    config = os.path.join(work, "resume.textproto")
    with open(config, "w") as f:
        f.write(CONFIG)

    reference = os.path.join(work, "reference")
    started = time.time()
    subprocess.run([pinas, "search", "--config", config, "--out", reference], check=True, stdout=subprocess.DEVNULL)
    duration = time.time() - started
    expected = front(pinas, reference)
    print("uninterrupted run: %.2f s, front of %d trials" % (duration, len(expected)))

    run = os.path.join(work, "killed")
    command = [pinas, "search", "--config", config, "--out", run]
    interrupted = 0
    seen_completed = {}
    for attempt in range(kills):
        # Kill once the store has grown by a random number of trials (plus a
        # random few milliseconds), so every kill lands mid-search, at any step.
        before = len(read_trials(run)) if os.path.exists(os.path.join(run, "trials.db")) else 0
        target = before + generator.randint(1, 20)
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started = time.time()
        while process.poll() is None:
            try:
                if len(read_trials(run)) >= target:
                    break
            except sqlite3.Error:
                pass  # not created yet
            time.sleep(0.002)
        time.sleep(generator.uniform(0, 0.03))
        delay = time.time() - started
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()
            interrupted += 1
        elif process.returncode != 0:
            fail("search exited with %d: %s" % (process.returncode, process.stderr.read().decode()))
        process.stderr.close()
        if not os.path.exists(os.path.join(run, "trials.db")):
            print("kill %d after %.2f s: before the store existed; starting again" % (attempt, delay))
            continue  # killed before the store was created: start the same search again
        rows = read_trials(run)
        check_numbering(rows, "after kill %d" % attempt)
        now_completed = completed(rows)
        for number, row in seen_completed.items():
            if now_completed.get(number) != row:
                fail("completed trial %d changed or vanished after kill %d: %s -> %s"
                     % (number, attempt, row, now_completed.get(number)))
        seen_completed = now_completed
        print("kill %d after %.2f s: %d trials in the store, %d finished" % (attempt, delay, len(rows), len(now_completed)))
        command = [pinas, "search", "--resume", run]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    rows = read_trials(run)
    check_numbering(rows, "at the end")
    for number, row in seen_completed.items():
        if completed(rows).get(number) != row:
            fail("completed trial %d changed at the end" % number)
    if interrupted < 5:
        fail("only %d of %d runs were interrupted (the run is too fast to kill)" % (interrupted, kills))
    got = front(pinas, run)
    if got != expected:
        fail("front after %d kills differs from the uninterrupted run:\n%s\n%s" % (interrupted, got, expected))
    if rows != read_trials(reference):
        fail("the trials differ from the uninterrupted run")
    print("OK: %d kills, %d trials, same front (%d trials) as the uninterrupted run" % (interrupted, len(rows), len(got)))


if __name__ == "__main__":
    main()
