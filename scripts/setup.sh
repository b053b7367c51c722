#!/usr/bin/env bash
# Install what the project needs on this machine (idempotent, fast when done):
#  - Debian packages: PostgreSQL, build headers, wkhtmltopdf, chromium (tours),
#    fonts-noto-cjk (Japanese in PDFs and screenshots), poppler-utils (pdftoppm),
#    faketime (libfaketime: `make test TEST_NOW=...` moves the clocks);
#  - the Python tooling pinned in scripts/requirements-dev.txt, into python3;
#  - Odoo 19.0, importable by python3: kept when already there, else installed
#    (editable) from $ODOO_SRC, else from a shallow clone of the 19.0 branch;
#  - the mail catcher of `make run` (MailDev, from npm) into var/tools/.
# Usage: make setup   [ODOO_SRC=/path/to/odoo-19.0] [ODOO_CLONE_DIR=...]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# --- Debian packages -------------------------------------------------------
DEB_PACKAGES=(libpq-dev python3-venv libldap2-dev libsasl2-dev postgresql wkhtmltopdf chromium fonts-noto-cjk poppler-utils faketime)
missing=()
for pkg in "${DEB_PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
# npm (with Node.js) installs the mail catcher of `make run`; any npm on the
# PATH will do.
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        log "apt-get install ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        die "missing Debian packages: ${missing[*]}
  install them with: sudo apt-get install ${missing[*]}
  (or run \`make setup\` as root)"
    fi
fi
log "Debian packages: ok"

# --- pip -------------------------------------------------------------------
PIP=("$PYTHON" -m pip install --disable-pip-version-check -q)
if "$PYTHON" - <<'PY'; then
import os, sysconfig
raise SystemExit(0 if os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")) else 1)
PY
    # A distribution python (no venv, by design): allow installing into it.
    export PIP_BREAK_SYSTEM_PACKAGES=1
fi
if [ "$(id -u)" != 0 ] && [ ! -w "$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" ]; then
    PIP+=(--user)
fi

# Exit 0 when every pinned requirement of the file $1 is installed.
pins_satisfied() {
    "$PYTHON" - "$1" <<'PY'
import sys
from importlib.metadata import PackageNotFoundError, version
ok = True
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if not line:
        continue
    name, _, wanted = line.partition("==")
    try:
        have = version(name)
    except PackageNotFoundError:
        have = None
    if have != wanted:
        print(f"  {name}: want {wanted}, have {have}")
        ok = False
raise SystemExit(0 if ok else 1)
PY
}

# --- Odoo 19.0 -----------------------------------------------------------------
install_odoo_from() {
    local src=$1
    [ -f "$src/odoo/release.py" ] || die "$src is not an Odoo source tree (no odoo/release.py)"
    grep -qE "^version_info = \(19, 0," "$src/odoo/release.py" \
        || die "$src is not Odoo 19.0 ($(grep -E '^version_info' "$src/odoo/release.py"))"
    log "installing Odoo's requirements from $src/requirements.txt"
    "${PIP[@]}" -r "$src/requirements.txt"
    log "installing Odoo editable from $src"
    "${PIP[@]}" --no-deps -e "$src" --config-setting=editable_mode=compat
}

if ODOO_ROOT="$(odoo_root)"; then
    log "Odoo 19.0: importable from $ODOO_ROOT"
elif [ -n "${ODOO_SRC:-}" ]; then
    install_odoo_from "$ODOO_SRC"
else
    clone_dir="${ODOO_CLONE_DIR:-$(dirname "$ROOT")/odoo-19.0}"
    if [ ! -f "$clone_dir/odoo/release.py" ]; then
        log "cloning Odoo 19.0 into $clone_dir (needs network)"
        git clone --depth 1 -b 19.0 https://github.com/odoo/odoo "$clone_dir"
    fi
    install_odoo_from "$clone_dir"
fi
ODOO_ROOT="$(odoo_root)" || die "Odoo 19.0 still not importable by $PYTHON"

# The prefork server's websocket process (`odoo gevent`, make cluster) loads
# gevent's plugins through pkg_resources, which (setuptools < 70) does not
# find zope.interface >= 7 / zope.event >= 5.1 (their metadata is named
# zope_interface...): the process dies at start and is respawned every second.
if ! "$PYTHON" -c "import pkg_resources; pkg_resources.require('gevent')" 2>/dev/null; then
    log "gevent's dependencies unreadable by pkg_resources: installing zope.interface<7, zope.event<5.1"
    "${PIP[@]}" "zope.interface<7" "zope.event<5.1"
fi

# --- project tooling -------------------------------------------------------------
REQ="$ROOT/scripts/requirements-dev.txt"
if ! pins_satisfied "$REQ" >/dev/null; then
    pins_satisfied "$REQ" || true
    log "pip install -r scripts/requirements-dev.txt"
    "${PIP[@]}" -r "$REQ"
fi
# Locust (make loadtest) in its own venv: it needs gevent >= 24, which would
# replace the gevent of Odoo's requirements that the prefork server runs on.
LOCUST_VENV="$ROOT/var/tools/locust"
LOCUST_REQ="$ROOT/scripts/requirements-loadtest.txt"
if ! "$LOCUST_VENV/bin/pip" freeze 2>/dev/null | grep -qxF "$(grep -v '^#' "$LOCUST_REQ")"; then
    log "Locust into $LOCUST_VENV (pip install -r scripts/requirements-loadtest.txt)"
    "$PYTHON" -m venv "$LOCUST_VENV"
    "$LOCUST_VENV/bin/pip" install --disable-pip-version-check -q -r "$LOCUST_REQ"
fi
log "Python tooling: ok ($("$PYTHON" --version), Odoo in $ODOO_ROOT)"

# --- mail catcher of `make run` ------------------------------------------------
# MailDev (https://github.com/maildev/maildev): an SMTP server that keeps the
# demo's mails and shows them in a web page; pinned, installed in var/tools/.
MAILDEV_VERSION=2.2.1
MAILDEV="$ROOT/var/tools/node_modules/.bin/maildev"
if [ ! -x "$MAILDEV" ] || [ "$("$MAILDEV" --version 2>/dev/null)" != "$MAILDEV_VERSION" ]; then
    log "npm install maildev@$MAILDEV_VERSION into var/tools"
    mkdir -p "$ROOT/var/tools"
    npm install --prefix "$ROOT/var/tools" --no-audit --no-fund --loglevel=error \
        "maildev@$MAILDEV_VERSION" >/dev/null
fi
log "mail catcher: ok (MailDev $("$MAILDEV" --version))"
