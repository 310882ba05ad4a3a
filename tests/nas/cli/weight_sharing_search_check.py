#!/usr/bin/env python3
"""End-to-end checks of `pinas search` with a weight-sharing strategy:
`strategy { kind: DARTS }` (sphynx cells) or `strategy { kind: ENAS }`
(cryptonas macro space), told apart by the config.

usage: weight_sharing_search_check.py PINAS CONFIG WORK_DIR search
         one uninterrupted search: one progress line per supernet epoch, the
         validation accuracy rises (ENAS: and the controller's mean reward
         rises or its entropy falls), the derived network is a complete trial
         of the space within the ReLU budget, status/top report it.
       weight_sharing_search_check.py PINAS CONFIG WORK_DIR resume [KILLS] [SEED]
         the same search killed with SIGKILL at random moments (after 1 or 2
         new supernet epochs plus 0-4 s, or during the retraining) and resumed each time ends with the
         same derived network and the same trial as an uninterrupted run.
"""
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

# Per strategy: the progress line (epoch, epochs, val acc, ReLUs), the store's
# meta key of the supernet result, the space's genotype prefix.
KINDS = {
    "DARTS": (re.compile(r"^darts epoch +(\d+)/(\d+) .* val acc (\d\.\d+) .* ReLUs (\d+) +(sphynx:)?N\d+-C\d+-R"),
              "darts_cells", "sphynx:"),
    "ENAS": (re.compile(r"^enas epoch +(\d+)/(\d+) .* val acc (\d\.\d+) +reward (-?\d\.\d+) +entropy (\d+\.\d+) .* ReLUs (\d+) +(cryptonas:)?L\d+-C\d+:"),
             "enas_architecture", "cryptonas:"),
}
EPOCH_LINE, META_KEY, GENOTYPE_PREFIX = KINDS["DARTS"]
LOCATION_LINE = re.compile(r"^locations epoch +(\d+)/(\d+) ")


def use_kind_of(config):
    global EPOCH_LINE, META_KEY, GENOTYPE_PREFIX
    with open(config) as f:
        kind = re.search(r"kind: *([A-Z_]+)", f.read()).group(1)
    EPOCH_LINE, META_KEY, GENOTYPE_PREFIX = KINDS[kind]
    return kind


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def store_rows(folder):
    database = sqlite3.connect("file:%s?mode=ro" % os.path.join(folder, "trials.db"), uri=True)
    trials = database.execute(
        "SELECT number, genotype, status, relus, val_accuracy, test_accuracy, epochs FROM trials ORDER BY number").fetchall()
    cells = database.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchall()
    database.close()
    return trials, cells


def budget_of(config):
    with open(config) as f:
        return int(re.search(r"max_relus: *(\d+)", f.read()).group(1))


def check_search(pinas, config, work):
    folder = os.path.join(work, "search")
    shutil.rmtree(folder, ignore_errors=True)
    started = time.time()
    run = subprocess.run([pinas, "search", "--config", config, "--out", folder], capture_output=True, text=True)
    if run.returncode != 0:
        fail("search exited with %d: %s" % (run.returncode, run.stderr))
    epochs = [EPOCH_LINE.match(line) for line in run.stdout.splitlines()]
    epochs = [m for m in epochs if m]
    if not epochs:
        fail("no supernet progress lines in:\n" + run.stdout)
    total = int(epochs[0].group(2))
    if [int(m.group(1)) for m in epochs] != list(range(1, total + 1)):
        fail("expected one progress line per supernet epoch 1..%d:\n%s" % (total, run.stdout))
    accuracies = [float(m.group(3)) for m in epochs]
    if not max(accuracies[1:]) > accuracies[0]:
        fail("the supernet's validation accuracy did not rise: %s" % accuracies)
    enas = EPOCH_LINE is KINDS["ENAS"][0]
    relus_group = 6 if enas else 4
    extra = ""
    if enas:
        rewards = [float(m.group(4)) for m in epochs]
        entropies = [float(m.group(5)) for m in epochs]
        if not (max(rewards[1:]) > rewards[0] or min(entropies[1:]) < entropies[0]):
            fail("the controller's mean reward did not rise nor its entropy fall: rewards %s, entropies %s" %
                 (rewards, entropies))
        extra = ", reward %s, entropy %s" % (" ".join("%.3f" % r for r in rewards),
                                             " ".join("%.2f" % e for e in entropies))
    budget = budget_of(config)
    if any(int(m.group(relus_group)) > budget for m in epochs):
        fail("a budget-fitted network is over the budget of %d ReLUs" % budget)
    trials, cells = store_rows(folder)
    if len(trials) != 1 or trials[0][2] != "complete" or not trials[0][1].startswith(GENOTYPE_PREFIX):
        fail("expected one complete %s trial, got %s" % (GENOTYPE_PREFIX, trials))
    if trials[0][3] > budget or trials[0][3] <= budget // 2:
        fail("the derived network has %d ReLUs for a budget of %d" % (trials[0][3], budget))
    if len(cells) != 1:
        fail("the store does not record the supernet's result (%s)" % META_KEY)
    with open(config) as f:
        locations = re.search(r"locations *\{[^}]*enabled: *true", f.read()) is not None
    if locations:
        # DARTS with the reduction-location stage: one line per epoch, the
        # chosen pair recorded and used as the derived network's reductions.
        stage = [re.match(r"^locations epoch +(\d+)/(\d+) .* reductions (\d+),(\d+) \(p (\d\.\d+)\)", line)
                 for line in run.stdout.splitlines()]
        stage = [m for m in stage if m]
        if not stage or [int(m.group(1)) for m in stage] != list(range(1, int(stage[0].group(2)) + 1)):
            fail("expected one location-search line per epoch:\n" + run.stdout)
        chosen = re.search(r"^locations: L=\d+ reductions at (\d+),(\d+)$", run.stdout, re.M)
        if not chosen:
            fail("no chosen reduction pair in:\n" + run.stdout)
        if ("-R%s.%s:" % chosen.groups()) not in trials[0][1]:
            fail("the derived network %s does not have the chosen reductions %s" % (trials[0][1], chosen.groups()))
        extra += ", locations %s,%s after %d epochs (p %s)" % (chosen.group(1), chosen.group(2), len(stage),
                                                              stage[-1].group(5))
    status = subprocess.run([pinas, "status", folder], capture_output=True, text=True, check=True).stdout
    if "trained 1 of 1 trials" not in status:
        fail("pinas status does not report the derived trial:\n" + status)
    top = subprocess.run([pinas, "top", folder, "--k", "1"], capture_output=True, text=True, check=True).stdout
    if trials[0][1] not in top:
        fail("pinas top does not show the derived trial:\n" + top)
    print("OK: %d supernet epochs in %.1f s, val acc %s%s, derived %s with %d ReLUs, retrained val %.4f" %
          (total, time.time() - started, " ".join("%.3f" % a for a in accuracies), extra, trials[0][1], trials[0][3],
           trials[0][4]))


