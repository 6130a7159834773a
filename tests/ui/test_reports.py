#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Drives the Reports page through the accessibility tree on a cache synced
# from four simulated warehouses (run-ui-test.sh --with-sim): chooses the
# stock ledger, types a period inside the simulator's history, checks the
# preview's row count against `quartermaster-cli report ledger`, exports
# through the file chooser and compares the file byte for byte with the
# CLI's output, then checks `quartermaster-cli report verify` accepts it.
# The same for the valuation at a day, and for today's audit trail with a
# byte order mark. Prints TAP lines (the runner
# renumbers them and adds the plan).
#
# GTK 4.8 gives no screen coordinates and reports every node as not
# showing: buttons are pressed through their "click" action and days are
# written through the entries' editable text. Without a portal under
# Xvfb, GtkFileChooserNative shows GTK's own dialog; a full path typed in
# its Name entry saves there.

import csv
import datetime
import io
import json
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
from dogtail import tree  # noqa: E402

APP_NAME = 'quartermaster'
WINDOW_TITLE = 'Quartermaster'

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


# The preview holds a label per cell on screen: thousands of nodes, each a
# D-Bus round trip. Searches skip it (the rows are counted by the page).
PREVIEW_NAME = 'Report preview'


def find_all(node, role, name=None, description=None):
    found = []

    def visit(parent):
        for child in parent.children:
            if child is None or child.name == PREVIEW_NAME:
                continue
            if child.roleName == role and (name is None or child.name == name) \
                    and (description is None or child.description == description):
                found.append(child)
            visit(child)

    visit(node)
    return found


def find_one(node, role, name):
    found = find_all(node, role, name)
    if not found:
        raise Failed('no %s named “%s”' % (role, name))
    return found[0]


def top_level(app, name):
    for c in app.children:
        # GTK 4.8 reports the file chooser dialog as a filler
        if c.roleName in ('frame', 'window', 'dialog', 'file chooser', 'filler') \
                and c.name == name:
            return c
    return None


def cli_bytes(*args):
    command = [os.environ['QM_UI_CLI'], '--db', os.environ['QM_UI_DB']] + list(args)
    return subprocess.run(command, check=True, capture_output=True, timeout=60).stdout


def csv_rows(data):
    return len(list(csv.reader(io.StringIO(data.decode('utf-8'), newline='')))) - 1


def day(days_ago):
    return (datetime.datetime.now(datetime.timezone.utc).date()
            - datetime.timedelta(days=days_ago)).isoformat()


