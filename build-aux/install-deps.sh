#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Installs the Debian 12 packages Quartermaster needs, and only those that
# are missing. Usage: install-deps.sh run|test
set -euo pipefail

build=(meson ninja-build pkg-config gcc libglib2.0-dev libgtk-4-dev libadwaita-1-dev
       libsoup-3.0-dev libjson-glib-dev libsqlite3-dev libsecret-1-dev glib-networking
       gettext itstool yelp-tools desktop-file-utils appstream adwaita-icon-theme)

test=(sqlite3 python3 openssl xvfb xauth dbus at-spi2-core python3-dogtail python3-gi
      gir1.2-atspi-2.0 libclang-rt-14-dev clang-14 time)

# Installed without their recommends: headless LibreOffice Calc reads the
# exported CSVs back in tests/csv-readback.py (no desktop, Java or fonts).
test_lean=(libreoffice-calc-nogui)

case "${1:-test}" in
  run) wanted=("${build[@]}"); wanted_lean=() ;;
  test) wanted=("${build[@]}" "${test[@]}"); wanted_lean=("${test_lean[@]}") ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

installed () {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

missing=()
for pkg in "${wanted[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done
missing_lean=()
for pkg in "${wanted_lean[@]}"; do
  installed "$pkg" || missing_lean+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ] && [ ${#missing_lean[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing: ${missing[*]} ${missing_lean[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "These packages are missing and there is no sudo: ${missing[*]} ${missing_lean[*]}" >&2
  echo "Install them as root with apt-get install, then run this again." >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  "${sudo[@]}" apt-get install -y -qq "${missing[@]}"
fi
if [ ${#missing_lean[@]} -gt 0 ]; then
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing_lean[@]}"
fi
