#!/usr/bin/python3
"""Forward+backward images/s of an IR architecture written with PyTorch's
Python API (Debian's python3-torch 1.13), for comparison with
`pinas bench train-throughput`.

The architecture comes from `pinas bench train-throughput ARCH
--dump-architecture FILE.json` (the IR as protobuf JSON), so both sides time
the same network: the same layers, shapes, batch and loop (zero_grad,
forward, cross-entropy, backward) on synthetic batches.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Polynomial(nn.Module):
    def __init__(self, coefficients):
        super().__init__()
        self.coefficients = nn.Parameter(torch.tensor(coefficients, dtype=torch.float32))

    def forward(self, x):
        degree = self.coefficients.numel() - 1
        result = self.coefficients[degree].expand_as(x)
        for i in range(degree - 1, -1, -1):
            result = result * x + self.coefficients[i]
        return result


class IRNetwork(nn.Module):
    """Runs the IR's nodes in topological order with torch.nn layers."""

    def __init__(self, architecture):
        super().__init__()
        nodes = {node["name"]: node for node in architecture["nodes"]}
        self.order = []
        seen = set()

        def visit(name):
            if name in seen:
                return
            for producer in nodes[name].get("inputs", []):
                visit(producer)
            seen.add(name)
            self.order.append(name)

        for node in architecture["nodes"]:
            visit(node["name"])
        self.nodes = nodes
        self.layers = nn.ModuleDict()
        channels = {}
        for name in self.order:
            node = nodes[name]
            op = node["op"]
            inputs = node.get("inputs", [])
            in_channels = channels[inputs[0]] if inputs else 0
            stride = node.get("stride") or 1
            dilation = node.get("dilation") or 1
            groups = node.get("groups") or 1
            key = name.replace(".", "_")
            out = in_channels
            if op == "INPUT":
                out = int(node["input_shape"]["channels"])
                self.input_shape = node["input_shape"]
            elif op == "CONV":
                out = int(node["out_channels"])
                self.layers[key] = nn.Conv2d(in_channels, out, node["kernel"], stride, node.get("padding", 0),
                                             dilation, groups, bias=node.get("bias", False))
            elif op == "SEPARABLE_CONV":
                out = int(node["out_channels"])
                self.layers[key] = nn.Sequential(
                    nn.Conv2d(in_channels, in_channels, node["kernel"], stride, node.get("padding", 0), dilation,
                              in_channels, bias=False),
                    nn.Conv2d(in_channels, out, 1, bias=node.get("bias", False)))
            elif op == "BATCH_NORM":
                self.layers[key] = nn.BatchNorm2d(in_channels)
            elif op == "RELU":
                self.layers[key] = nn.ReLU()
            elif op == "POLYNOMIAL":
                self.layers[key] = Polynomial(node["coefficients"])
            elif op == "CONCAT":
                out = sum(channels[i] for i in inputs)
            elif op == "FLATTEN":
                out = None  # set at first forward (needs H, W); only used by LINEAR below
            elif op == "LINEAR":
                out = int(node["out_channels"])
                self.layers[key] = nn.LazyLinear(out, bias=node.get("bias", False))
            channels[name] = out

    def forward(self, x):
        values = {}
        for name in self.order:
            node = self.nodes[name]
            op = node["op"]
            ins = [values[i] for i in node.get("inputs", [])]
            key = name.replace(".", "_")
            stride = node.get("stride") or 1
            if op == "INPUT":
                y = x
            elif op in ("CONV", "SEPARABLE_CONV", "BATCH_NORM", "RELU", "POLYNOMIAL"):
                y = self.layers[key](ins[0])
            elif op == "LINEAR":
                y = self.layers[key](ins[0].flatten(1))[:, :, None, None]
            elif op in ("IDENTITY", "OUTPUT"):
                y = ins[0]
            elif op == "ZERO":
                y = ins[0][:, :, ::stride, ::stride].mul(0.0)
            elif op == "AVG_POOL":
                y = F.avg_pool2d(ins[0], node["kernel"], stride, node.get("padding", 0), False, True)
            elif op == "MAX_POOL":
                y = F.max_pool2d(ins[0], node["kernel"], stride, node.get("padding", 0))
            elif op == "GLOBAL_AVG_POOL":
                y = ins[0].mean((2, 3), keepdim=True)
            elif op == "ADD":
                y = ins[0]
                for other in ins[1:]:
                    y = y + other
            elif op == "CONCAT":
                y = torch.cat(ins, 1)
            elif op == "FLATTEN":
                y = ins[0].reshape(ins[0].shape[0], -1, 1, 1)
            else:
                raise ValueError(f"unsupported op {op} at node {name}")
            values[name] = y
            if op == "OUTPUT":
                return y.flatten(1)
        raise ValueError("no OUTPUT node")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("architecture_json")
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    with open(args.architecture_json) as handle:
        architecture = json.load(handle)
    torch.manual_seed(1)
    network = IRNetwork(architecture)
    shape = network.input_shape
    generator = torch.Generator().manual_seed(7)
    images = torch.randn(args.batch, int(shape["channels"]), int(shape["height"]), int(shape["width"]),
                         generator=generator)
    with torch.no_grad():
        classes = network(images[:1]).shape[1]
    labels = torch.randint(classes, (args.batch,), generator=generator)
    network.train()

    def step():
        network.zero_grad(set_to_none=True)
        loss = F.cross_entropy(network(images), labels)
        loss.backward()

    for _ in range(args.warmup):
        step()
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    seconds = time.perf_counter() - start
    print(json.dumps({"architecture": architecture.get("name", ""), "batch": args.batch, "steps": args.steps,
                      "threads": torch.get_num_threads(), "seconds": seconds,
                      "images_per_s": args.steps * args.batch / seconds}, indent=2))


if __name__ == "__main__":
    main()
