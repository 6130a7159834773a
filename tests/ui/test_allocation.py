#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Drives the Allocation page through the accessibility tree on a cache
# synced from four simulated warehouses (run-ui-test.sh --with-sim): adds
# two sales channels with the CLI, sets a 60/40 ratio rule for one SKU in
# the window, and checks with `quartermaster-cli allocation show` and
# `report audit` that the window stored what the CLI would have. Prints
# TAP lines (the runner renumbers them and adds the plan).
#
# GTK 4.8 gives no screen coordinates and reports every node as not
# showing: buttons are pressed through their "click" action, the SKU is
# written through the entry's editable text and the weights through the
# spin buttons' accessible value.

import csv
import io
import json
import os
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
CHANNELS = [('app', 'Own app', 60), ('web', 'PC web', 40)]

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


def find_one(node, role, name):
    found = find_all(node, role, name)
    if not found:
        raise Failed('no %s named “%s”' % (role, name))
    return found[0]


def top_level(app, name):
    for c in app.children:
        if c.roleName in ('frame', 'window', 'dialog') and c.name == name:
            return c
    return None


def cli(*args):
    command = [os.environ['QM_UI_CLI'], '--db', os.environ['QM_UI_DB']] + list(args)
    return subprocess.run(command, check=True, capture_output=True, text=True,
                          timeout=30).stdout


def qualified_by_sku():
    qualified = {}
    for row in csv.DictReader(io.StringIO(cli('stock', '--format', 'csv'))):
        qualified.setdefault(row['sku'], 0)
        if row['status'] == 'qualified':
            qualified[row['sku']] += int(row['quantity'])
    return qualified


def largest_remainder(units, weights):
    """Hamilton: floors, then one each to the largest remainders (ties to
    the larger weight, then the smaller id)."""
    total = sum(w for _, w in weights)
    shares = {}
    remainders = []
    for channel_id, w in weights:
        shares[channel_id] = units * w // total
        remainders.append(((units * w) % total, w, channel_id))
    left = units - sum(shares.values())
    remainders.sort(key=lambda r: (-r[0], -r[1], r[2]))
    for _, _, channel_id in remainders[:left]:
        shares[channel_id] += 1
    return shares


def audit_entries(action, obj):
    rows = csv.DictReader(io.StringIO(cli('report', 'audit', '--format', 'csv')))
    return [r for r in rows if r['action'] == action and r['object'] == obj]


def main():
    qualified = qualified_by_sku()
    skus = sorted(qualified)
    sku = skus[0] if skus else None
    weights = [(cid, w) for cid, _, w in CHANNELS]

    @check('the CLI lists stock (%d SKUs; the first, %s, has %s qualified units)'
           % (len(skus), sku, qualified.get(sku)))
    def _():
        if not skus:
            raise Failed('quartermaster-cli stock listed nothing')

    if not skus:
        return

    @check('the CLI adds the channels %s' % ', '.join(n for _, n, _ in CHANNELS))
    def _():
        for channel_id, name, _ in CHANNELS:
            cli('channel', 'add', channel_id, '--name', name)

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
        tab = wait_for('the Allocation tab',
                       lambda: next(iter(find_all(main_window, 'page tab', 'Allocation')), None))
        tab.doActionNamed('click')
        wait_for('the Allocation tab to be selected',
                 lambda: has_state(tab, pyatspi.STATE_SELECTED))
        page = find_one(main_window, 'panel', 'Allocation')
        # The page reads the cache when shown: the channels added above are there.
        try:
            for _, name, _ in CHANNELS:
                wait_for('the spin button “Weight for %s”' % name,
                         lambda: find_all(page, 'spin button', 'Weight for %s' % name))
        except Failed as e:
            spins = [n.name for n in find_all(page, 'spin button')]
            titles = [n.name for n in find_all(page, 'label')][:5]
            raise Failed('%s; spin buttons: %s; first labels: %s' % (e, spins, titles))

    if not check('the Allocation page shows the rule editor with a weight per new channel')(
            open_page):
        return

    @check('choosing “One SKU” and writing %s into the SKU field' % sku)
    def _():
        one_sku = find_one(page, 'push button', 'One SKU')
        one_sku.doActionNamed('click')
        try:
            entry = wait_for('the entry “SKU”',
                             lambda: next(iter(find_all(page, 'text', 'SKU')), None))
        except Failed as e:
            texts = [(n.roleName, n.name) for n in page.findChildren(
                lambda n: n.roleName in ('text', 'entry', 'password text'))]
            raise Failed('%s; text fields: %s; One SKU states: %s' % (
                e, texts, one_sku.getState().getStates()))
        entry.queryEditableText().setTextContents(sku)
        wait_for('the preview of %s' % sku,
                 lambda: any(l.name.startswith('May sell')
                             for l in find_all(page, 'label')), timeout=15)

    @check('mode Ratio with weights 60 and 40 shows shares of 60% and 40%')
    def _():
        ratio = find_one(page, 'push button', 'Ratio')
        ratio.doActionNamed('click')
        # GTK 4.8 reports a toggle button that is down as PRESSED
        wait_for('Ratio to be pressed', lambda: has_state(ratio, pyatspi.STATE_PRESSED))
        for _, name, weight in CHANNELS:
            spin = find_one(page, 'spin button', 'Weight for %s' % name)
            spin.queryValue().currentValue = weight
        for _, name, weight in CHANNELS:
            wait_for('the share of %s to read %d%%' % (name, weight),
                     lambda: any(l.name == '%d%%' % weight for l in
                                 find_all(page, 'label', description='Share of %s' % name)))

    @check('Apply stores the rule: an allocation.set entry for sku:%s with app 60 and web 40'
           % sku)
    def _():
        find_one(page, 'push button', 'Apply').doActionNamed('click')
        entries = wait_for('the audit entry', lambda: audit_entries('allocation.set',
                                                                    'sku:%s' % sku))
        after = json.loads(entries[-1]['after'])
        if after.get('mode') != 'ratio' or after.get('weights') != {'app': 60, 'web': 40}:
            raise Failed('the audit says %s' % entries[-1]['after'])
        if '"app":60' not in entries[-1]['after'] or '"web":40' not in entries[-1]['after']:
            raise Failed('the audit says %s' % entries[-1]['after'])

    expected = largest_remainder(qualified[sku], weights)

    @check('allocation show splits %s’s %d qualified units 60/40: app %d, web %d'
           % (sku, qualified[sku], expected['app'], expected['web']))
    def _():
        rows = csv.DictReader(io.StringIO(cli('allocation', 'show', '--sku', sku)))
        regular = {r['channel']: int(r['regular']) for r in rows if r['sku'] == sku}
        if regular != expected:
            raise Failed('allocation show says %s' % regular)

    @check('Undo Last Change puts the rule back as it was (none): audited as allocation.undo')
    def _():
        find_one(page, 'push button', 'Undo Last Change').doActionNamed('click')
        wait_for('the undo entry', lambda: audit_entries('allocation.undo', 'sku:%s' % sku))
        rows = csv.DictReader(io.StringIO(cli('allocation', 'show', '--sku', sku)))
        regular = {r['channel']: int(r['regular']) for r in rows if r['sku'] == sku}
        # no rule left: the built-in default shares the whole pool
        if regular != {'app': qualified[sku], 'web': qualified[sku]}:
            raise Failed('allocation show says %s' % regular)

    @check('the main window closes')
    def _():
        try:
            main_window.doActionNamed('window.close')
        except Exception as e:  # noqa: BLE001
            # The app may quit before it answers: that is a close too.
            if 'disconnected' not in str(e):
                raise

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
