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
      gir1.2-atspi-2.0 libclang-rt-14-dev clang-14)

case "${1:-test}" in
  run) wanted=("${build[@]}") ;;
  test) wanted=("${build[@]}" "${test[@]}") ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "These packages are missing and there is no sudo: ${missing[*]}" >&2
  echo "Install them as root with apt-get install, then run this again." >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq "${missing[@]}"
