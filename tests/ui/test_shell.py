#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Drives the Quartermaster window through the accessibility tree, by the
# names a person would use. Run by run-ui-test.sh, which starts the app,
# Xvfb and the accessibility bus. Prints TAP lines (numbered here; the
# runner renumbers them and adds the plan).
#
# GTK 4.8 cannot give screen coordinates and reports every node as not
# showing, so everything here goes through accessible actions ("click")
# and states (SELECTED), never through the mouse.

import os
import subprocess
import sys
import time
import traceback

# TAP goes to the real stdout; whatever dogtail prints goes to stderr.
tap = os.fdopen(os.dup(1), 'w', buffering=1)
os.dup2(2, 1)

from dogtail.config import config  # noqa: E402

config.checkForA11y = False       # it reads a dconf key; the bridge is on anyway
config.logDebugToFile = False
config.logDebugToStdOut = False
config.searchCutoffCount = 2
config.searchBackoffDuration = 0.2
config.actionDelay = 0.2
config.defaultDelay = 0.2

import pyatspi  # noqa: E402
from gi.repository import GLib  # noqa: E402
from dogtail import tree  # noqa: E402

APP_NAME = 'quartermaster'
WINDOW_TITLE = 'Quartermaster'
PAGES = [
    ('Dashboard', 'No Warehouses Yet'),
    ('Stock', 'No Stock to Show'),
    ('Allocation', 'Nothing to Allocate Yet'),
    ('Procurement', 'No Procurement Plan Yet'),
    ('Reports', 'No Reports Yet'),
]
MENU_ITEMS = ['Preferences', 'Keyboard Shortcuts', 'About Quartermaster']
PREFERENCE_SPINS = [
    'Sync every (minutes)',
    'Stale after (minutes)',
    'Overstock above (days of cover)',
]

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
    """Decorator-like helper: runs fn, reports ok unless it raises."""
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
        time.sleep(0.1)
    raise Failed('timed out waiting for %s%s' %
                 (what, ' (%s)' % last_error if last_error else ''))


def has_state(node, state):
    return node.getState().contains(state)


def find_all(node, role, name=None):
    return node.findChildren(
        lambda n: n.roleName == role and (name is None or n.name == name))


def find_one(node, role, name):
    found = find_all(node, role, name)
    if not found:
        raise Failed('no %s named “%s”' % (role, name))
    return found[0]


def clickable(nodes):
    for n in nodes:
        if 'click' in n.actions:
            return n
    return None


def top_levels(app):
    return [c for c in app.children if c.roleName in ('frame', 'window', 'dialog')]


def top_level(app, name):
    for c in top_levels(app):
        if c.name == name:
            return c
    return None


def main_menu_item(app, main_window, name):
    button = clickable(find_all(main_window, 'push button', 'Main Menu'))
    if button is None:
        raise Failed('no clickable button named “Main Menu”')
    button.doActionNamed('click')
    return wait_for('menu item “%s”' % name,
                    lambda: clickable(find_all(app, 'menu item', name)))


def close_window(app, name):
    window = top_level(app, name)
    if window is None:
        raise Failed('no window “%s” to close' % name)
    window.doActionNamed('window.close')
    wait_for('window “%s” to close' % name, lambda: top_level(app, name) is None)


def main():
    app = None
    main_window = None

    def find_app():
        nonlocal app
        app = wait_for('the application “%s” on the accessibility bus' % APP_NAME,
                       lambda: next((a for a in tree.root.children
                                     if a.name == APP_NAME), None),
                       timeout=20)

    if not check('the application is on the accessibility bus as “%s”' % APP_NAME)(find_app):
        return

    def find_window():
        nonlocal main_window
        main_window = wait_for('the window “%s”' % WINDOW_TITLE,
                               lambda: top_level(app, WINDOW_TITLE))

    if not check('the main window is named “%s”' % WINDOW_TITLE)(find_window):
        return

    tab_list = wait_for('the page switcher',
                        lambda: find_all(main_window, 'page tab list'))[0]
    tabs = {t.name: t for t in find_all(tab_list, 'page tab')}

    @check('the page switcher has the five pages by name')
    def _():
        missing = [title for title, _ in PAGES if title not in tabs]
        if missing:
            raise Failed('missing page tabs: %s; found %s' % (missing, sorted(tabs)))

    # Go through the pages backwards so that each click changes the page.
    for title, status_title in reversed(PAGES):
        @check('switching to %s selects its tab and shows “%s”' % (title, status_title))
        def _():
            tab = tabs.get(title)
            if tab is None:
                raise Failed('no page tab “%s”' % title)
            tab.doActionNamed('click')
            wait_for('tab “%s” to be selected' % title,
                     lambda: has_state(tab, pyatspi.STATE_SELECTED))
            others = [name for name, t in tabs.items()
                      if name != title and has_state(t, pyatspi.STATE_SELECTED)]
            if others:
                raise Failed('other tabs still selected: %s' % others)
            page = find_one(main_window, 'panel', title)
            find_one(page, 'label', status_title)

    screenshot = os.environ.get('QM_UI_SCREENSHOT')
    if screenshot:
        time.sleep(0.5)
        subprocess.run(['import', '-window', 'root', screenshot],
                       timeout=15, check=False)

    @check('the Main Menu lists %s' % ', '.join(MENU_ITEMS))
    def _():
        button = clickable(find_all(main_window, 'push button', 'Main Menu'))
        if button is None:
            raise Failed('no clickable button named “Main Menu”')
        button.doActionNamed('click')
        items = wait_for('the menu items',
                         lambda: [n for n in find_all(app, 'menu item')
                                  if n.name in MENU_ITEMS])
        names = sorted(n.name for n in items)
        if names != sorted(MENU_ITEMS):
            raise Failed('menu has %s' % names)
        # Close the menu again by choosing nothing: click the button once more.
        button.doActionNamed('click')

    @check('About Quartermaster opens the About window, which closes again')
    def _():
        main_menu_item(app, main_window, 'About Quartermaster').doActionNamed('click')
        about = wait_for('the About window', lambda: top_level(app, 'About'))
        find_one(about, 'label', 'Quartermaster')
        close_window(app, 'About')

    @check('Preferences opens with the three settings named, and closes again')
    def _():
        main_menu_item(app, main_window, 'Preferences').doActionNamed('click')
        prefs = wait_for('the Preferences window', lambda: top_level(app, 'Preferences'))
        for name in PREFERENCE_SPINS:
            wait_for('spin button “%s”' % name,
                     lambda: find_all(prefs, 'spin button', name))
        close_window(app, 'Preferences')

    @check('Keyboard Shortcuts opens the shortcuts window listing the pages, which closes again')
    def _():
        main_menu_item(app, main_window, 'Keyboard Shortcuts').doActionNamed('click')
        shortcuts = wait_for('the shortcuts window',
                             lambda: top_level(app, 'Keyboard Shortcuts'))
        for title, _ in PAGES:
            find_one(shortcuts, 'label', title)
        close_window(app, 'Keyboard Shortcuts')

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
