#!/usr/bin/env bash
# Odoo's own tests of the modules customer_followup extends, without and with
# the addon, compared test by test (issue 12). Not part of `make test`.
#  1. fresh database A: install sale_management, crm, sale_crm, portal (+ mail),
#     mass_mailing (the addon's other dependency, so that the comparison shows
#     the addon's own effect) and the test helper cf_odoo_suites, running
#     Odoo's tests of TEST_TAGS;
#  2. fresh database B: the same plus customer_followup;
#  3. the tests that failed only with the addon (if any) run again, alone, on
#     both databases (AGAIN_RUNS=2 times with the addon), to tell a flaky
#     failure from a real one;
#  4. scripts/test_odoo/compare.py lists the tests that fail only with the
#     addon (exit 1 if any) and those that fail without it too.
# A module's at_install tests run right after that module loads, before
# customer_followup is in the registry. The helper addon
# scripts/test_odoo/cf_odoo_suites (on the addons path only here) runs them
# again as post_install tests, once every module is loaded; it is installed in
# both databases so that the two runs stay comparable.
# Logs in var/test-odoo/<run>/ (one folder per run: two runs at once do not
# mix their logs; var/test-odoo/last is the latest finished run; folders older
# than 7 days are removed); the databases are dropped at exit.
# Usage: make test-odoo   [KEEP_DB=1] [TEST_TAGS=/sale,/crm] [AGAIN_RUNS=2]
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

require_odoo
start_pg

TEST_TAGS="${TEST_TAGS:-/sale,/sale_management,/crm,/sale_crm,/portal,/mail}"
BASE_MODULES="sale_management,crm,sale_crm,portal,mass_mailing,cf_odoo_suites"
ADDON=customer_followup
RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/${ADDON}-test-odoo.XXXXXX")"
STAMP="$(date +%Y%m%d_%H%M%S)_$$"
DB_BASE="cf_odoo_base_$STAMP"
DB_ADDON="cf_odoo_addon_$STAMP"
LOG_DIR="$ROOT/var/test-odoo/$STAMP"
LOG_REL="var/test-odoo/$STAMP"
mkdir -p "$LOG_DIR"
find "$ROOT/var/test-odoo" -mindepth 1 -maxdepth 1 -type d -mtime +7 -exec rm -rf {} +

cleanup() {
    if [ "${KEEP_DB:-0}" = 1 ]; then
        echo "kept databases $DB_BASE, $DB_ADDON and $RUN_DIR" >&2
        return
    fi
    dropdb --if-exists "$DB_BASE" >/dev/null 2>&1 || true
    dropdb --if-exists "$DB_ADDON" >/dev/null 2>&1 || true
    rm -rf "$RUN_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

CONFIG="$RUN_DIR/odoo.cfg"
cat >"$CONFIG" <<EOF
[options]
addons_path = $ROOT/scripts/test_odoo,$ADDONS_PATH
data_dir = $RUN_DIR/data
http_interface = 127.0.0.1
list_db = False
EOF

if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null \
    && ! command -v google-chrome >/dev/null; then
    echo "WARNING: no chromium: Odoo skips the browser tours of both runs (make setup)"
fi

# run_suites NAME DB TAGS [-i MODULES]: Odoo's tests selected by TAGS, log in
# $LOG_DIR/NAME.log.
run_suites() {
    local name=$1 db=$2 tags=$3 log="$LOG_DIR/$1.log" start=$SECONDS rc port
    shift 3
    # The HttpCase tests serve on a free port: others may run Odoo on 8069.
    port="$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    log "$name: ${2:+install $2 on fresh database }$db, --test-tags $tags"
    "${ODOO_CMD[@]}" -c "$CONFIG" -d "$db" "$@" --test-tags "$tags" \
        --stop-after-init --http-interface=127.0.0.1 --http-port="$port" \
        --log-level=info >"$log" 2>&1
    rc=$?
    echo "    $name: $((SECONDS - start)) s, odoo exit code $rc, log $LOG_REL/$name.log"
    grep -E "error\(s\) of [0-9]+ tests when loading database" "$log" | tail -n 1 | cut -c1-200
}

total_start=$SECONDS
run_suites without-addon "$DB_BASE" "$TEST_TAGS" -i "$BASE_MODULES"
run_suites with-addon "$DB_ADDON" "$TEST_TAGS" -i "$BASE_MODULES,$ADDON"

status=0
if ! psql -d "$DB_ADDON" -Atc "select 1 from ir_module_module where name='$ADDON' and state='installed'" 2>/dev/null | grep -q 1; then
    echo "$ADDON is not installed in $DB_ADDON (see $LOG_REL/with-addon.log)"
    status=1
fi

# Tests failing only with the addon run again, alone: once without the addon
# and AGAIN_RUNS times with it. One that passes once with the addon is flaky
# (Odoo's crm forecast tour loses a race about one run in four here, with or
# without the addon); a real regression fails every time with the addon and
# passes without it.
LOGS=("$LOG_DIR/without-addon.log" "$LOG_DIR/with-addon.log")
retry_tags="$("$PYTHON" scripts/test_odoo/compare.py "${LOGS[@]}" --tags)"
if [ -n "$retry_tags" ]; then
    run_suites again-without-addon "$DB_BASE" "$retry_tags"
    LOGS+=(--again-base "$LOG_DIR/again-without-addon.log")
    for i in $(seq "${AGAIN_RUNS:-2}"); do
        run_suites "again-with-addon-$i" "$DB_ADDON" "$retry_tags"
        LOGS+=(--again-addon "$LOG_DIR/again-with-addon-$i.log")
    done
fi

log "compare (scripts/test_odoo/compare.py)"
"$PYTHON" scripts/test_odoo/compare.py "${LOGS[@]}" | tee "$LOG_DIR/comparison.txt"
if [ "${PIPESTATUS[0]}" -ne 0 ]; then
    status=1
fi
ln -sfn "$STAMP" "$ROOT/var/test-odoo/last"
echo "logs and comparison.txt in $LOG_REL/ (var/test-odoo/last)"
echo "total: $((SECONDS - total_start)) s"
exit $status
