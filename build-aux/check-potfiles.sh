#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks po/POTFILES.in against the source tree:
#   1. the list is sorted bytewise (LC_ALL=C sort) and names no file twice;
#   2. every file it names exists;
#   3. every file under src/ and data/ that holds translatable strings is named.
# Files listed in po/POTFILES.skip (optional) are not required in the list.
#
# Usage: check-potfiles.sh SOURCE_ROOT
# Exit status: 0 when the list is right, 1 when not, 2 on bad usage.

set -u
export LC_ALL=C

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 SOURCE_ROOT" >&2
  exit 2
fi

root=$1
potfiles="$root/po/POTFILES.in"
skipfile="$root/po/POTFILES.skip"
status=0

if [ ! -f "$potfiles" ]; then
  echo "$potfiles is missing" >&2
  exit 1
fi

# The entries of a POTFILES-style list: no comments, no blank lines, no
# "[type: ...]" prefix, no surrounding white space.
entries () {
  sed -e 's/#.*$//' \
      -e 's/^[[:space:]]*\[[^]]*\][[:space:]]*//' \
      -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$1" | grep -v '^$'
}

listed=$(entries "$potfiles")

# 1. Sorted, without duplicates.
if [ "$listed" != "$(printf '%s\n' "$listed" | sort)" ]; then
  echo "po/POTFILES.in is not sorted; sort it with: LC_ALL=C sort" >&2
  diff <(printf '%s\n' "$listed") <(printf '%s\n' "$listed" | sort) >&2
  status=1
fi
dups=$(printf '%s\n' "$listed" | sort | uniq -d)
if [ -n "$dups" ]; then
  echo "po/POTFILES.in names these files more than once:" >&2
  printf '%s\n' "$dups" | sed 's/^/  /' >&2
  status=1
fi

# 2. Every listed file exists.
while IFS= read -r f; do
  [ -z "$f" ] && continue
  if [ ! -f "$root/$f" ]; then
    echo "po/POTFILES.in names a file that does not exist: $f" >&2
    status=1
  fi
done <<< "$listed"

# 3. Every file with translatable strings is listed.
skipped=""
if [ -f "$skipfile" ]; then
  skipped=$(entries "$skipfile")
fi

candidates=$(
  cd "$root" || exit 1
  dirs=()
  for d in src data; do
    [ -d "$d" ] && dirs+=("$d")
  done
  [ ${#dirs[@]} -eq 0 ] && exit 0
  # C sources and headers calling a gettext macro.
  find "${dirs[@]}" -type f \( -name '*.c' -o -name '*.h' \) -print0 |
    xargs -0 -r grep -l -E '(^|[^A-Za-z0-9_])(N|C|NC)?_[[:space:]]*\(' --
  # GtkBuilder files with translatable properties.
  find "${dirs[@]}" -type f -name '*.ui' -print0 |
    xargs -0 -r grep -l 'translatable="yes"' --
  # Desktop entries, AppStream metadata and GSettings schemas.
  find "${dirs[@]}" -type f \( -name '*.desktop.in' -o -name '*.metainfo.xml.in' \
                              -o -name '*.gschema.xml.in' -o -name '*.gschema.xml' \) -print
)

missing=""
while IFS= read -r f; do
  [ -z "$f" ] && continue
  if ! grep -Fxq -- "$f" <<< "$listed" && ! grep -Fxq -- "$f" <<< "$skipped"; then
    missing+="$f"$'\n'
  fi
done <<< "$(printf '%s\n' "$candidates" | sort -u)"

if [ -n "$missing" ]; then
  echo "These files hold translatable strings but are not in po/POTFILES.in:" >&2
  printf '%s' "$missing" | sed 's/^/  /' >&2
  status=1
fi

if [ $status -eq 0 ]; then
  echo "po/POTFILES.in: $(printf '%s\n' "$listed" | grep -c .) files, sorted, all present, none missing"
fi
exit $status
