#!/usr/bin/env bash
# Lint, install and test the addon on a fresh throwaway database.
#  1. ruff check, ruff format --check, pylint (pylint-odoo mandatory checks),
#     OCA's oca-checks-odoo-module (XML/CSV/manifest) and oca-checks-po;
#  2. install customer_followup (and its dependencies) without demo data and
#     fail on any Odoo WARNING/ERROR/CRITICAL log record;
#  3. run customer_followup/tests and the Email Marketing bridge's tests
#     (customer_followup_mass_mailing/tests) with pytest-odoo, failing on
#     failed tests, on no test at all, and on Odoo WARNING+ log records during
#     the tests;
#  3b. install customer_followup alone (no mass_mailing, so no bridge) on a
#     second database and run all of customer_followup/tests there too, the
#     browser's tours left out (they run in 3);
#  4. uninstall and reinstall the addon;
#  5. create a demo database as `make run` does and check the README's demo
#     figures on it (test_demo_figures.py);
#  6. a short simulation (100 customers, 75 days across a New Year) with zero
#     invariant violations, and a run with a rule switched off that must
#     report it (scripts/simulate.py; skipped with PYTEST_ARGS unless
#     SIM_CHECK=1).
# The output ends with pytest's summary line. The database is dropped at exit.
# TEST_NOW moves the clocks of Odoo and of a PostgreSQL cluster of its own to
# that moment (libfaketime), e.g. TEST_NOW="2027-12-31 23:30:00+09:00"; the
# linters and the browser's tours (Chromium does not start under libfaketime)
# are skipped then (SKIP_LINT=1 skips the linters too).
# Usage: make test   [KEEP_DB=1] [PYTEST_ARGS="-k name -x"] [DEMO_CHECK=1]
#                    [TEST_NOW="YYYY-MM-DD HH:MM:SS+HH:MM"] [SKIP_LINT=1]
#                    [SIM_CHECK=1]
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

require_odoo
if [ -n "${TEST_NOW:-}" ]; then
    fake_clock "$TEST_NOW" || exit 1
    SKIP_LINT=1
    NO_BROWSER=(-p pytest_no_browser)
fi
start_pg

ADDON=customer_followup
# Email Marketing's bridge (it would install itself with mass_mailing)
BRIDGE=customer_followup_mass_mailing
# Odoo's demo payment provider (test mode), for the tour that signs and pays a
# reminder quotation; the addon itself does not depend on it.
EXTRA_MODULES=$BRIDGE,payment_demo
RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/${ADDON}-test.XXXXXX")"
DB="cf_test_$(date +%Y%m%d_%H%M%S)_$$"
DEMO_DB="${DB}_demo"
CORE_DB="${DB}_core"
# Logs of the last run stay in var/last-test/ (ignored by git).
LOG_DIR="$ROOT/var/last-test"
rm -rf "$LOG_DIR"
mkdir -p "$LOG_DIR"
failures=()

