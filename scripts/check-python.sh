#!/usr/bin/env bash
# Make sure $1 (a python3) can create a venv and compile extensions; on Debian
# install what is missing (python3-venv, python3-dev, a C compiler).
set -euo pipefail
py="${1:-python3}"
here="$(dirname "$0")"
if ! command -v "$py" >/dev/null 2>&1; then
    "$here/ensure-debs.sh" python3
fi
"$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
    echo "Floorboard needs Python 3.11 or newer; $py is $("$py" --version 2>&1)." >&2
    exit 1
}
need=()
"$py" -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
"$py" -c 'import os, sysconfig, sys; sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")) else 1)' \
    || need+=(python3-dev)
command -v cc >/dev/null 2>&1 || need+=(gcc libc6-dev)
[ ${#need[@]} -eq 0 ] || "$here/ensure-debs.sh" "${need[@]}"
