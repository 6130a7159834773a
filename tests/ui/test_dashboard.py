#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The Dashboard on a cache synced from four simulated warehouses, driven
# through the accessibility tree. Run by run-ui-test.sh --with-sim, which
# exports QM_UI_DB, QM_UI_CLI, QM_UI_SIM_URLS (east first) and
# QM_UI_TOKEN_FILE. Prints TAP lines (the runner renumbers them).
#
# As in test_shell.py: no coordinates, only accessible "click" actions,
# and results read from names and states.

import json
import os
import subprocess
import sys
import time
import traceback
import urllib.request

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
UNITS_TILE = 'Units on hand'

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


def wait_for(what, fn, timeout=5.0):
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


def find_all(node, role, name=None):
    return node.findChildren(
        lambda n: n.roleName == role and (name is None or n.name == name))


def top_level(app, name):
    for c in app.children:
        if c.roleName in ('frame', 'window', 'dialog') and c.name == name:
            return c
    return None


def cli(*args):
    out = subprocess.run([os.environ['QM_UI_CLI'], '--db', os.environ['QM_UI_DB']] + list(args),
                         check=True, capture_output=True, text=True, timeout=30)
    return out.stdout


def cli_units_on_hand():
    lines = cli('stock', '--format', 'csv').splitlines()
    header = lines[0].split(',')
    column = header.index('quantity')
    return sum(int(line.split(',')[column]) for line in lines[1:] if line.strip())


def cli_warehouse_names():
    names = []
    for line in cli('endpoint', 'list').splitlines():
        fields = line.split('\t')
        if len(fields) >= 3:
            names.append(fields[2] or fields[0])
    return names


def tile_value(page, title):
    """The plain integer a tile's accessible name carries ("Title: 123")."""
    prefix = title + ': '
    labels = page.findChildren(lambda n: n.roleName == 'label' and n.name.startswith(prefix))
    if not labels:
        raise Failed('no tile “%s”' % title)
    return int(labels[0].name[len(prefix):])


def advance_east(movements):
    base = os.environ['QM_UI_SIM_URLS'].split()[0]
    with open(os.environ['QM_UI_TOKEN_FILE']) as f:
        token = f.read().strip()
    request = urllib.request.Request(
        base + 'control/advance',
        data=json.dumps({'movements': movements}).encode(),
        headers={'Authorization': 'Bearer ' + token,
                 'Content-Type': 'application/json'},
        method='POST')
    with urllib.request.urlopen(request, timeout=10) as answer:
        if answer.status != 200:
            raise Failed('control/advance answered %d' % answer.status)


def main():
    app = wait_for('the application on the accessibility bus',
                   lambda: next((a for a in tree.root.children if a.name == APP_NAME), None),
                   timeout=20)
    window = wait_for('the main window', lambda: top_level(app, WINDOW_TITLE))

    tab = wait_for('the Dashboard tab', lambda: find_all(window, 'page tab', 'Dashboard'))[0]
    tab.doActionNamed('click')
    page = wait_for('the Dashboard page', lambda: find_all(window, 'panel', 'Dashboard'))[0]

    @check('the units-on-hand tile equals the sum of the CLI’s stock quantities')
    def _():
        expected = cli_units_on_hand()
        wait_for('the tile to show %d' % expected,
                 lambda: tile_value(page, UNITS_TILE) == expected, timeout=20)

    @check('the other key figures are shown by name')
    def _():
        for title in ('Stock value', 'SKUs out of stock', 'Overstock SKUs', 'Stale warehouses'):
            wait_for('tile “%s”' % title,
                     lambda: page.findChildren(lambda n: n.roleName == 'label' and
                                               n.name.startswith(title + ': ')))
        reorder = page.findChildren(
            lambda n: n.roleName == 'label' and n.name.startswith('SKUs below reorder point: '))
        if not reorder:
            raise Failed('no tile “SKUs below reorder point”')

    @check('both charts are there and describe what they show')
    def _():
        for name in ('Stock by warehouse and status chart', 'Units on hand trend chart'):
            chart = wait_for('chart “%s”' % name,
                             lambda: page.findChildren(lambda n: n.name == name))[0]
            if not chart.description or chart.description == 'No data yet':
                raise Failed('chart “%s” has no description' % name)

    @check('the sync panel lists the four warehouses by name')
    def _():
        names = cli_warehouse_names()
        if len(names) != 4:
            raise Failed('the CLI lists %d warehouses: %s' % (len(names), names))
        for name in names:
            wait_for('a label “%s”' % name, lambda: find_all(page, 'label', name))

    @check('after the east warehouse moves on, Sync Now brings the tile to the CLI’s new sum')
    def _():
        before = tile_value(page, UNITS_TILE)
        advance_east(200)
        button = wait_for('the Sync Now button',
                          lambda: [b for b in find_all(page, 'push button', 'Sync Now')
                                   if 'click' in b.actions])[0]
        button.doActionNamed('click')
        wait_for('the sync to finish',
                 lambda: page.findChildren(lambda n: n.roleName == 'label' and
                                           n.name.startswith('Sync finished')),
                 timeout=60)
        if not button.getState().contains(pyatspi.STATE_SENSITIVE):
            wait_for('Sync Now to be available again',
                     lambda: button.getState().contains(pyatspi.STATE_SENSITIVE))
        expected = cli_units_on_hand()
        wait_for('the tile to show %d (was %d)' % (expected, before),
                 lambda: tile_value(page, UNITS_TILE) == expected, timeout=20)
        finished = page.findChildren(lambda n: n.roleName == 'label' and
                                     n.name.startswith('Sync finished'))[0]
        if 'failed' in finished.name:
            raise Failed(finished.name)

    @check('the main window closes')
    def _():
        try:
            window.doActionNamed('window.close')
        except Exception as e:  # noqa: BLE001
            # The app may leave the bus before it answers: the window closed.
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
