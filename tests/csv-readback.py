#!/usr/bin/env python3
# csv-readback.py
#
# Copyright 2026 The Quartermaster developers
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Reads the CSV that `test-csv --write-fixture FILE` writes back with two
# independent readers (Python's csv module and the sqlite3 shell's
# .import) and checks that every cell holds exactly the guarded text the
# writer promised in FILE.expected.json. Prints TAP.
#
# Usage: csv-readback.py PATH/TO/test-csv

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile


def diff_rows(expected, actual):
    """Returns a list of readable differences, empty if none."""
    problems = []
    if len(actual) != len(expected):
        problems.append(f"expected {len(expected)} rows, read {len(actual)}")
    for i, (want, got) in enumerate(zip(expected, actual)):
        if list(want) != list(got):
            problems.append(f"row {i + 1}: expected {want!r}, read {got!r}")
    return problems


def read_with_python_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows or rows[0] != ["id", "text"]:
        raise ValueError(f"bad header: {rows[:1]!r}")
    return rows[1:]


def read_with_sqlite3_import(sqlite3_cli, csv_path, tmpdir):
    db_path = os.path.join(tmpdir, "import.db")
    if os.path.exists(db_path):
        os.unlink(db_path)
    # .import into a table that does not exist yet: the header row names
    # the columns and every other row becomes a row of text.
    script = f'.bail on\n.mode csv\n.import "{csv_path}" t\n'
    proc = subprocess.run([sqlite3_cli, "-batch", db_path], input=script.encode("utf-8"),
                          capture_output=True, timeout=60)
    if proc.returncode != 0 or proc.stderr:
        raise RuntimeError("sqlite3 .import failed (status %d): %s"
                           % (proc.returncode, proc.stderr.decode("utf-8", "replace")))
    with sqlite3.connect(db_path) as db:
        columns = [r[1] for r in db.execute("PRAGMA table_info(t)")]
        if columns != ["id", "text"]:
            raise ValueError(f"bad columns: {columns!r}")
        types = {r[0] for r in db.execute("SELECT DISTINCT typeof(text) FROM t")}
        if types - {"text"}:
            raise ValueError(f"cells imported as {sorted(types)!r}, not text")
        return [list(r) for r in db.execute("SELECT id, text FROM t ORDER BY rowid")]


def main(argv):
    if len(argv) != 2:
        print(f"usage: {argv[0]} PATH/TO/test-csv", file=sys.stderr)
        return 2

    test_csv = argv[1]
    print("1..2")
    failed = False

    with tempfile.TemporaryDirectory(prefix="qm-csv-readback-") as tmpdir:
        csv_path = os.path.join(tmpdir, "fixture.csv")
        proc = subprocess.run([test_csv, "--write-fixture", csv_path],
                              capture_output=True, text=True, timeout=60)
        if proc.returncode != 0:
            print(f"# {test_csv} --write-fixture failed: {proc.stderr.strip()}")
            print("not ok 1 - python csv")
            print("not ok 2 - sqlite3 .import")
            return 1

        with open(csv_path + ".expected.json", encoding="utf-8") as f:
            expected = json.load(f)

        # 1: Python's csv module
        try:
            problems = diff_rows(expected, read_with_python_csv(csv_path))
        except (ValueError, csv.Error, UnicodeDecodeError) as e:
            problems = [str(e)]
        for p in problems:
            print(f"# python csv: {p}")
        print(("not ok" if problems else "ok") + " 1 - python csv")
        failed |= bool(problems)

        # 2: the sqlite3 shell's .import
        sqlite3_cli = shutil.which("sqlite3")
        if sqlite3_cli is None:
            problems = ["the sqlite3 command is not installed (it is a required package)"]
        else:
            try:
                problems = diff_rows(expected,
                                     read_with_sqlite3_import(sqlite3_cli, csv_path, tmpdir))
            except (ValueError, RuntimeError, sqlite3.Error, subprocess.SubprocessError) as e:
                problems = [str(e)]
        for p in problems:
            print(f"# sqlite3 .import: {p}")
        print(("not ok" if problems else "ok") + " 2 - sqlite3 .import")
        failed |= bool(problems)

    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
