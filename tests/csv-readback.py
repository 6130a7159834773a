#!/usr/bin/env python3
# csv-readback.py
#
# Copyright 2026 The Quartermaster developers
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Reads exported CSVs back with independent readers and checks that they
# see the same cells:
#
#   - the tricky-text fixture that `test-csv --write-fixture FILE` writes
#     (every cell must be exactly the guarded text the writer promised in
#     FILE.expected.json);
#   - a real stock ledger (plain and with --bom) and valuation written by
#     quartermaster-cli from a small cache whose product names and SKUs hold
#     commas, quotes, line breaks, formula starters and non-ASCII text.
#
# Readers: Python's csv module (the reference for the real exports), the
# sqlite3 shell's .import, and LibreOffice Calc headless: the CSVs are
# converted to ODS with every column imported as text, UTF-8, and the ODS
# back to CSV. What "the same cells" means for LibreOffice:
#
#   - the ODS is read directly (content.xml): each cell's text must equal
#     the original cell, character for character, with one exception: a
#     spreadsheet cell holds a line break, not CR or LF, so CR LF, CR and
#     LF in the original each compare as one line break (LF);
#   - the CSV LibreOffice writes back must read (with Python's csv module)
#     as the same cells again, under the same rule; and LibreOffice 7.4's
#     CSV writer leaves out a tab inside a cell (the ODS still has it, as
#     checked above), so a cell back from LibreOffice may lack the tabs of
#     the original and nothing else;
#   - the formula guard's apostrophe is part of the cell in LibreOffice too
#     (it shows '=SUM(A1:A9) as text, like Python's csv), so nothing is
#     stripped before comparing.
#
# Last, the formula guard as a spreadsheet user meets it: the same files
# opened with LibreOffice's default column type and formula evaluation on
# must not hold a single formula cell, while a control file with an
# unguarded =1+1 does.
#
# Prints TAP. The LibreOffice checks are skipped when soffice is not
# installed (build-aux/install-deps.sh test installs it).
#
# Usage: csv-readback.py PATH/TO/test-csv   (QM_CLI from the environment)

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
import xml.etree.ElementTree as ET

LEDGER_COLUMNS = ["warehouse_id", "sku", "name", "category", "opening_quantity",
                  "received_quantity", "issued_quantity", "closing_quantity", "opening_value",
                  "closing_value", "currency"]
VALUATION_COLUMNS = ["warehouse_id", "sku", "name", "category", "quantity", "unit_cost", "value",
                     "currency"]

# Products as warehouses might report them: (sku, name, category).
PRODUCTS = [
    ("SKU-1", "Plain widget", "Tools"),
    ("SKU-2", "Bolt, M8 \"hex\"", "Fasteners, metric"),
    ("SKU-3", "=HYPERLINK(\"http://e.test\",\"go\")", "@risk"),
    ("SKU-4", "Two\r\nlines", "-10% off"),
    ("SKU-5", "Äpfel 苹果 🍎", "+Obst"),
    ("SKU-6", "\tTabbed", "  padded  "),
    ("=SKU-7", "only CR\rhere", "LF\nonly"),
    ("SKU,8", "'apostrophe", ""),
]

results = []


def report(name, problems=(), skip=None):
    n = len(results) + 1
    problems = list(problems)
    for p in problems[:20]:
        print(f"# {name}: {p}")
    if len(problems) > 20:
        print(f"# {name}: ... and {len(problems) - 20} more")
    if skip:
        print(f"ok {n} - {name} # SKIP {skip}")
    else:
        print(("not ok" if problems else "ok") + f" {n} - {name}")
    results.append(bool(skip) or not problems)


def diff_rows(expected, actual, same=lambda want, got: want == got):
    """Returns a list of readable differences, empty if none."""
    problems = []
    if len(actual) != len(expected):
        problems.append(f"expected {len(expected)} rows, read {len(actual)}")
    for i, (want, got) in enumerate(zip(expected, actual)):
        if len(want) != len(got) or not all(same(w, g) for w, g in zip(want, got)):
            problems.append(f"row {i + 1}: expected {want!r}, read {got!r}")
    return problems


