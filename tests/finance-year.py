#!/usr/bin/env python3
# finance-year.py
#
# Copyright 2026 The Quartermaster developers
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A year of quartermaster-sim, synced with quartermaster-cli, exported as
# the stock ledger and checked row by row:
#   - opening + received - issued = closing, for every row of every month
#     and of the whole year;
#   - each closing_value is the valuation report's value for that day, and
#     that value is round_half_even(quantity x unit_cost, 2);
#   - each month's opening_value is the previous month's closing_value;
#   - the CSV reads back to the same cells with Python's csv module, with
#     the sqlite3 shell's .import and (when soffice is installed) through
#     LibreOffice (--convert-to ods and back);
#   - a closed month re-exports byte for byte the same.
# Prints TAP. Usage: finance-year.py (QM_CLI and QM_BUILD_DIR from meson)

import csv
import datetime
import decimal
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

CLI = os.environ.get("QM_CLI")
SIM = os.path.join(os.environ.get("QM_BUILD_DIR", "."), "src", "sim", "quartermaster-sim")

results = []


def report(ok, name, problems=(), skip=None):
    n = len(results) + 1
    for p in list(problems)[:20]:
        print(f"# {name}: {p}")
    if skip:
        print(f"ok {n} - {name} # SKIP {skip}")
    else:
        print(("ok" if ok else "not ok") + f" {n} - {name}")
    results.append(ok or bool(skip))