cleanup() {
    if [ "${KEEP_DB:-0}" = 1 ]; then
        echo "kept database $DB and $RUN_DIR" >&2
        return
    fi
    dropdb --if-exists "$DB" >/dev/null 2>&1 || true
    dropdb --if-exists "$DEMO_DB" >/dev/null 2>&1 || true
    dropdb --if-exists "$CORE_DB" >/dev/null 2>&1 || true
    rm -rf "$RUN_DIR"
    if [ -n "${TEST_NOW:-}" ]; then
        # a cluster on a moved clock is not kept for the next run
        bash "$ROOT/scripts/pg.sh" --stop >/dev/null 2>&1 || true
        stop_fake_clock
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Odoo connects through libpq, so the PG* variables from pg.sh apply. The
# browser tours serve on a free port: others may run Odoo on 8069.
CONFIG="$RUN_DIR/odoo.cfg"
HTTP_PORT="${HTTP_PORT:-$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
cat >"$CONFIG" <<EOF
[options]
addons_path = $ADDONS_PATH
data_dir = $RUN_DIR/data
http_interface = 127.0.0.1
http_port = $HTTP_PORT
list_db = False
EOF

# --- 1. linters ---------------------------------------------------------------
lint() {
    local name=$1
    shift
    log "lint: $name"
    if "$@"; then
        echo "    $name: ok"
    else
        failures+=("lint: $name")
    fi
}
if [ "${SKIP_LINT:-0}" != 1 ]; then
    lint "ruff check" "$PYTHON" -m ruff check --no-fix .
    lint "ruff format --check" "$PYTHON" -m ruff format --check .
    lint "pylint-odoo" "$PYTHON" -m pylint --rcfile=.pylintrc "$ADDON" "$BRIDGE"
    # OCA's odoo-pre-commit-hooks, given the files its pre-commit hooks
    # receive: the manifest (the whole addon is checked) and the catalogs.
    lint "oca-checks-odoo-module" "$PYTHON" -m oca_pre_commit_hooks.cli "$ADDON/__manifest__.py" "$BRIDGE/__manifest__.py"
    lint "oca-checks-po" "$PYTHON" -m oca_pre_commit_hooks.cli_po "$ADDON"/i18n/*.po "$ADDON"/i18n/*.pot "$BRIDGE"/i18n/*.po "$BRIDGE"/i18n/*.pot
fi

# --- 2. install without demo data ----------------------------------------------
INSTALL_LOG="$LOG_DIR/install.log"
log "install $ADDON and $EXTRA_MODULES on fresh database $DB (no demo data)"
start=$SECONDS
if ! "${ODOO_CMD[@]}" -c "$CONFIG" -d "$DB" -i "$ADDON,$EXTRA_MODULES" --stop-after-init \
    --http-interface=127.0.0.1 --log-level=info >"$INSTALL_LOG" 2>&1; then
    tail -n 60 "$INSTALL_LOG"
    echo "(full log: var/last-test/install.log)"
    failures+=("install: odoo-bin failed")
fi
if grep -Eq "$ODOO_BAD_LOG_RE" "$INSTALL_LOG"; then
    echo "Odoo logged WARNING/ERROR records while installing (full log: var/last-test/install.log):"
    grep -E -A 15 "$ODOO_BAD_LOG_RE" "$INSTALL_LOG" | head -n 200
    failures+=("install: Odoo logged WARNING/ERROR")
else
    echo "    install: ok in $((SECONDS - start)) s, no WARNING/ERROR in the log"
fi
if ! psql -d "$DB" -Atc "select 1 from ir_module_module where name='$ADDON' and state='installed'" 2>/dev/null | grep -q 1; then
    failures+=("install: $ADDON is not installed")
    echo "$ADDON is not installed in $DB"
fi

# --- 3. tests with pytest-odoo -------------------------------------------------
TEST_DIR="$ADDON/tests"
BRIDGE_TEST_DIR="$BRIDGE/tests"
if [ -z "${TEST_NOW:-}" ] && grep -rqsE "start_tour|browser_js" "$TEST_DIR"; then
    log "tests use the browser: checking chromium and websocket-client"
    if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null \
        && ! command -v google-chrome >/dev/null; then
        failures+=("tours: chromium is missing (make setup)")
    fi
    if ! "$PYTHON" -c 'import websocket' 2>/dev/null; then
        failures+=("tours: websocket-client is missing (make setup)")
    fi
fi

if [ ${#failures[@]} -gt 0 ]; then
    log "problems so far (tests still run):"
    printf '    - %s\n' "${failures[@]}"
fi

TEST_LOG="$LOG_DIR/tests.log"
PYTEST_OUT="$LOG_DIR/pytest.out"
log "pytest $TEST_DIR $BRIDGE_TEST_DIR (Odoo log: WARNING+ records fail the test)"
# -p no:warnings: Python warnings go to Odoo's logging (as Odoo's runner does),
# so a deprecation hit by the addon fails like any other WARNING.
PYTHONPATH="$ROOT/scripts${PYTHONPATH:+:$PYTHONPATH}" \
    "$PYTHON" -m pytest -p no:cacheprovider -p no:warnings -p pytest_odoo_logcheck \
    ${NO_BROWSER[@]+"${NO_BROWSER[@]}"} \
    --odoo-config="$CONFIG" --odoo-database="$DB" \
    --odoo-addons-path="$ADDONS_PATH" --odoo-http \
    --odoo-log-level=info --odoo-extra="logfile=$TEST_LOG" \
    --rootdir="$ROOT" -o console_output_style=classic -ra \
    ${PYTEST_ARGS:-} "$TEST_DIR" "$BRIDGE_TEST_DIR" 2>&1 | tee "$PYTEST_OUT"
rc=${PIPESTATUS[0]}
case $rc in
    0) ;;
    5) failures+=("pytest: no test ran") ;;
    *) failures+=("pytest: exit code $rc") ;;
esac
# Records outside any test (e.g. at server shutdown) only show in the log file.
if [ -f "$TEST_LOG" ] && grep -Eq "$ODOO_BAD_LOG_RE" "$TEST_LOG"; then
    echo "Odoo logged WARNING/ERROR records during the pytest run (full log: var/last-test/tests.log):"
    grep -E "$ODOO_BAD_LOG_RE" "$TEST_LOG" | cut -c1-300 | head -n 40
    failures+=("pytest: Odoo logged WARNING/ERROR")
fi

# --- 3b. without Email Marketing: the core addon alone ------------------------
# All of the core tests again on a database without mass_mailing (the
# campaign emails through the mail composer), with payment_demo as in 3; the
# browser's tours are left out (scripts/pytest_no_browser.py): they run in 3.
# Skipped when PYTEST_ARGS selects tests, unless CORE_CHECK=1 (then the
# selection applies here too), and in the clock-moved run (TEST_NOW: the
# dates are the same code with or without Email Marketing), unless CORE_CHECK=1.
if { [ -z "${PYTEST_ARGS:-}" ] && [ -z "${TEST_NOW:-}" ]; } || [ "${CORE_CHECK:-0}" = 1 ]; then
    CORE_LOG="$LOG_DIR/core.log"
    CORE_TEST_LOG="$LOG_DIR/core-tests.log"
    CORE_OUT="$LOG_DIR/core-pytest.out"
    log "install $ADDON alone on $CORE_DB (no mass_mailing) and run all its tests"
    start=$SECONDS
    if ! "${ODOO_CMD[@]}" -c "$CONFIG" -d "$CORE_DB" -i "$ADDON,payment_demo" --stop-after-init \
        --http-interface=127.0.0.1 --log-level=warn >"$CORE_LOG" 2>&1 ||
        grep -Eq "$ODOO_BAD_LOG_RE" "$CORE_LOG"; then
        tail -n 40 "$CORE_LOG"
        failures+=("core: install without mass_mailing failed (var/last-test/core.log)")
    elif psql -d "$CORE_DB" -Atc "select 1 from ir_module_module where name in ('mass_mailing', '$BRIDGE') and state='installed'" | grep -q 1; then
        failures+=("core: mass_mailing was installed with $ADDON")
    else
        echo "    core install: ok in $((SECONDS - start)) s"
        start=$SECONDS
        # (under TEST_NOW the plugin's own reason: no tour runs at all)
        core_no_browser="the browser's tours run on the database with Email Marketing"
        [ -n "${TEST_NOW:-}" ] && core_no_browser=""
        NO_BROWSER_REASON="$core_no_browser" \
            PYTHONPATH="$ROOT/scripts${PYTHONPATH:+:$PYTHONPATH}" \
            "$PYTHON" -m pytest -p no:cacheprovider -p no:warnings -p pytest_odoo_logcheck \
            -p pytest_no_browser \
            --odoo-config="$CONFIG" --odoo-database="$CORE_DB" \
            --odoo-addons-path="$ADDONS_PATH" --odoo-http \
            --odoo-log-level=info --odoo-extra="logfile=$CORE_TEST_LOG" \
            --rootdir="$ROOT" -o console_output_style=classic -ra \
            ${PYTEST_ARGS:-} "$TEST_DIR" >"$CORE_OUT" 2>&1
        core_rc=$?
        core_summary="$(grep -E '^=+ .+ in [0-9.]+s( \([0-9:]+\))? =+$' "$CORE_OUT" | tail -n 1)"
        if [ $core_rc -ne 0 ]; then
            grep -E -A 30 '^(FAILED|ERROR)|^_{3,} ' "$CORE_OUT" | head -n 80
            echo "$core_summary"
            failures+=("core: tests without mass_mailing failed, exit code $core_rc (var/last-test/core-pytest.out)")
        elif [ -f "$CORE_TEST_LOG" ] && grep -Eq "$ODOO_BAD_LOG_RE" "$CORE_TEST_LOG"; then
            grep -E "$ODOO_BAD_LOG_RE" "$CORE_TEST_LOG" | cut -c1-300 | head -n 40
            failures+=("core: Odoo logged WARNING/ERROR (var/last-test/core-tests.log)")
        else
            echo "    core tests without mass_mailing: ok in $((SECONDS - start)) s: $core_summary"
        fi
    fi
fi

# --- 4. uninstall, then reinstall, the addon on the tested database -------------
if [ -z "${PYTEST_ARGS:-}" ]; then
    REINSTALL_LOG="$LOG_DIR/reinstall.log"
    log "uninstall and reinstall $ADDON"
    start=$SECONDS
    {
        printf '%s\n' \
            "module = env['ir.module.module'].search([('name', '=', '$ADDON')])" \
            "module.button_immediate_uninstall()" \
            "env.cr.commit()" \
            "assert module.state == 'uninstalled', module.state" |
            "${ODOO_CMD[@]}" shell -c "$CONFIG" -d "$DB" --log-level=info \
                --http-interface=127.0.0.1 --no-http &&
            "${ODOO_CMD[@]}" -c "$CONFIG" -d "$DB" -i "$ADDON" --stop-after-init \
                --http-interface=127.0.0.1 --log-level=info
    } >"$REINSTALL_LOG" 2>&1
    reinstall_rc=$?
    if [ $reinstall_rc -ne 0 ]; then
        tail -n 40 "$REINSTALL_LOG"
        failures+=("reinstall: failed (var/last-test/reinstall.log)")
    elif grep -Eq "$ODOO_BAD_LOG_RE" "$REINSTALL_LOG"; then
        grep -E -A 10 "$ODOO_BAD_LOG_RE" "$REINSTALL_LOG" | head -n 60
        failures+=("reinstall: Odoo logged WARNING/ERROR")
    else
        echo "    uninstall + reinstall: ok in $((SECONDS - start)) s"
    fi
fi

# --- 5. the README's demo figures, on a demo database made as `make run` does --
# (skipped when PYTEST_ARGS selects tests, unless DEMO_CHECK=1)
if [ -z "${PYTEST_ARGS:-}" ] || [ "${DEMO_CHECK:-0}" = 1 ]; then
    DEMO_LOG="$LOG_DIR/demo.log"
    DEMO_OUT="$LOG_DIR/demo-pytest.out"
    log "demo database $DEMO_DB as \`make run\` creates it, then the README's demo figures"
    start=$SECONDS
    if ! create_demo_db "$CONFIG" "$DEMO_DB" info >"$DEMO_LOG" 2>&1; then
        tail -n 40 "$DEMO_LOG"
        failures+=("demo: creating the demo database failed (var/last-test/demo.log)")
    elif grep -Eq "$ODOO_BAD_LOG_RE" "$DEMO_LOG"; then
        grep -E -A 10 "$ODOO_BAD_LOG_RE" "$DEMO_LOG" | head -n 60
        failures+=("demo: Odoo logged WARNING/ERROR creating the demo database")
    else
        PYTHONPATH="$ROOT/scripts${PYTHONPATH:+:$PYTHONPATH}" \
            "$PYTHON" -m pytest -p no:cacheprovider -p no:warnings -p pytest_odoo_logcheck \
            --odoo-config="$CONFIG" --odoo-database="$DEMO_DB" \
            --odoo-addons-path="$ADDONS_PATH" --odoo-log-level=info \
            --odoo-extra="logfile=$LOG_DIR/demo-tests.log" \
            --rootdir="$ROOT" -o console_output_style=classic -rA \
            "$TEST_DIR/test_demo_figures.py" >"$DEMO_OUT" 2>&1
        if [ $? -ne 0 ] || ! grep -Eq '^=+ 2 passed in ' "$DEMO_OUT"; then
            grep -E -B 2 -A 30 '^(E |FAILED|SKIPPED)' "$DEMO_OUT" | head -n 60
            failures+=("demo: the README's demo figures (var/last-test/demo-pytest.out)")
        else
            echo "    demo figures of README.md: ok in $((SECONDS - start)) s"
        fi
    fi
fi

# --- 6. a short simulation: zero violations; a broken rule is reported ------------
# (skipped when PYTEST_ARGS selects tests, unless SIM_CHECK=1)
run_simulation_check() {
    local sim_log="$LOG_DIR/simulation.log" break_log="$LOG_DIR/simulation-break.log"
    local sim_db="cf_sim_ci_$$" start=$SECONDS
    log "simulation: 100 customers, 75 days from 2026-11-20 (a copy of $DB)"
    if "$PYTHON" "$ROOT/scripts/simulate.py" --customers 100 --days 75 \
        --start 2026-11-20 --seed 3 --template "$DB" --db "$sim_db" --no-charts \
        --report-dir "$LOG_DIR/simulation" >"$sim_log" 2>&1; then
        grep -E '^==> ' "$sim_log" | tail -n 8
        echo "    simulation: ok in $((SECONDS - start)) s, no invariant violated"
    else
        grep -E '^(==>|    (FAIL|20))' "$sim_log" | head -n 40
        tail -n 20 "$sim_log"
        failures+=("simulation: invariants violated or the run failed (var/last-test/simulation.log)")
    fi
    start=$SECONDS
    log "simulation with the control group switched off in the planner: must be reported"
    if "$PYTHON" "$ROOT/scripts/simulate.py" --customers 40 --days 2 \
        --start 2026-11-16 --seed 3 --template "$DB" --db "${sim_db}_break" \
        --no-charts --break control --expect control_group --expect-day 2026-11-17 \
        --report-dir "$LOG_DIR/simulation-break" >"$break_log" 2>&1; then
        grep -E '^==> expected' "$break_log"
        echo "    broken rule reported: ok in $((SECONDS - start)) s"
    else
        tail -n 30 "$break_log"
        failures+=("simulation: the broken control group was not reported (var/last-test/simulation-break.log)")
    fi
}
if [ -z "${PYTEST_ARGS:-}" ] || [ "${SIM_CHECK:-0}" = 1 ]; then
    run_simulation_check
fi

summary="$(grep -E '^=+ .+ in [0-9.]+s( \([0-9:]+\))? =+$' "$PYTEST_OUT" | tail -n 1)"
if [ ${#failures[@]} -gt 0 ]; then
    log "FAILED:"
    printf '    - %s\n' "${failures[@]}"
    status=1
else
    log "all checks passed (lint, install log, tests, test log)"
    status=0
fi
if [ -n "$summary" ]; then
    echo "$summary"
fi
exit $status
