#!/usr/bin/env python3
"""The closing summary of scripts/quickstart.

usage: summary.py OUT VARIANT IMAGES TOTAL_SECONDS STAGE=SECONDS,...

Reads what the quickstart wrote under OUT: the search's front
(search-front.txt), the retrained model (retrained.json), the reduction's
front (reduce.json) and the private inferences (private-inference/). It checks
that every private logit equals the plaintext fixed-point reference and exits
1 if one does not.
"""
import gzip
import json
import os
import sys


def labels_of(variant, out, count):
    if variant == "cifar10":
        # Folder datasets number their classes in sorted folder-name order.
        inputs = open(os.path.join(out, "private-inference", "inputs.txt")).read().split()
        classes = sorted(os.listdir(os.path.dirname(os.path.dirname(inputs[0]))))
        return [classes.index(os.path.basename(os.path.dirname(path))) for path in inputs[:count]]
    with gzip.open("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz") as f:
        return list(f.read()[8:8 + count])


def main():
    out, variant, images, total, stages = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    retrained = json.load(open(os.path.join(out, "retrained.json")))
    reduction = json.load(open(os.path.join(out, "reduce.json")))
    served = reduction["networks"][0]
    pi = os.path.join(out, "private-inference")
    private = [json.load(open(os.path.join(pi, f"infer-{i}.json"))) for i in range(images)]
    reference = [json.load(open(os.path.join(pi, f"reference-{i}.json"))) for i in range(images)]
    labels = labels_of(variant, out, images)
    exact = all(p["logits_fixed"] == r["logits_fixed"] for p, r in zip(private, reference))
    argmax = lambda values: max(range(len(values)), key=values.__getitem__)
    private_correct = sum(p["label"] == y for p, y in zip(private, labels))
    plaintext_correct = sum(argmax(r["logits"]) == y
                            for r, y in zip(reference, labels))
    dataset = "CIFAR-10 (JPEG q75)" if variant == "cifar10" else "Fashion-MNIST"
    mean = lambda key: sum(p[key] for p in private) / len(private)

    print()
    print(f"== summary ({dataset}, {total} s in all: {stages.replace(',', ', ').replace('=', ' ')} s)")
    print("search front (validation accuracy on the search's subset):")
    for line in open(os.path.join(out, "search-front.txt")).read().rstrip().splitlines():
        print("  " + line)
    print(f"retrained: {retrained['architecture']}, {retrained['relus']} ReLUs, "
          f"test accuracy {100 * retrained['test_accuracy']:.2f}% after {retrained['epochs']} epochs")
    print(f"reduced (SNL): {'budget':>8} {'ReLUs':>8} {'test %':>8}")
    for network in reduction["networks"]:
        print(f"               {network['budget']:>8} {network['relus']:>8} {100 * network['test_accuracy']:>8.2f}")
    print(f"served: {served['model_file']} ({served['relus']} ReLUs, test accuracy "
          f"{100 * served['test_accuracy']:.2f}%)")
    print(f"private inference of the first {images} test images, two processes over loopback TCP:")
    print(f"  private accuracy   {private_correct}/{images}")
    print(f"  plaintext accuracy {plaintext_correct}/{images} (fixed-point reference)")
    print(f"  logits {'bit-exact with the plaintext reference on every image' if exact else 'DIFFER from the reference'}")
    print(f"  per inference: offline {mean('offline_bytes') / 1e6:.1f} MB in {mean('offline_s'):.2f} s, "
          f"online {mean('online_bytes') / 1e6:.2f} MB in {mean('online_s'):.3f} s, {private[0]['rounds']} rounds, "
          f"{private[0].get('garbled_relus', served['relus'])} garbled ReLUs")
    summary = {
        "dataset": dataset, "seconds": total,
        "stages": {k: int(v) for k, v in (item.split("=") for item in stages.split(","))},
        "retrained_relus": retrained["relus"], "retrained_test_accuracy": retrained["test_accuracy"],
        "served_relus": served["relus"], "served_test_accuracy": served["test_accuracy"],
        "images": images, "private_correct": private_correct, "plaintext_correct": plaintext_correct,
        "bit_exact": exact, "offline_bytes": mean("offline_bytes"), "offline_s": mean("offline_s"),
        "online_bytes": mean("online_bytes"), "online_s": mean("online_s"), "rounds": private[0]["rounds"],
    }
    json.dump(summary, open(os.path.join(out, "summary.json"), "w"), indent=2)
    return 0 if exact and private_correct == plaintext_correct else 1


if __name__ == "__main__":
    sys.exit(main())