def main():
    work = os.path.dirname(os.environ['QM_UI_DB'])
    out_dir = os.path.join(work, 'exports')
    os.makedirs(out_dir, exist_ok=True)
    # Inside the simulator's 30 days of history, ending before today.
    period = (day(21), day(7))
    at_day = day(10)

    ledger = cli_bytes('report', 'ledger', '--from', period[0], '--to', period[1])
    ledger_rows = csv_rows(ledger)
    valuation = cli_bytes('report', 'valuation', '--at', at_day)
    valuation_rows = csv_rows(valuation)

    @check('the CLI’s ledger for %s to %s has rows (%d) and its valuation at %s too (%d)'
           % (period[0], period[1], ledger_rows, at_day, valuation_rows))
    def _():
        if ledger_rows <= 0 or valuation_rows <= 0:
            raise Failed('the simulator’s history gave no rows')

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

    def open_page():
        nonlocal page
        tab = wait_for('the Reports tab',
                       lambda: next(iter(find_all(main_window, 'page tab', 'Reports')), None))
        tab.doActionNamed('click')
        wait_for('the Reports tab to be selected',
                 lambda: has_state(tab, pyatspi.STATE_SELECTED))
        page = find_one(main_window, 'panel', 'Reports')
        wait_for('the report buttons and the date entries',
                 lambda: find_all(page, 'push button', 'Stock Ledger')
                 and find_all(page, 'text', 'First day')
                 and find_all(page, 'text', 'Last day'), timeout=15)

    if not check('the Reports page shows the report choice and the period entries')(open_page):
        return

    def count_label():
        labels = find_all(page, 'label', description='Rows in the report')
        if not labels:
            raise Failed('no label described “Rows in the report”')
        return labels[0]

    def shown_rows():
        digits = re.sub(r'[^0-9]', '', count_label().name)
        return int(digits) if digits else None

    def wait_rows(expected, what):
        try:
            wait_for('%s: %d rows in the preview' % (what, expected),
                     lambda: shown_rows() == expected, timeout=30)
        except Failed as e:
            raise Failed('%s; the page says “%s”' % (e, count_label().name))

    def export_button():
        found = find_all(page, 'push button', 'Export…')
        if not found:
            raise Failed('no push button “Export…”; buttons: %s'
                         % [b.name for b in find_all(page, 'push button')])
        return found[0]

    @check('a day that does not exist is flagged under the entries and Export… is disabled')
    def _():
        find_one(page, 'push button', 'Stock Ledger').doActionNamed('click')
        find_one(page, 'text', 'First day').queryEditableText().setTextContents('2026-02-30')
        wait_for('the error under the entries',
                 lambda: any('not a date' in l.name for l in find_all(page, 'label')))
        wait_for('Export… to be disabled',
                 lambda: not has_state(export_button(), pyatspi.STATE_SENSITIVE))

    def export_to(path, report_name):
        button = export_button()
        wait_for('Export… to be enabled',
                 lambda: has_state(button, pyatspi.STATE_SENSITIVE))
        button.doActionNamed('click')
        title = 'Export %s' % report_name
        try:
            dialog = wait_for('the file chooser “%s”' % title, lambda: top_level(app, title),
                              timeout=15)
        except Failed as e:
            raise Failed('%s; windows: %s' % (e, [(c.roleName, c.name) for c in app.children]))
        try:
            name = wait_for('its Name entry',
                            lambda: next(iter(find_all(dialog, 'text', 'Name:')), None))
        except Failed as e:
            texts = [(n.roleName, n.name) for n in dialog.findChildren(
                lambda n: n.roleName in ('text', 'entry'))]
            raise Failed('%s; text fields: %s' % (e, texts))
        def name_text():
            t = name.queryText()
            return t.getText(0, t.characterCount)

        try:
            suggested = wait_for('the suggested name', name_text, timeout=5)
        except Failed:
            suggested = name_text()
        name.queryEditableText().setTextContents(path)
        # GTK 4.8 names the dialog's buttons twice, raw and shown: “_Export Export”
        buttons = [b for b in find_all(dialog, 'push button')
                   if b.name in ('Export', '_Export Export') and 'click' in b.actions]
        if not buttons:
            raise Failed('no Export button in the file chooser; buttons: %s' %
                         [b.name for b in find_all(dialog, 'push button')])
        buttons[0].doActionNamed('click')
        wait_for('the file chooser to close', lambda: top_level(app, title) is None)
        return suggested

    def wait_toast(path, rows):
        name = os.path.basename(path)

        def toast():
            for label in find_all(main_window, 'label'):
                m = re.match(r'^Exported (.+) rows? to (.+)$', label.name)
                if m and m.group(2) == name:
                    return label.name
            return None

        try:
            text = wait_for('a toast “Exported … rows to %s”' % name, toast, timeout=60)
        except Failed as e:
            labels = [l.name for l in find_all(main_window, 'label') if 'xport' in l.name]
            raise Failed('%s; labels about exports: %s' % (e, labels))
        digits = re.sub(r'[^0-9]', '', text.split(' to ')[0])
        if int(digits) != rows:
            raise Failed('the toast says “%s”, not %d rows' % (text, rows))

    def compare(path, expected, report_name, parameters):
        with open(path, 'rb') as f:
            data = f.read()
        if data != expected:
            raise Failed('%s differs from the CLI’s output: %d bytes against %d'
                         % (path, len(data), len(expected)))
        verify = subprocess.run([os.environ['QM_UI_CLI'], 'report', 'verify', path],
                                capture_output=True, text=True, timeout=60)
        if verify.returncode != 0:
            raise Failed('report verify failed: %s' % verify.stderr)
        with open(path + '.manifest.json') as f:
            manifest = json.load(f)
        if manifest.get('report') != report_name or manifest.get('parameters') != parameters:
            raise Failed('the manifest says %s %s' % (manifest.get('report'),
                                                      manifest.get('parameters')))
        leftovers = [n for n in os.listdir(os.path.dirname(path)) if n.endswith('.part')]
        if leftovers:
            raise Failed('temporary files left: %s' % leftovers)

    @check('a period of %s to %s previews the same %d rows as the CLI’s ledger'
           % (period[0], period[1], ledger_rows))
    def _():
        find_one(page, 'text', 'First day').queryEditableText().setTextContents(period[0])
        find_one(page, 'text', 'Last day').queryEditableText().setTextContents(period[1])
        wait_rows(ledger_rows, 'the ledger')

    screenshot = os.environ.get('QM_UI_SCREENSHOT')
    if screenshot:
        time.sleep(1)
        subprocess.run(['import', '-window', 'root', screenshot], timeout=15, check=False)

    ledger_path = os.path.join(out_dir, 'ledger-ui.csv')

    @check('Export… suggests ledger-%s-%s.csv and saves where the file chooser says'
           % period)
    def _():
        suggested = export_to(ledger_path, 'Stock Ledger')
        if suggested != 'ledger-%s-%s.csv' % period:
            raise Failed('the suggested name was “%s”' % suggested)

    @check('a toast says “Exported %d rows to ledger-ui.csv”' % ledger_rows)
    def _():
        wait_toast(ledger_path, ledger_rows)

    @check('the exported ledger equals `report ledger --from %s --to %s` byte for byte, '
           'report verify accepts it, and its manifest names the period' % period)
    def _():
        compare(ledger_path, ledger, 'ledger',
                {'from': period[0], 'to': period[1], 'time_zone': 'UTC', 'bom': 'false'})

    @check('Valuation at the end of %s previews the CLI’s %d rows' % (at_day, valuation_rows))
    def _():
        find_one(page, 'push button', 'Valuation').doActionNamed('click')
        entry = wait_for('the entry “Day”',
                         lambda: next(iter(find_all(page, 'text', 'Day')), None))
        entry.queryEditableText().setTextContents(at_day)
        wait_rows(valuation_rows, 'the valuation')

    valuation_path = os.path.join(out_dir, 'valuation-ui.csv')

    @check('the valuation exports through the file chooser, equal to `report valuation '
           '--at %s` byte for byte, and verifies' % at_day)
    def _():
        suggested = export_to(valuation_path, 'Valuation')
        if suggested != 'valuation-%s.csv' % at_day:
            raise Failed('the suggested name was “%s”' % suggested)
        wait_toast(valuation_path, valuation_rows)
        compare(valuation_path, valuation, 'valuation',
                {'at': at_day, 'time_zone': 'UTC', 'bom': 'false'})

    today = day(0)
    audit_path = os.path.join(out_dir, 'audit-ui.csv')

    @check('the audit trail of today, with a BOM for Excel, exports equal to `report audit '
           '--from %s --to %s --bom` byte for byte, and verifies' % (today, today))
    def _():
        find_one(page, 'push button', 'Audit Trail').doActionNamed('click')
        find_one(page, 'text', 'First day').queryEditableText().setTextContents(today)
        find_one(page, 'text', 'Last day').queryEditableText().setTextContents(today)
        expected = cli_bytes('report', 'audit', '--from', today, '--to', today, '--bom')
        rows = csv_rows(expected[3:])
        if rows <= 0:
            raise Failed('the CLI lists no audit entry for today')
        wait_rows(rows, 'the audit trail')
        # a GtkSwitch: GTK 4.8 gives check buttons no action, switches “toggle”
        bom = wait_for('the switch “Include BOM for Excel”',
                       lambda: next(iter(find_all(page, 'check box', 'Include BOM for Excel')),
                                    None))
        bom.doActionNamed('toggle')
        wait_for('the BOM option to be on', lambda: has_state(bom, pyatspi.STATE_CHECKED))
        suggested = export_to(audit_path, 'Audit Trail')
        if suggested != 'audit-%s-%s.csv' % (today, today):
            raise Failed('the suggested name was “%s”' % suggested)
        wait_toast(audit_path, rows)
        compare(audit_path, expected, 'audit',
                {'from': today, 'to': today, 'time_zone': 'UTC', 'bom': 'true'})

    @check('the main window closes')
    def _():
        try:
            main_window.doActionNamed('window.close')
        except Exception:  # noqa: BLE001
            # GTK 4.8 may not answer the action, or the app may quit before
            # it does: whether the window went is checked below.
            pass

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