def read_with_python_csv(path, bom=False):
    with open(path, newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
        return list(csv.reader(f))


def read_with_sqlite3_import(sqlite3_cli, csv_path, tmpdir):
    """Header and rows as the sqlite3 shell's .import reads them."""
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
        for column in columns:
            types = {r[0] for r in db.execute(f'SELECT DISTINCT typeof("{column}") FROM t')}
            if types - {"text"}:
                raise ValueError(f"column {column} imported as {sorted(types)!r}, not text")
        return [columns] + [list(r) for r in db.execute("SELECT * FROM t ORDER BY rowid")]


# ------------------------------------------------------------------------
# A real ledger and valuation from quartermaster-cli

def make_exports(cli, tmpdir):
    """Writes ledger.csv, ledger-bom.csv and valuation.csv; returns their paths."""
    db_path = os.path.join(tmpdir, "cache.db")

    def run(*args):
        proc = subprocess.run([cli, "--db", db_path, *args], capture_output=True, text=True,
                              timeout=120)
        if proc.returncode != 0:
            raise RuntimeError(f"quartermaster-cli {' '.join(args)}: exit {proc.returncode}: "
                               f"{proc.stderr.strip()}")

    run("endpoint", "add", "http://127.0.0.1:1/", "--id", "WH-EAST")
    run("endpoint", "add", "http://127.0.0.1:2/", "--id", "WH-WEST")
    with sqlite3.connect(db_path) as db:
        db.execute("UPDATE warehouse SET currency = 'EUR'")
        seq = {"WH-EAST": 0, "WH-WEST": 0}

        def move(wh, at, kind, sku, quantity, cost=None):
            seq[wh] += 1
            status = ("to_status", "from_status")[kind == "sales_outbound"]
            db.execute(f"INSERT INTO movement (warehouse_id, seq, id, at, kind, sku, quantity, "
                       f"{status}, unit_cost) VALUES (?, ?, ?, ?, ?, ?, ?, 'qualified', ?)",
                       (wh, seq[wh], f"mv-{wh}-{seq[wh]}", at, kind, sku, quantity, cost))

        for i, (sku, name, category) in enumerate(PRODUCTS):
            for wh in ("WH-EAST", "WH-WEST"):
                if not (wh == "WH-WEST" and i % 3 == 0):   # some never listed there
                    db.execute("INSERT INTO product (warehouse_id, sku, name, category) "
                               "VALUES (?, ?, ?, ?)", (wh, sku, name, category))
                # costs with 4 digits, values that round half to even
                move(wh, "2026-01-05T09:00:00Z", "purchase_inbound", sku, 8 + i, 123750 + 25 * i)
                move(wh, "2026-02-03T10:00:00Z", "purchase_inbound", sku, 3, 98765 + i)
                move(wh, "2026-02-20T15:30:00Z", "sales_outbound", sku, 2 + i % 4)

    paths = {name: os.path.join(tmpdir, name + ".csv")
             for name in ("ledger", "ledger-bom", "valuation")}
    run("report", "ledger", "--from", "2026-02-01", "--to", "2026-02-28",
        "--output", paths["ledger"])
    run("report", "ledger", "--from", "2026-02-01", "--to", "2026-02-28", "--bom",
        "--output", paths["ledger-bom"])
    run("report", "valuation", "--at", "2026-02-28", "--output", paths["valuation"])
    return paths


def guard(text):
    """The contract's formula guard, written out independently."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def check_exports(rows):
    """What the real exports must hold, as Python's csv reads them."""
    problems = []
    ledger, valuation = rows["ledger"], rows["valuation"]
    if ledger[:1] != [LEDGER_COLUMNS]:
        problems.append(f"ledger header {ledger[:1]!r}")
    if valuation[:1] != [VALUATION_COLUMNS]:
        problems.append(f"valuation header {valuation[:1]!r}")
    if rows["ledger-bom"] != ledger:
        problems.append("the --bom ledger reads as other cells than the plain one")
    want_rows = 2 * len(PRODUCTS)
    for name, table in (("ledger", ledger), ("valuation", valuation)):
        if len(table) != want_rows + 1:
            problems.append(f"{name}: {len(table) - 1} rows, expected {want_rows}")
    cells = {(r[0], r[1]): r for r in ledger[1:]}
    for sku, name, category in PRODUCTS:
        row = cells.get(("WH-EAST", guard(sku)))
        if row is None:
            problems.append(f"ledger: no row for WH-EAST {sku!r}")
        elif row[2:4] != [guard(name), guard(category)]:
            problems.append(f"ledger: {sku!r} name/category {row[2:4]!r}, "
                            f"expected {[guard(name), guard(category)]!r}")
    for r in ledger[1:]:
        if int(r[4]) + int(r[5]) - int(r[6]) != int(r[7]):
            problems.append(f"ledger: identity broken on {r!r}")
    return problems


# ------------------------------------------------------------------------
# LibreOffice

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def q(prefix, name):
    return "{%s}%s" % (NS[prefix], name)


def paragraph_text(element):
    """The characters of a text:p (spaces, tabs and line breaks spelled out)."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == q("text", "s"):
            parts.append(" " * int(child.get(q("text", "c"), "1")))
        elif child.tag == q("text", "tab"):
            parts.append("\t")
        elif child.tag == q("text", "line-break"):
            parts.append("\n")
        else:
            parts.append(paragraph_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def read_ods(path):
    """Rows of the first sheet: (cells, formulas) with each cell's text."""
    with zipfile.ZipFile(path) as z:
        root = ET.fromstring(z.read("content.xml"))
    sheet = root.find(".//table:table", NS)
    rows, formulas = [], []
    for row in sheet.iter(q("table", "table-row")):
        cells = []
        for cell in row:
            if cell.tag not in (q("table", "table-cell"), q("table", "covered-table-cell")):
                continue
            if cell.get(q("table", "formula")) is not None:
                formulas.append(cell.get(q("table", "formula")))
            text = "\n".join(paragraph_text(p) for p in cell.findall("text:p", NS))
            repeat = int(cell.get(q("table", "number-columns-repeated"), "1"))
            cells.extend([text] * min(repeat, 64))
        while cells and cells[-1] == "":
            cells.pop()
        for _ in range(min(int(row.get(q("table", "number-rows-repeated"), "1")), 64)):
            rows.append(list(cells))
    while rows and not rows[-1]:
        rows.pop()
    return rows, formulas


def one_line_break(text):
    return text.replace("\r\n", "\n").replace("\r", "\n")


def same_in_sheet(want, got):
    return one_line_break(want) == got


def same_back_from_sheet(want, got):
    want = one_line_break(want)
    return got == want or got == want.replace("\t", "")


def pad(rows, like):
    """Rows read from a sheet lose trailing empty cells: give them back."""
    return [r + [""] * (len(w) - len(r)) if len(r) < len(w) else r
            for r, w in zip(rows, like)] + rows[len(like):]


class LibreOffice:
    def __init__(self, soffice, tmpdir):
        self.soffice = soffice
        self.tmpdir = tmpdir
        self.profile = os.path.join(tmpdir, "lo-profile")
        self.env = dict(os.environ, HOME=tmpdir)
        self.env.pop("SESSION_MANAGER", None)

    def convert(self, files, target, outdir, infilter=None):
        """One soffice run converting all @files to @target in @outdir."""
        os.makedirs(outdir, exist_ok=True)
        argv = [self.soffice, f"-env:UserInstallation=file://{self.profile}", "--headless",
                "--norestore", "--nologo"]
        if infilter:
            argv.append(f"--infilter={infilter}")
        argv += ["--convert-to", target, "--outdir", outdir, *files]
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=300, env=self.env)
        outputs = []
        for path in files:
            stem = os.path.splitext(os.path.basename(path))[0]
            out = os.path.join(outdir, stem + "." + target.split(":")[0])
            if proc.returncode != 0 or not os.path.exists(out):
                raise RuntimeError(f"soffice --convert-to {target} {path} failed "
                                   f"(status {proc.returncode}): {proc.stderr.strip()}")
            outputs.append(out)
        return outputs


