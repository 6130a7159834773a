#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Drives the Procurement page through the accessibility tree on a cache
# synced from four simulated warehouses (run-ui-test.sh --with-sim):
# generates a plan in the window, picks a line and reads its explanation,
# changes its approved quantity with a reason, approves the plan, pushes
# it to the warehouses, and checks with quartermaster-cli that the cache
# holds what the window showed: the edited quantity, the approval, the
# reason in the audit trail and an unbroken audit chain. Prints TAP lines
# (the runner renumbers them and adds the plan).
#
# GTK 4.8 gives no screen coordinates and reports every node as not
# showing: buttons are pressed through their "click" action, the reason
# is written through the entry's editable text and the quantity through
# the spin button's accessible value; the search entry is typed into.

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
from dogtail import rawinput, tree  # noqa: E402

APP_NAME = 'quartermaster'
WINDOW_TITLE = 'Quartermaster'
REASON = 'UI test: the supplier ships in cartons of five'
COUNT_RE = re.compile(r'^([\d,.\u202f\u00a0 ]+) lines?$')

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


def spoken(name):
    """A name as a person says it: GTK 4.8 names a button with a label
    (e.g. a dialog's response) by its mnemonic and its text together,
    “_Save Save”."""
    plain = name.replace('_', '')
    half = plain[:len(plain) // 2]
    if len(plain) % 2 == 1 and plain == half + ' ' + half:
        return half
    return plain


def find_all(node, role, name=None, description=None):
    return node.findChildren(
        lambda n: n.roleName == role
        and (name is None or n.name == name or spoken(n.name) == name)
        and (description is None or n.description == description))


def find_one(node, role, name):
    found = find_all(node, role, name)
    if not found:
        seen = sorted(set(n.name for n in find_all(node, role)))[:12]
        raise Failed('no %s named “%s” (there are: %s)' % (role, name, seen))
    return found[0]


def sensitive(node):
    return has_state(node, pyatspi.STATE_SENSITIVE)


def top_level(app, name):
    # A dialog may be reported as a “filler” for a while after it opens.
    for c in app.children:
        if c.roleName in ('frame', 'window', 'dialog', 'filler') and c.name == name:
            return c
    return None


def number(text):
    digits = re.sub(r'[^\d-]', '', text)
    if not digits:
        raise Failed('“%s” is not a number' % text)
    return int(digits)


def cli_run(*args, check=True):
    command = [os.environ['QM_UI_CLI'], '--db', os.environ['QM_UI_DB']] + list(args)
    return subprocess.run(command, check=check, capture_output=True, text=True, timeout=60)


def cli(*args):
    return cli_run(*args).stdout


def plan_rows():
    return list(csv.DictReader(io.StringIO(cli('plan', 'show', '--format', 'csv'))))


def audit_rows():
    return list(csv.DictReader(io.StringIO(cli('report', 'audit', '--format', 'csv'))))


def main():
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
        tab = wait_for('the Procurement tab',
                       lambda: next(iter(find_all(main_window, 'page tab', 'Procurement')), None))
        tab.doActionNamed('click')
        wait_for('the Procurement tab to be selected',
                 lambda: has_state(tab, pyatspi.STATE_SELECTED))
        page = find_one(main_window, 'panel', 'Procurement')
        # The synced cache has warehouses but no plan yet: the empty state
        # offers to generate one.
        wait_for('the title “No Procurement Plan Yet”',
                 lambda: find_all(page, 'label', 'No Procurement Plan Yet'))

    if not check('the Procurement page starts empty, titled “No Procurement Plan Yet”')(
            open_page):
        return

    status = None

    def generate():
        nonlocal status
        button = wait_for('the button “Generate Plan…”',
                          lambda: next((b for b in find_all(page, 'push button', 'Generate Plan…')
                                        if sensitive(b)), None))
        button.doActionNamed('click')
        dialog = wait_for('the dialog “Generate Procurement Plan”',
                          lambda: top_level(app, 'Generate Procurement Plan'))
        # The defaults are there to be read and changed.
        service = find_one(dialog, 'spin button', 'Service level')
        if abs(service.queryValue().currentValue - 95.0) > 1e-9:
            raise Failed('the service level starts at %s, not 95'
                         % service.queryValue().currentValue)
        window = find_one(dialog, 'spin button', 'Demand window')
        if window.queryValue().currentValue != 56:
            raise Failed('the demand window starts at %s days, not 56'
                         % window.queryValue().currentValue)
        find_one(dialog, 'push button', 'Generate').doActionNamed('click')
        status = wait_for('the plan status “Draft”',
                          lambda: next(iter(find_all(page, 'label', 'Draft',
                                                     description='Plan status')), None),
                          timeout=60)

    if not check('Generate Plan… with the default settings makes a draft plan')(generate):
        return

    rows = []
    candidates = []

    @check('the CLI shows the plan the window made, with lines to choose from')
    def _():
        nonlocal rows, candidates
        rows = plan_rows()
        if not rows:
            raise Failed('quartermaster-cli plan show listed no lines')
        # A line with a suggestion, whose SKU can be typed on a plain keyboard.
        candidates = [r for r in rows if int(r['suggested_quantity']) > 0
                      and re.match(r'^[A-Za-z0-9-]+$', r['sku'])]
        if not candidates:
            raise Failed('no line with a suggestion: %s' % rows[:3])

    if not candidates:
        return

    @check('the totals show the CLI’s units suggested (%d) and at least its %d rows'
           % (sum(int(r['suggested_quantity']) for r in rows), len(rows)))
    def _():
        # The plan CSV sums a warehouse's purchase and transfer of a SKU on
        # one row; the window lists them apart.
        suggested = sum(int(r['suggested_quantity']) for r in rows)
        summary = find_all(page, 'label', description='Plan totals')[0]
        units = re.search(r'([\d,.\u202f\u00a0 ]+) units suggested', summary.name)
        if not units or number(units.group(1)) != suggested:
            raise Failed('the totals say “%s”' % summary.name)
        label = find_all(page, 'label', description='Number of lines shown')[0]
        wait_for('the count', lambda: COUNT_RE.match(label.name)
                 and number(label.name) >= len(rows))

    def search(text):
        entry = find_one(page, 'entry', 'Search plan lines')
        rawinput.keyCombo('<Control>f')
        wait_for('the search entry to take the focus',
                 lambda: has_state(entry, pyatspi.STATE_FOCUSED), timeout=5)
        rawinput.keyCombo('<Control>a')
        rawinput.pressKey('BackSpace')
        rawinput.typeText(text)

    line = None

    @check('searching a SKU and picking its purchase line explains its suggestion')
    def _():
        nonlocal line
        # A line without a transfer beside it, so that the CSV's approved
        # quantity (purchase and transfer summed) is the line's own.
        for candidate in candidates[:6]:
            search(candidate['sku'])
            name = 'Explain %s in %s' % (candidate['sku'], candidate['warehouse_id'])
            button = wait_for('the button “%s”' % name,
                              lambda: next(iter(find_all(page, 'push button', name)), None))
            transfer = [b for b in find_all(page, 'push button')
                        if b.name.startswith(name + ', transfer from ')]
            if not transfer:
                line = candidate
                break
        if line is None:
            raise Failed('every candidate line has a transfer beside it')
        button.doActionNamed('click')
        title = find_all(page, 'label', description='Line explained')[0]
        wait_for('the explanation’s title to name %s' % line['sku'],
                 lambda: line['sku'] in title.name)
        text = find_all(page, 'label', description='How the suggestion came about')[0]
        wait_for('the explanation', lambda: 'Position' in text.name and 'Suggested' in text.name)
        plain = text.name.replace(',', '').replace('\u202f', '').replace('\u00a0', '')
        if 'Suggested: %s units' % line['suggested_quantity'] not in plain:
            raise Failed('the explanation does not give the suggestion %s: %s'
                         % (line['suggested_quantity'], text.name))
        if 'Safety stock SS = z × sd × √L' not in text.name:
            raise Failed('the explanation does not say how the safety stock is worked out: %s'
                         % text.name)

    if line is None:
        return

    sku = line['sku']
    warehouse = line['warehouse_id']
    suggested = int(line['suggested_quantity'])
    edited = suggested + 5

    @check('Change Approved Quantity… asks for a reason before it saves %d units' % edited)
    def _():
        button = wait_for('a sensitive “Change Approved Quantity…”',
                          lambda: next((b for b in find_all(page, 'push button',
                                                            'Change Approved Quantity…')
                                        if sensitive(b)), None))
        button.doActionNamed('click')
        dialog = wait_for('the dialog “Change Approved Quantity”',
                          lambda: top_level(app, 'Change Approved Quantity'))
        save = find_one(dialog, 'push button', 'Save')
        if sensitive(save):
            raise Failed('Save is pressable before a reason is written')
        spin = find_one(dialog, 'spin button', 'Approved quantity')
        spin.queryValue().currentValue = edited
        wait_for('the quantity to read %d' % edited,
                 lambda: spin.queryValue().currentValue == edited)
        reason = find_one(dialog, 'text', 'Reason')
        reason.queryEditableText().setTextContents(REASON)
        wait_for('Save to become pressable', lambda: sensitive(save))
        save.doActionNamed('click')
        wait_for('the dialog to close',
                 lambda: top_level(app, 'Change Approved Quantity') is None)

    @check('the CLI shows the approved quantity of %s in %s as %d'
           % (sku, warehouse, edited))
    def _():
        def stored():
            for r in plan_rows():
                if r['sku'] == sku and r['warehouse_id'] == warehouse:
                    return int(r['approved_quantity']) == edited
            return False
        wait_for('the edit to be stored', stored)

    @check('Approve… with its confirmation approves the plan')
    def _():
        button = wait_for('a sensitive “Approve…”',
                          lambda: next((b for b in find_all(page, 'push button', 'Approve…')
                                        if sensitive(b)), None))
        button.doActionNamed('click')
        dialog = wait_for('the confirmation',
                          lambda: next((c for c in app.children
                                        if c.roleName in ('dialog', 'window', 'frame')
                                        and c.name.startswith('Approve Plan')), None))
        find_one(dialog, 'push button', 'Approve').doActionNamed('click')
        wait_for('the status “Approved”',
                 lambda: find_all(page, 'label', 'Approved', description='Plan status'))
        if find_all(page, 'push button', 'Change Approved Quantity…') and sensitive(
                find_one(page, 'push button', 'Change Approved Quantity…')):
            raise Failed('an approved plan still offers to change a quantity')

    @check('the CLI agrees: the plan is approved and %s in %s keeps %d' % (sku, warehouse, edited))
    def _():
        header = cli('plan', 'show', '--format', 'table').splitlines()[0]
        if ', approved,' not in header:
            raise Failed('plan show says “%s”' % header)
        approvals = [r for r in audit_rows() if r['action'] == 'plan.approve']
        if not approvals:
            raise Failed('no plan.approve entry in the audit report')
        for r in plan_rows():
            if r['sku'] == sku and r['warehouse_id'] == warehouse:
                if int(r['approved_quantity']) != edited:
                    raise Failed('approved_quantity is %s' % r['approved_quantity'])
                break
        else:
            raise Failed('the line is gone from plan show')

    @check('the audit trail verifies and its plan.line.edit entry holds the reason')
    def _():
        verify = cli_run('audit', 'verify', check=False)
        if verify.returncode != 0:
            raise Failed('audit verify exited %d: %s' % (verify.returncode, verify.stderr))
        edits = [r for r in audit_rows() if r['action'] == 'plan.line.edit']
        if not edits:
            raise Failed('no plan.line.edit entry in the audit report')
        if not any(REASON in (r['before'] + r['after'] + r['object']) for r in edits):
            raise Failed('the reason is not in the audit: %s' % edits[-1])

    @check('Push to Warehouses sends the orders: every warehouse’s order is accepted')
    def _():
        button = wait_for('a sensitive “Push to Warehouses”',
                          lambda: next((b for b in find_all(page, 'push button',
                                                            'Push to Warehouses')
                                        if sensitive(b)), None))
        button.doActionNamed('click')
        wait_for('the status “Pushed”',
                 lambda: find_all(page, 'label', 'Pushed', description='Plan status'),
                 timeout=60)
        orders = find_one(page, 'list', 'Orders by warehouse')
        texts = [n.name for n in find_all(orders, 'label')]
        if not any(t.startswith('Accepted as ') for t in texts):
            raise Failed('no accepted order in the list: %s' % texts)
        if any(t.startswith('Rejected') for t in texts):
            raise Failed('an order was rejected: %s' % texts)

    screenshot = os.environ.get('QM_UI_SCREENSHOT')
    if screenshot:
        time.sleep(0.5)
        subprocess.run(['import', '-window', 'root', screenshot], timeout=15, check=False)

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
