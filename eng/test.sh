#!/usr/bin/env bash
# The README's test command: installs what the tests start (Debian packages listed in eng/test-packages.txt:
# redis-server, python3, chromium) when missing, then runs every test project. Extra arguments go to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

missing=""
for p in $(grep -v '^#' eng/test-packages.txt); do
  # Installed, not merely known: a removed package keeps its configuration and a dpkg status entry.
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "Installing the Debian packages the tests start:$missing"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if ! ($sudo apt-get update && $sudo apt-get install -y --no-install-recommends $missing) >/tmp/errorcatalog-apt.log 2>&1; then
    tail -20 /tmp/errorcatalog-apt.log
    echo "Could not install:$missing (run as root, or install them first)." >&2
    exit 1
  fi
fi

dotnet test ErrorCatalog.sln -c Release "$@"
