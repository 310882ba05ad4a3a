#!/usr/bin/env python3
"""Prints the Fashion-MNIST reduction results (run.sh's output folder) as Markdown."""
import glob
import json
import os
import sys

out = sys.argv[1]


def load(name):
    path = os.path.join(out, name)
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return None
    with open(path) as handle:
        return json.load(handle)


def percent(value):
    return "–" if value is None else f"{100 * value:.2f}%"


print("# ReLU reduction on Fashion-MNIST (CPU schedule of run.sh)\n")
print("| method | budget | ReLUs | polynomial elements | test accuracy | epochs | seconds |")
print("|---|---|---|---|---|---|---|")
fronts = {}
for method in ["snl", "snl-channel", "autorep", "deepreduce"]:
    front = load(f"{method}.json")
    if front is None:
        # A method still running: its finished budgets (result.json per budget).
        finished = sorted(glob.glob(os.path.join(out, method, f"{method}-*", "result.json")))
        if not finished:
            continue
        teacher = load("teacher-resnet20.json" if method == "deepreduce" else "teacher-cryptonas.json") or {}
        front = {"baseline_relus": teacher.get("relus", 0), "baseline_test_accuracy": teacher.get("test_accuracy"),
                 "networks": sorted((json.load(open(f)) for f in finished), key=lambda n: n["budget"])}
    fronts[method] = front
for method, front in fronts.items():
    print(f"| {method} (unreduced teacher) | – | {front['baseline_relus']:,} | 0 | "
          f"{percent(front['baseline_test_accuracy'])} | – | – |")
    for network in front["networks"]:
        label = method if method != "deepreduce" else network["label"]
        print(f"| {label} | {network['budget']:,} | {network['relus']:,} | {network['polynomial_elements']:,} | "
              f"{percent(network['test_accuracy'])} | {network['epochs']} | {network['seconds']:.0f} |")
if "deepreduce" in fronts and "criticality" in fronts["deepreduce"]:
    print("\nDeepReDuce stage criticality (ReLUs in that stage only):\n")
    print("| stage | ReLUs | validation accuracy | rank (1 = culled first) |")
    print("|---|---|---|---|")
    for stage in fronts["deepreduce"]["criticality"]:
        print(f"| {stage['stage']} | {stage['relus']:,} | {percent(stage['val_accuracy'])} | {stage['rank']} |")
if "snl" in fronts and "autorep" in fronts:
    snl = {n["budget"]: n["test_accuracy"] for n in fronts["snl"]["networks"]}
    autorep = {n["budget"]: n["test_accuracy"] for n in fronts["autorep"]["networks"]}
    print("\nAutoReP against SNL at budgets of 10,000 or less:\n")
    for budget in sorted(set(snl) & set(autorep)):
        if budget <= 10000:
            verdict = "holds" if autorep[budget] >= snl[budget] else "DOES NOT hold"
            print(f"- {budget:,}: AutoReP {percent(autorep[budget])}, SNL {percent(snl[budget])}: {verdict}")
