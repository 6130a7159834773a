#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Drives the Stock page through the accessibility tree on a cache synced
# from four simulated warehouses (run-ui-test.sh --with-sim), and checks
# what it shows against `quartermaster-cli stock --format csv` on the same
# cache. Prints TAP lines (the runner renumbers them and adds the plan).
#
# GTK 4.8 gives no screen coordinates and reports every node as not
# showing: everything goes through accessible actions ("click"), editable
# text and labels' names and descriptions. Each cell label of the stock
# list carries its column's title as its accessible description.

import csv
import io
import os
import re
import subprocess
import sys
import time
import traceback

# TAP goes to the real stdout; whatever dogtail prints goes to stderr.
tap = os.fdopen(os.dup(1), 'w', buffering=1)
os.dup2(2, 1)

from dogtail.config import config  # noqa: E402

config.checkForA11y = False
config.logDebugToFile = False
config.logDebugToStdOut = False
config.searchCutoffCount = 2
config.searchBackoffDuration = 0.2
config.actionDelay = 0.2
config.defaultDelay = 0.2

import pyatspi  # noqa: E402
from gi.repository import GLib  # noqa: E402
from dogtail import rawinput, tree  # noqa: E402

APP_NAME = 'quartermaster'
WINDOW_TITLE = 'Quartermaster'
COUNT_RE = re.compile(r'^([\d,.\u202f\u00a0 ]+) SKUs?$')

count = 0
failures = 0


class Failed(Exception):
    pass


def report(passed, description, detail=None):
    global count, failures
    count += 1
    if not passed:
        failures += 1
    tap.write('%s %d - %s\n' % ('ok' if passed else 'not ok', count, description))
    if detail and not passed:
        for line in str(detail).splitlines():
            tap.write('# %s\n' % line)


