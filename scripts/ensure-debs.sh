#!/usr/bin/env bash
# Install the Debian packages named as arguments when any is missing: as root
# directly, else through passwordless sudo, else print the exact command.
set -euo pipefail

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "note: not a Debian system; make sure these are installed: $*" >&2
    exit 0
fi
missing=()
for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

install=(apt-get install -y --no-install-recommends "${missing[@]}")
echo "Installing Debian packages: ${missing[*]}"
if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${install[@]}"
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive "${install[@]}"
else
    echo "Floorboard needs these Debian packages. Run:" >&2
    echo "    sudo apt-get update && sudo ${install[*]}" >&2
    exit 1
fi