def check_resume(pinas, config, work, kills, seed):
    generator = random.Random(seed)
    reference = os.path.join(work, "reference")
    shutil.rmtree(reference, ignore_errors=True)
    started = time.time()
    subprocess.run([pinas, "search", "--config", config, "--out", reference], check=True, stdout=subprocess.DEVNULL)
    duration = time.time() - started
    expected = store_rows(reference)
    print("uninterrupted run: %.1f s" % duration)

    folder = os.path.join(work, "killed")
    shutil.rmtree(folder, ignore_errors=True)
    command = [pinas, "search", "--config", config, "--out", folder]
    interrupted = 0
    for attempt in range(kills):
        # Kill at a random moment after 1 or 2 freshly trained supernet epochs
        # (or, once the supernet is done, during the retraining), so every run
        # makes progress and is still interrupted however loaded the machine is.
        fresh_epochs = generator.randint(1, 2)
        delay = generator.uniform(0, 4.0)
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        seen = 0
        stage = "supernet phase"
        for line in process.stdout:
            # The reduction-location stage's epochs count too, so kills land in it.
            if (EPOCH_LINE.match(line) or LOCATION_LINE.match(line)) and "(resumed)" not in line:
                seen += 1
            if LOCATION_LINE.match(line) or line.startswith("locations:"):
                stage = "location stage"
            if seen >= fresh_epochs or re.match(r"^(darts|enas): derived network", line):
                break
        time.sleep(delay)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            interrupted += 1
        process.stdout.close()
        process.wait()
        stderr = process.stderr.read()
        process.stderr.close()
        if process.returncode not in (0, -signal.SIGKILL):
            fail("search exited with %d: %s" % (process.returncode, stderr))
        if os.path.exists(os.path.join(folder, "trials.db")):
            command = [pinas, "search", "--resume", folder]
        trials = store_rows(folder)[0] if os.path.exists(os.path.join(folder, "trials.db")) else []
        print("kill %d after %d fresh epochs + %.1f s: %s" % (
            attempt, seen, delay, ("trial %s" % trials[0][2]) if trials else stage))
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    if interrupted < max(1, kills - 1):
        fail("only %d of %d runs were interrupted" % (interrupted, kills))
    got = store_rows(folder)
    if got != expected:
        fail("after %d kills the store differs from the uninterrupted run:\n%s\n%s" % (interrupted, got, expected))
    print("OK: %d kills, same derived network and trial as the uninterrupted run: %s" % (interrupted, got[0][0][1]))


def main():
    pinas, config, work, mode = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    use_kind_of(config)
    if mode == "search":
        check_search(pinas, config, work)
    else:
        kills = int(sys.argv[5]) if len(sys.argv) > 5 else 4
        seed = int(sys.argv[6]) if len(sys.argv) > 6 else 1
        check_resume(pinas, config, work, kills, seed)


if __name__ == "__main__":
    main()