def check(description):
    def run(fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - every failure is a test result
            report(False, description, '%s\n%s' % (e, traceback.format_exc(limit=3)))
            return False
        report(True, description)
        return True
    return run


def wait_for(what, fn, timeout=10.0):
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            result = fn()
            if result:
                return result
        except Exception as e:  # noqa: BLE001 - nodes come and go while we look
            last_error = e
        time.sleep(0.2)
    raise Failed('timed out waiting for %s%s' %
                 (what, ' (%s)' % last_error if last_error else ''))


def has_state(node, state):
    return node.getState().contains(state)


def find_all(node, role, name=None, description=None):
    return node.findChildren(
        lambda n: n.roleName == role
        and (name is None or n.name == name)
        and (description is None or n.description == description))


def top_level(app, name):
    for c in app.children:
        if c.roleName in ('frame', 'window', 'dialog') and c.name == name:
            return c
    return None


def number(text):
    digits = re.sub(r'[^\d-]', '', text)
    if not digits:
        raise Failed('“%s” is not a number' % text)
    return int(digits)


def read_cli_stock():
    cli = os.environ['QM_UI_CLI']
    db = os.environ['QM_UI_DB']
    out = subprocess.run([cli, '--db', db, 'stock', '--format', 'csv'],
                         check=True, capture_output=True, text=True, timeout=30).stdout
    total = {}
    qualified = {}
    by_warehouse = {}
    for row in csv.DictReader(io.StringIO(out)):
        sku = row['sku']
        quantity = int(row['quantity'])
        total[sku] = total.get(sku, 0) + quantity
        qualified.setdefault(sku, 0)
        if row['status'] == 'qualified':
            qualified[sku] += quantity
        per = by_warehouse.setdefault(sku, {})
        per[row['warehouse_id']] = per.get(row['warehouse_id'], 0) + quantity
    return total, qualified, by_warehouse


def read_cli_value(sku):
    """The SKU's value over every warehouse, from the valuation report (cents)."""
    cli = os.environ['QM_UI_CLI']
    db = os.environ['QM_UI_DB']
    # the simulated history ends on 2026-11-27; a later day holds the same fold
    out = subprocess.run([cli, '--db', db, 'report', 'valuation', '--at', '2030-01-01'],
                         check=True, capture_output=True, text=True, timeout=60).stdout
    cents = 0
    for row in csv.DictReader(io.StringIO(out)):
        if row['sku'] == sku:
            whole, _, frac = row['value'].partition('.')
            cents += int(whole) * 100 + (int(frac) if not whole.startswith('-') else -int(frac))
    return cents


_count_label = None


def count_label(page):
    # Walking the tree over D-Bus is slow with a list on screen: find the
    # label once, then only read its name.
    global _count_label
    if _count_label is None:
        labels = find_all(page, 'label', description='Number of SKUs shown')
        if not labels:
            raise Failed('no label described “Number of SKUs shown”')
        _count_label = labels[0]
    m = COUNT_RE.match(_count_label.name)
    if not m:
        raise Failed('count label says “%s”' % _count_label.name)
    return number(m.group(1))


def wait_for_count(page, expected):
    seen = []

    def ok():
        n = count_label(page)
        seen.append(n)
        return n == expected

    try:
        wait_for('the count label to show %d SKUs' % expected, ok)
    except Failed:
        raise Failed('count label shows %s, expected %d' % (seen[-1] if seen else '?', expected))


def data_rows(page):
    """The stock list's rows on screen: {sku: {column title: label text}}."""
    table = find_one_of(page, 'tree table', 'Stock by SKU')
    rows = {}
    for row in find_all(table, 'table row'):
        cells = {}
        for label in find_all(row, 'label'):
            if label.description:
                cells[label.description] = label.name
        if cells.get('SKU'):
            rows[cells['SKU']] = cells
    return rows


def find_one_of(node, role, name):
    found = find_all(node, role, name)
    if not found:
        raise Failed('no %s named “%s”' % (role, name))
    return found[0]


def set_search(page, text):
    # GTK 4.8 offers no editable text over AT-SPI: focus the entry with the
    # page's Ctrl+F and type, as a person would.
    entry = find_one_of(page, 'entry', 'Search stock')
    rawinput.keyCombo('<Control>f')
    wait_for('the search entry to take the focus',
             lambda: has_state(entry, pyatspi.STATE_FOCUSED), timeout=5)
    rawinput.keyCombo('<Control>a')
    rawinput.pressKey('BackSpace')
    if text:
        rawinput.typeText(text)
    # The entry's text is not readable over AT-SPI either: callers check
    # the result through the count label.
    time.sleep(0.5)


def main():
    total, qualified, by_warehouse = read_cli_stock()
    skus = sorted(total)
    out_of_stock = [s for s in skus if qualified.get(s, 0) == 0]
    # The first SKU that can be typed on a plain keyboard map.
    sku = next((s for s in skus if re.match(r'^[A-Za-z0-9-]+$', s)), skus[0])

    app = None
    main_window = None
    page = None

    def find_app():
        nonlocal app, main_window
        app = wait_for('the application “%s” on the accessibility bus' % APP_NAME,
                       lambda: next((a for a in tree.root.children
                                     if a.name == APP_NAME), None), timeout=20)
        main_window = wait_for('the window “%s”' % WINDOW_TITLE,
                               lambda: top_level(app, WINDOW_TITLE))

    if not check('the main window is on the accessibility bus')(find_app):
        return

    @check('the CLI lists stock to compare with (%d SKUs, %d without qualified units)'
           % (len(skus), len(out_of_stock)))
    def _():
        if not skus:
            raise Failed('quartermaster-cli stock listed nothing')

    def open_page():
        nonlocal page
        tab = wait_for('the Stock tab',
                       lambda: next(iter(find_all(main_window, 'page tab', 'Stock')), None))
        tab.doActionNamed('click')
        wait_for('the Stock tab to be selected', lambda: has_state(tab, pyatspi.STATE_SELECTED))
        page = find_one_of(main_window, 'panel', 'Stock')

    if not check('switching to Stock selects its tab')(open_page):
        return

    @check('the count label shows the CLI’s number of SKUs (%d)' % len(skus))
    def _():
        wait_for_count(page, len(skus))

    @check('searching “%s” leaves one row, with that SKU and the CLI’s total (%d)'
           % (sku, total[sku]))
    def _():
        set_search(page, sku)
        # Another SKU may contain this one (SKU-00001 in SKU-000010): count
        # those too, as the CLI would.
        expected = [s for s in skus if sku.lower() in s.lower()]
        wait_for_count(page, len(expected))
        rows = wait_for('the row of %s' % sku,
                        lambda: (lambda r: r if sku in r else None)(data_rows(page)))
        shown = sorted(rows)
        if len(expected) == 1 and shown != [sku]:
            raise Failed('rows on screen: %s' % shown)
        cells = rows[sku]
        if number(cells.get('Total', '')) != total[sku]:
            raise Failed('total shown %s, CLI says %d' % (cells.get('Total'), total[sku]))

    @check('clearing the search shows every SKU again')
    def _():
        set_search(page, '')
        wait_for_count(page, len(skus))

    @check('“Out of stock only” shows the %d SKUs without qualified units' % len(out_of_stock))
    def _():
        toggle = find_one_of(page, 'push button', 'Out of stock only')
        toggle.doActionNamed('click')
        wait_for_count(page, len(out_of_stock))
        toggle.doActionNamed('click')
        wait_for_count(page, len(skus))

    detail_title = 'Details of %s' % sku

    @check('the SKU’s details show its quantity in each warehouse as the CLI does')
    def _():
        set_search(page, sku)
        button = wait_for('the button of %s' % sku,
                          lambda: next(iter(find_all(page, 'push button',
                                                     'Show details of %s' % sku)), None))
        button.doActionNamed('click')
        detail = wait_for('the window “%s”' % detail_title, lambda: top_level(app, detail_title))
        cells = {}

        def read():
            for label in find_all(detail, 'label'):
                if label.description.endswith(', Total'):
                    cells[label.description[:-len(', Total')]] = number(label.name)
            return cells

        wait_for('the quantities', read)
        expected = by_warehouse[sku]
        for warehouse, quantity in cells.items():
            if warehouse == 'All warehouses':
                if quantity != total[sku]:
                    raise Failed('all warehouses: shown %d, CLI %d' % (quantity, total[sku]))
            elif quantity != expected.get(warehouse, 0):
                raise Failed('%s: shown %d, CLI %d' % (warehouse, quantity,
                                                       expected.get(warehouse, 0)))
        missing = [w for w in expected if w not in cells]
        if missing:
            raise Failed('warehouses missing from the details: %s (shown: %s)'
                         % (missing, sorted(cells)))
        wait_for('days of cover', lambda: any(
            l.name not in ('', 'Calculating…') for l in find_all(detail, 'label',
                                                                  description='Days of cover')))

        # the value at moving-average cost equals the valuation report's sum
        expected_cents = read_cli_value(sku)
        value = wait_for('the value', lambda: next(
            (l.name for l in find_all(detail, 'label', description='Value at moving-average cost')
             if re.search(r'\d+\.\d\d$', l.name)), None))
        amount = value.split()[-1]
        whole, _, frac = amount.partition('.')
        shown = int(whole) * 100 + int(frac)
        if shown != expected_cents:
            raise Failed('value: shown %s, valuation report %d.%02d'
                         % (value, expected_cents // 100, expected_cents % 100))

    @check('the SKU’s details close again')
    def _():
        detail = top_level(app, detail_title)
        if detail is None:
            raise Failed('no window “%s”' % detail_title)
        detail.doActionNamed('window.close')
        wait_for('the details to close', lambda: top_level(app, detail_title) is None)

    @check('the main window closes')
    def _():
        try:
            main_window.doActionNamed('window.close')
        except GLib.GError:
            pass  # the application may quit before it answers the call

        def gone():
            try:
                return top_level(app, WINDOW_TITLE) is None
            except Exception:  # noqa: BLE001 - the application left the bus
                return True

        wait_for('the main window to close', gone)


if __name__ == '__main__':
    try:
        main()
    except Exception as e:  # noqa: BLE001
        report(False, 'the test script ran to its end', '%s\n%s' % (e, traceback.format_exc()))
    sys.exit(1 if failures else 0)
