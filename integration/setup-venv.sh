#!/usr/bin/env bash
# Creates integration/.cache/venv with the packages in requirements.txt. A rerun with an
# unchanged requirements.txt does nothing (the venv keeps a copy of the file it was built
# from). Prints the venv's python on the last line.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${GREGOR_IT_VENV:-${GREGOR_IT_CACHE:-$here/.cache}/venv}"
python="${PYTHON:-python3}"

if [ -x "$venv/bin/python" ] && cmp -s "$here/requirements.txt" "$venv/.requirements.txt"; then
  echo "$venv/bin/python"
  exit 0
fi
mkdir -p "$(dirname "$venv")"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt" >&2
cp "$here/requirements.txt" "$venv/.requirements.txt"
echo "$venv/bin/python"
