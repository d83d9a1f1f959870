# Shared set-up for scripts/demo and scripts/test (sourced, not run).
# Installs what the app and its tests need on a fresh machine: Debian packages (as root), the Python
# virtualenv from requirements.lock, and the npm packages the browser tests use.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${VOROC_VENV:-$ROOT/.venv}"

apt_missing() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  echo "${missing[@]:-}"
}

ensure_apt() {  # ensure_apt [--no-install-recommends] pkg...
  local opts=()
  if [ "${1:-}" = "--no-install-recommends" ]; then opts+=("$1"); shift; fi
  local missing
  missing=$(apt_missing "$@")
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" != "0" ]; then
    echo "Missing Debian packages: $missing (install them with: sudo apt-get install $missing)" >&2
    return 1
  fi
  echo "Installing Debian packages: $missing"
  if [ ! -f /var/lib/apt/periodic/voroc-updated ] || [ -n "$(find /var/lib/apt/periodic/voroc-updated -mmin +720 2>/dev/null)" ]; then
    apt-get update -qq && mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/voroc-updated
  fi
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${opts[@]}" $missing >/dev/null
}

# WeasyPrint (PDF) needs Pango; DejaVu gives PDFs a font with every Dutch character.
ensure_app_system_packages() {
  ensure_apt libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
}

ensure_venv() {  # ensure_venv "extras" (e.g. "[test]" or "")
  local extras="${1:-}"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  local stamp="$VENV/.voroc-installed$extras"
  if [ ! -f "$stamp" ] || [ requirements.lock -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "Installing Python packages into $VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check -c requirements.lock ".$extras"
    touch "$stamp"
  fi
}

ensure_npm() {
  if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    command -v npm >/dev/null || ensure_apt nodejs npm
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
  fi
}
