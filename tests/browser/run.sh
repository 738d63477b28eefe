#!/usr/bin/env bash
# Usage: bash tests/browser/run.sh PUBLIC_DIR [SCREENSHOT_DIR]
# Installs the audit's dependencies when missing, then runs the audit.
# Exit status: 0 all checks passed, 1 a check failed, 2 setup error.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: bash tests/browser/run.sh PUBLIC_DIR [SCREENSHOT_DIR]" >&2
  exit 2
fi
if [ ! -d "$here/node_modules" ] || [ ! -x /usr/bin/chromium ] || ! command -v java >/dev/null 2>&1; then
  bash "$here/install.sh" || { echo "run.sh: install failed" >&2; exit 2; }
fi
args=("$1")
[ $# -eq 2 ] && args+=(--screenshots "$2")
exec node "$here/audit.mjs" "${args[@]}"