# CSV filter options: separator 44 (comma), text delimiter 34 ("), character
# set 76 (UTF-8), from line 1, then column formats (2 = text) for columns
# 1-16 (more than any export has), language, quoted field as text, detect
# special numbers, (export:) save as shown, export formulas, trim spaces.
TEXT_COLUMNS = "/".join(f"{i}/2" for i in range(1, 17))
CSV_TEXT_IMPORT = f"CSV:44,34,76,1,{TEXT_COLUMNS},,false,false,false,false,false"
CSV_EXPORT = f"csv:Text - txt - csv (StarCalc):44,34,76,1,{TEXT_COLUMNS},,false,false,false,false,false"
# As a user opening the file: standard columns, formulas evaluated (token 13).
CSV_USER_IMPORT = "CSV:44,34,76,1,,,false,false,false,false,false,false,true"


def main(argv):
    if len(argv) != 2:
        print(f"usage: {argv[0]} PATH/TO/test-csv", file=sys.stderr)
        return 2

    test_csv = argv[1]
    cli = os.environ.get("QM_CLI")
    print("1..8")

    with tempfile.TemporaryDirectory(prefix="qm-csv-readback-") as tmpdir:
        fixture_path = os.path.join(tmpdir, "fixture.csv")
        proc = subprocess.run([test_csv, "--write-fixture", fixture_path],
                              capture_output=True, text=True, timeout=60)
        if proc.returncode != 0:
            print(f"# {test_csv} --write-fixture failed: {proc.stderr.strip()}")
            return 1
        with open(fixture_path + ".expected.json", encoding="utf-8") as f:
            fixture = [["id", "text"]] + json.load(f)

        # 1: Python's csv module on the fixture
        try:
            problems = diff_rows(fixture, read_with_python_csv(fixture_path))
        except (ValueError, csv.Error, UnicodeDecodeError) as e:
            problems = [str(e)]
        report("python csv reads the fixture as promised", problems)

        # 2: Python's csv module on the real exports: the reference cells
        expected = {"fixture": fixture}
        paths = {"fixture": fixture_path}
        if cli is None or not os.path.exists(cli):
            report("python csv reads a real ledger and valuation",
                   skip="QM_CLI is not set (run through meson test)")
        else:
            try:
                exports = make_exports(cli, tmpdir)
                rows = {name: read_with_python_csv(path, bom=name.endswith("bom"))
                        for name, path in exports.items()}
                problems = check_exports(rows)
                expected.update(rows)
                paths.update(exports)
            except (RuntimeError, ValueError, csv.Error, UnicodeDecodeError,
                    sqlite3.Error, subprocess.SubprocessError) as e:
                problems = [str(e)]
            report("python csv reads a real ledger and valuation", problems)

        # 3: the sqlite3 shell's .import
        sqlite3_cli = shutil.which("sqlite3")
        problems = []
        if sqlite3_cli is None:
            problems = ["the sqlite3 command is not installed (it is a required package)"]
        else:
            for name, path in paths.items():
                try:
                    problems += [f"{name}: {p}" for p in
                                 diff_rows(expected[name],
                                           read_with_sqlite3_import(sqlite3_cli, path, tmpdir))]
                except (ValueError, RuntimeError, sqlite3.Error, subprocess.SubprocessError) as e:
                    problems.append(f"{name}: {e}")
        report("sqlite3 .import reads the same cells", problems)

        # 4-8: LibreOffice
        names = list(paths)
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        lo_tests = ["LibreOffice opens every column as text: the same cells in the ODS",
                    "LibreOffice writes the ODS back to CSV: the same cells",
                    "LibreOffice keeps 4-digit costs and 2-digit values as written",
                    "LibreOffice as a user opens the files: no guarded cell is a formula",
                    "LibreOffice makes the unguarded control cell a formula"]
        if soffice is None:
            for name in lo_tests:
                report(name, skip="soffice is not installed (Debian: libreoffice-calc-nogui)")
            return 0 if all(results) else 1

        lo = LibreOffice(soffice, tmpdir)
        files = [paths[n] for n in names]

        # 4: csv -> ods, every column as text
        sheets = {}
        try:
            for name, ods in zip(names, lo.convert(files, "ods", os.path.join(tmpdir, "ods"),
                                                   CSV_TEXT_IMPORT)):
                sheets[name] = read_ods(ods)[0]
            problems = []
            for name in names:
                problems += [f"{name}: {p}" for p in
                             diff_rows(expected[name], pad(sheets[name], expected[name]),
                                       same_in_sheet)]
        except (RuntimeError, OSError, subprocess.SubprocessError, zipfile.BadZipFile,
                ET.ParseError) as e:
            problems = [str(e)]
        report(lo_tests[0], problems)

        # 5: ods -> csv
        ods_files = [os.path.join(tmpdir, "ods", n + ".ods") for n in names]
        try:
            back = lo.convert(ods_files, CSV_EXPORT, os.path.join(tmpdir, "back"))
            problems = []
            for name, path in zip(names, back):
                problems += [f"{name}: {p}" for p in
                             diff_rows(expected[name], read_with_python_csv(path),
                                       same_back_from_sheet)]
        except (RuntimeError, OSError, subprocess.SubprocessError, csv.Error,
                UnicodeDecodeError) as e:
            problems = [str(e)]
        report(lo_tests[1], problems)

        # 6: the number columns kept their digits (text import: no 1234.5)
        problems = []
        for name in ("ledger", "valuation"):
            if name not in sheets:
                problems.append(f"no {name} sheet")
                continue
            header = sheets[name][0]
            money = [i for i, c in enumerate(header) if c.endswith(("value", "unit_cost"))]
            for r in sheets[name][1:]:
                for i in money:
                    digits = 4 if header[i] == "unit_cost" else 2
                    if len(r[i].partition(".")[2]) != digits:
                        problems.append(f"{name}: {header[i]} {r[i]!r}")
        report(lo_tests[2], problems)

        # 7, 8: the formula guard in a spreadsheet, with a control that must fail it
        control = os.path.join(tmpdir, "control.csv")
        with open(control, "w", encoding="utf-8", newline="") as f:
            f.write("id,text\r\nunguarded,=1+1\r\n")
        try:
            opened = lo.convert(files + [control], "ods", os.path.join(tmpdir, "user"),
                                CSV_USER_IMPORT)
            problems = []
            for name, ods in zip(names, opened):
                problems += [f"{name}: formula {f!r}" for f in read_ods(ods)[1]]
            control_formulas = read_ods(opened[-1])[1]
        except (RuntimeError, OSError, subprocess.SubprocessError, zipfile.BadZipFile,
                ET.ParseError) as e:
            problems = [str(e)]
            control_formulas = []
        report(lo_tests[3], problems)
        report(lo_tests[4], [] if control_formulas else
               ["=1+1 did not become a formula: the check above proves nothing"])

    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
