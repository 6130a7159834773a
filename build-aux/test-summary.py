#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Adds up meson's test logs and prints one closing line: N passed, N failed."""
import json
import sys

passed = failed = skipped = 0
args = sys.argv[1:]
extras = []
while "--extra" in args:
    i = args.index("--extra")
    extras.append(args[i + 1])
    del args[i:i + 2]
for extra in extras:
    name, _, result = extra.partition("=")
    if result == "pass":
        passed += 1
    else:
        failed += 1
        print(f"{name}: failed")
for path in args:
    with open(path, encoding="utf-8") as log:
        for line in log:
            result = json.loads(line)["result"]
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1

print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or passed == 0 else 0)
