#!/usr/bin/env bash
# Installs what tests/browser/audit.mjs needs on a fresh Debian machine (run as root):
#   Debian's chromium and a Java runtime (for vnu.jar), then the pinned npm packages.
# Idempotent: skips apt when both are present, skips npm when node_modules matches the lock.
# Downloads only from Debian's archive and the npm registry: no browser download
# (playwright-core has none) and `--ignore-scripts` stops vnu-jar's postinstall from
# ever fetching a JRE of its own.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1; }
if ! command -v java >/dev/null 2>&1 || [ "$(java_major)" -lt 17 ] 2>/dev/null; then
  need_apt+=(default-jre-headless)
fi
if [ "${#need_apt[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "install.sh: apt-get install ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
else
  echo "install.sh: chromium and java already present"
fi
/usr/bin/chromium --version 2>/dev/null | head -n1 || true
java -version 2>&1 | head -n1

cd "$here"
stamp="node_modules/.plainsight-lock.sha256"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
   && [ -d node_modules/axe-core ] && [ -d node_modules/playwright-core ] && [ -f node_modules/vnu-jar/build/dist/vnu.jar ]; then
  echo "install.sh: node_modules up to date"
else
  echo "install.sh: npm ci"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
