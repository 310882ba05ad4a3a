#!/usr/bin/env python3
"""Checks compile_commands.json: crypto's SIMD flags (-maes -mpclmul -msse4.2
-mavx2) appear only where crypto compiles its own code (crypto/ except
crypto/pi/, tests/crypto/), never in its consumers, LibTorch code among them.
Flags the whole build sets (CMAKE_CXX_FLAGS, given as argv[2]) are allowed.
Prints the offending files, or "simd flags private: N files checked"."""
import json
import os
import shlex
import sys

commands_file, global_flags = sys.argv[1], set(shlex.split(sys.argv[2] if len(sys.argv) > 2 else ""))
source_dir = os.path.realpath(sys.argv[3]) if len(sys.argv) > 3 else None
simd = {"-maes", "-mpclmul", "-msse4.2", "-mavx2"} - global_flags
entries = json.load(open(commands_file))
offending = []
for entry in entries:
    path = os.path.realpath(entry["file"])
    relative = os.path.relpath(path, source_dir) if source_dir else path
    inside_crypto = (relative.startswith("crypto/") and not relative.startswith("crypto/pi/")) or \
        relative.startswith("tests/crypto/")
    arguments = entry.get("arguments") or shlex.split(entry["command"])
    leaked = simd.intersection(arguments)
    if leaked and not inside_crypto:
        offending.append(f"{relative}: {' '.join(sorted(leaked))}")
if offending:
    print("crypto's SIMD flags leak into:\n" + "\n".join(offending[:40]))
    sys.exit(1)
print(f"simd flags private: {len(entries)} files checked")
