#!/usr/bin/env python3
"""The README's CLI table names every command `pinas --help` lists, and every
subcommand of the command groups (bench, pi, gc, ...).

usage: readme_lists_every_command.py PINAS README.md
"""
import re
import subprocess
import sys


def subcommands(pinas, *group):
    """The subcommand names CLI11's help lists under "Subcommands:"."""
    text = subprocess.run([pinas, *group, "--help"], capture_output=True, text=True).stdout
    parts = re.split(r"^subcommands:\s*$", text, maxsplit=1, flags=re.MULTILINE | re.IGNORECASE)
    if len(parts) < 2:
        return []
    block = parts[1]
    return re.findall(r"^  (\S+)", block, re.MULTILINE)


def main():
    pinas, readme = sys.argv[1:3]
    text = open(readme, encoding="utf-8").read()
    table = text.split("## CLI reference", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `pinas")]
    missing = []
    commands = subcommands(pinas)
    for command in commands:
        mentioned = [row for row in rows if re.search(rf"`pinas {re.escape(command)}\b", row)]
        if not mentioned:
            missing.append(command)
            continue
        for sub in subcommands(pinas, command):
            # A group's row lists its members as `pinas bench gc|ot|relu ...` or one per row.
            if not any(re.search(rf"(\b|\|){re.escape(sub)}(\b|\|)", row) for row in mentioned):
                missing.append(f"{command} {sub}")
    if missing:
        print("FAIL: the README's CLI table lacks: " + ", ".join(missing))
        return 1
    print(f"OK: the README's CLI table covers all {len(commands)} commands and their subcommands")
    return 0


if __name__ == "__main__":
    sys.exit(main())