def cli(db, *args):
    proc = subprocess.run([CLI, "--db", db, *args], capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: exit {proc.returncode}: {proc.stderr.strip()}")
    return proc.stdout


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def read_sqlite_import(path, tmpdir):
    db = os.path.join(tmpdir, "import.db")
    if os.path.exists(db):
        os.unlink(db)
    script = f'.bail on\n.mode csv\n.import "{path}" t\n'
    proc = subprocess.run(["sqlite3", "-batch", db], input=script.encode(), capture_output=True,
                          timeout=120)
    if proc.returncode != 0 or proc.stderr:
        raise RuntimeError(proc.stderr.decode("utf-8", "replace"))
    with sqlite3.connect(db) as c:
        header = [r[1] for r in c.execute("PRAGMA table_info(t)")]
        return [header] + [list(r) for r in c.execute("SELECT * FROM t ORDER BY rowid")]


def read_libreoffice(path, tmpdir, soffice):
    # csv -> ods -> csv, reading every cell as text (column format 2 = text)
    outdir = os.path.join(tmpdir, "lo")
    os.makedirs(outdir, exist_ok=True)
    columns = "/".join(f"{i}/2" for i in range(1, 12))
    flt = f"44,34,76,1,{columns}"
    env = dict(os.environ, HOME=tmpdir)
    subprocess.run([soffice, "--headless", f"--infilter=CSV:{flt}", "--convert-to", "ods",
                    "--outdir", outdir, path], check=True, capture_output=True, timeout=300,
                   env=env)
    ods = os.path.join(outdir, os.path.splitext(os.path.basename(path))[0] + ".ods")
    back = os.path.join(outdir, "back")
    os.makedirs(back, exist_ok=True)
    subprocess.run([soffice, "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1",
                    "--outdir", back, ods], check=True, capture_output=True, timeout=300, env=env)
    return read_csv(os.path.join(back, os.path.basename(ods)[:-4] + ".csv"))


def round2(value):
    return value.quantize(decimal.Decimal("0.01"), rounding=decimal.ROUND_HALF_EVEN)


def month_ranges(first, last):
    d = first.replace(day=1)
    while d <= last:
        nxt = (d.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        yield d, min(nxt - datetime.timedelta(days=1), last)
        d = nxt


def main():
    if not CLI or not os.path.exists(SIM):
        print("1..0 # SKIP QM_CLI or quartermaster-sim not found")
        return 0

    with tempfile.TemporaryDirectory(prefix="qm-finance-year-") as tmp:
        db = os.path.join(tmp, "cache.db")
        token = os.path.join(tmp, "token")
        sim = subprocess.Popen([SIM, "--warehouses=east,south", "--days=365", "--skus=60",
                                "--seed=11", "--export-token", token],
                               stdout=subprocess.PIPE, text=True)
        try:
            urls = [sim.stdout.readline().split()[1] for _ in range(2)]
            for url in urls:
                cli(db, "endpoint", "add", url, "--token-file", token)
            cli(db, "sync")
        finally:
            sim.terminate()
            sim.wait()

        last = datetime.date(2026, 11, 27)
        first = last - datetime.timedelta(days=364)
        periods = [(first, last)] + list(month_ranges(first, last))
        print(f"1..{len(periods) + 5}")

        previous_closing = None
        year_path = None
        for start, end in periods:
            path = os.path.join(tmp, f"ledger-{start}-{end}.csv")
            cli(db, "report", "ledger", "--from", str(start), "--to", str(end), "--output", path)
            val_path = os.path.join(tmp, f"valuation-{end}.csv")
            cli(db, "report", "valuation", "--at", str(end), "--output", val_path)
            year_path = year_path or path
            rows = read_csv(path)
            header, body = rows[0], rows[1:]
            values = {(r[0], r[1]): r for r in read_csv(val_path)[1:]}
            problems = []
            closing = {}
            for r in body:
                row = dict(zip(header, r))
                key = (row["warehouse_id"], row["sku"])
                oq, rq, iq, cq = (int(row[k]) for k in ("opening_quantity", "received_quantity",
                                                          "issued_quantity", "closing_quantity"))
                if oq + rq - iq != cq:
                    problems.append(f"{key}: {oq} + {rq} - {iq} != {cq}")
                v = values.get(key)
                if cq != 0:
                    if v is None:
                        problems.append(f"{key}: closing {cq} but no valuation row")
                    else:
                        want = round2(decimal.Decimal(v[4]) * decimal.Decimal(v[5]))
                        if int(v[4]) != cq or v[6] != row["closing_value"] or str(want) != v[6]:
                            problems.append(f"{key}: closing {cq} {row['closing_value']}, "
                                            f"valuation {v[4]} x {v[5]} = {v[6]} (want {want})")
                elif row["closing_value"] != "0.00":
                    problems.append(f"{key}: zero closing with value {row['closing_value']}")
                if previous_closing is not None and (start, end) != periods[0]:
                    prev = previous_closing.get(key, ("0", "0.00"))
                    if (row["opening_quantity"], row["opening_value"]) != prev:
                        problems.append(f"{key}: opening {row['opening_quantity']} "
                                        f"{row['opening_value']} != previous closing {prev}")
                closing[key] = (row["closing_quantity"], row["closing_value"])
            if (start, end) != periods[0]:
                previous_closing = closing
            report(not problems and len(body) > 0,
                   f"ledger {start}..{end}: {len(body)} rows, identity and values", problems)

        # read-back of the year's ledger
        want = read_csv(year_path)
        try:
            got = read_sqlite_import(year_path, tmp)
            problems = [f"row {i}: {a!r} != {b!r}" for i, (a, b) in enumerate(zip(want, got))
                        if a != b]
            if len(want) != len(got):
                problems.append(f"{len(want)} rows, sqlite3 read {len(got)}")
        except (RuntimeError, sqlite3.Error) as e:
            problems = [str(e)]
        report(not problems, "sqlite3 .import reads the same cells as Python csv", problems)

        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            report(True, "LibreOffice round trip", skip="soffice is not installed")
        else:
            try:
                got = read_libreoffice(year_path, tmp, soffice)
                problems = [f"row {i}: {a!r} != {b!r}" for i, (a, b) in enumerate(zip(want, got))
                            if a != b]
                if len(want) != len(got):
                    problems.append(f"{len(want)} rows, LibreOffice gave {len(got)}")
            except (subprocess.SubprocessError, OSError) as e:
                problems = [str(e)]
            report(not problems, "LibreOffice round trip (csv -> ods -> csv)", problems)

        # formula guard: no text cell starts with = + - @ tab CR
        problems = [f"{r[:4]!r}" for r in want[1:]
                    if any(c[:1] in ("=", "+", "-", "@", "\t", "\r") for c in (r[0], r[1], r[2], r[3], r[10]))]
        report(not problems, "formula guard on text columns", problems)

        # verify, then close a month and re-export it byte for byte
        cli(db, "report", "verify", year_path)
        month = periods[2]
        before = os.path.join(tmp, "before.csv")
        after = os.path.join(tmp, "after.csv")
        cli(db, "report", "ledger", "--from", str(month[0]), "--to", str(month[1]),
            "--output", before)
        cli(db, "period", "close", month[0].strftime("%Y-%m"))
        cli(db, "report", "ledger", "--from", str(month[0]), "--to", str(month[1]),
            "--output", after)
        with open(before, "rb") as a, open(after, "rb") as b:
            same = a.read() == b.read()
        report(same, f"closed month {month[0]:%Y-%m} re-exports byte for byte")

        # the whole year, folded from scratch, values the same
        state_sql = "SELECT * FROM valuation_state ORDER BY warehouse_id, sku"
        dump = cli(db, "report", "valuation", "--at", str(last))
        with sqlite3.connect(db) as c:
            state = list(c.execute(state_sql))
            for table in ("valuation_state", "valuation_cursor", "valuation_transfer"):
                c.execute(f"DELETE FROM {table}")
        dump_again = cli(db, "report", "valuation", "--at", str(last))
        with sqlite3.connect(db) as c:
            state_again = list(c.execute(state_sql))
        report(dump == dump_again and state == state_again and len(state) > 0,
               "a rebuilt valuation equals the incremental one")

    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
