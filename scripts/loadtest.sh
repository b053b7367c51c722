#!/usr/bin/env bash
# `make loadtest`: the reference deployment of `make cluster` under load.
#  1. a database of scripts/pg.sh's server with the addon, N generated
#     customers (benchmarks/generate.py), the salespeople and portal users
#     the load plays, the addon's scheduled actions run once
#     (benchmarks/loadtest_prepare.py); kept and reused on the next run;
#  2. `make cluster` on a fresh copy of it (CLUSTER_DB_FROM), its mails to a
#     local SMTP sink;
#  3. while the two cron servers run every scheduled action of the addon in a
#     loop (benchmarks/loadtest_crons.py), Locust (headless, its own venv:
#     it needs a newer gevent than Odoo's) plays salespeople and portal
#     customers on both HTTP servers (benchmarks/locustfile.py);
#  4. the report (benchmarks/loadtest_report.py): requests per second,
#     latency per page, errors, the Odoo logs (tracebacks, 5xx, retried
#     serialization failures) and the invariants of the simulation checked
#     afterwards; then everything it started is stopped.
# Settings (environment): LOADTEST_CUSTOMERS=100000 LOADTEST_SALESPEOPLE=50
#   LOADTEST_PORTAL=200 LOADTEST_DURATION=10m LOADTEST_SPAWN_RATE=2
#   LOADTEST_WAIT_SALES="10 30" LOADTEST_WAIT_PORTAL="30 90" (think time, s)
#   LOADTEST_MAX_REQUESTS=200000 LOADTEST_CRON_EVERY=30 (seconds)
#   LOADTEST_DB=loadtest_<customers> (reused when prepared)
#   LOADTEST_SMTP_PORT=2525 LOADTEST_KEEP_CLUSTER=1 (leave it running)
#   LOADTEST_ARGS="..." (more Locust options); the cluster's own settings
#   (scripts/cluster.sh) apply, its database is CLUSTER_DB=loadtest_cluster,
#   CLUSTER_WORKERS=6 HTTP workers per server.
# Output: var/loadtest/ (report.md, Locust's CSV and log, the users file).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

CUSTOMERS="${LOADTEST_CUSTOMERS:-100000}"
SALESPEOPLE="${LOADTEST_SALESPEOPLE:-50}"
PORTAL="${LOADTEST_PORTAL:-200}"
DURATION="${LOADTEST_DURATION:-10m}"
SPAWN_RATE="${LOADTEST_SPAWN_RATE:-2}"
MAX_REQUESTS="${LOADTEST_MAX_REQUESTS:-200000}"
CRON_EVERY="${LOADTEST_CRON_EVERY:-30}"
DB="${LOADTEST_DB:-loadtest_$CUSTOMERS}"
SMTP_PORT="${LOADTEST_SMTP_PORT:-2525}"
OUT="$ROOT/var/loadtest"
LOCUST_VENV="$ROOT/var/tools/locust"
LOCUST_REQ="$ROOT/scripts/requirements-loadtest.txt"
export CLUSTER_DB="${CLUSTER_DB:-loadtest_cluster}"
# 6 HTTP workers per server, not make cluster's 2: signing a quotation renders
# its PDF, whose wkhtmltopdf fetches the stylesheets from the same server; with
# 2 workers busy signing, those fetches wait for a worker until the time limit.
export CLUSTER_WORKERS="${CLUSTER_WORKERS:-6}"
CLUSTER_DIR="$(mkdir -p "${CLUSTER_DIR:-$ROOT/var/cluster}" && cd "${CLUSTER_DIR:-$ROOT/var/cluster}" && pwd)"
export CLUSTER_DIR
read -r -a HTTP_PORTS <<<"${CLUSTER_HTTP_PORTS:-8291 8292}"
mkdir -p "$OUT"
require_odoo

# --- Locust in its own venv ------------------------------------------------------
# Locust needs gevent >= 24; Odoo's prefork server runs on the gevent of its
# requirements: one venv each keeps both.
if ! "$LOCUST_VENV/bin/python" -c 'import locust' 2>/dev/null ||
    ! "$LOCUST_VENV/bin/pip" freeze 2>/dev/null | grep -qxF "$(grep -v '^#' "$LOCUST_REQ")"; then
    log "Locust: installing $(grep -v '^#' "$LOCUST_REQ") into $LOCUST_VENV"
    "$PYTHON" -m venv "$LOCUST_VENV"
    "$LOCUST_VENV/bin/pip" install --disable-pip-version-check -q -r "$LOCUST_REQ"
fi

# --- 1. the database -------------------------------------------------------------
start_pg
prepared() {
    psql -X -d "$DB" -Atc "select 1 from ir_config_parameter where key = 'customer_followup.loadtest_prepared'" 2>/dev/null | grep -q 1
}
if ! prepared; then
    log "building $DB: the addon, $CUSTOMERS customers, $SALESPEOPLE salespeople, $PORTAL portal users"
    dropdb --if-exists "$DB"
    "${ODOO_CMD[@]}" -d "$DB" --addons-path="$ADDONS_PATH" -i customer_followup,customer_followup_mass_mailing \
        --stop-after-init --log-level=warn --max-cron-threads=0 --http-interface=127.0.0.1
    "$PYTHON" benchmarks/generate.py -d "$DB" --customers "$CUSTOMERS" --addons-path "$ADDONS_PATH"
fi
log "preparing $DB (reused when done)"
"$PYTHON" benchmarks/loadtest_prepare.py -d "$DB" --salespeople "$SALESPEOPLE" --portal "$PORTAL" \
    --users-file "$OUT/users.json" --addons-path "$ADDONS_PATH" --base-url "http://127.0.0.1:${HTTP_PORTS[0]}"

# --- 2. the cluster on a fresh copy ------------------------------------------------
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ -z "${LOADTEST_KEEP_CLUSTER:-}" ]; then bash "$ROOT/scripts/cluster.sh" stop; fi
}
trap cleanup EXIT

"$PYTHON" benchmarks/smtp_sink.py "$SMTP_PORT" >"$OUT/smtp.log" 2>&1 &
PIDS+=($!)
log "SMTP sink: port $SMTP_PORT, pid $!"
bash scripts/cluster.sh stop >/dev/null
FILESTORE=$("$PYTHON" -c 'import sys; from odoo.tools import config; config.parse_config([]); print(config.filestore(sys.argv[1]))' "$DB")
if [ -d "$FILESTORE" ]; then export CLUSTER_FILESTORE_FROM="$FILESTORE"; fi
CLUSTER_DB_FROM="$DB" CLUSTER_DB_FRESH=1 MAIL_SMTP_PORT="$SMTP_PORT" bash scripts/cluster.sh start

# the logs' sizes now: only what the run adds is read
LOG_OFFSETS="$OUT/log_offsets.json"
"$PYTHON" - "$CLUSTER_DIR" >"$LOG_OFFSETS" <<'PY'
import json, pathlib, sys
print(json.dumps({p.name: p.stat().st_size for p in pathlib.Path(sys.argv[1]).glob("*.log")}))
PY
"$PYTHON" benchmarks/loadtest_check.py --config "$CLUSTER_DIR/odoo.conf" before "$OUT/before.pickle"

# --- 3. the crons in a loop, the load --------------------------------------------
"$PYTHON" benchmarks/loadtest_crons.py --config "$CLUSTER_DIR/odoo.conf" --every "$CRON_EVERY" \
    >"$OUT/crons.log" 2>&1 &
PIDS+=($!)
log "cron loop: every $CRON_EVERY s, pid $!"

USERS=$((SALESPEOPLE + PORTAL))
log "Locust: $USERS users ($SALESPEOPLE salespeople, $PORTAL portal customers), $DURATION, at most $MAX_REQUESTS requests"
rm -f "$OUT"/locust_*.csv "$OUT/locust.log" "$OUT/results.json"
LOADTEST_USERS_FILE="$OUT/users.json" LOADTEST_DB_NAME="$CLUSTER_DB" LOADTEST_HOSTS="$(printf 'http://127.0.0.1:%s ' "${HTTP_PORTS[@]}")" \
    LOADTEST_RESULTS="$OUT/results.json" LOADTEST_MAX_REQUESTS="$MAX_REQUESTS" \
    LOADTEST_SALESPEOPLE="$SALESPEOPLE" LOADTEST_PORTAL="$PORTAL" \
    nice -n 5 "$LOCUST_VENV/bin/locust" -f benchmarks/locustfile.py --headless \
    -u "$USERS" -r "$SPAWN_RATE" -t "$DURATION" --stop-timeout 30 \
    --host "http://127.0.0.1:${HTTP_PORTS[0]}" --csv "$OUT/locust" --only-summary \
    --logfile "$OUT/locust.log" ${LOADTEST_ARGS:-} || log "Locust exit code $? (failures: see the report)"

# the cron loop stops; the crons under way finish before the checks
kill -TERM "${PIDS[1]}" 2>/dev/null || true
wait "${PIDS[1]}" 2>/dev/null || true

# --- 4. the report ------------------------------------------------------------------
"$PYTHON" benchmarks/loadtest_report.py --out "$OUT" --logs "$CLUSTER_DIR" \
    --log-offsets "$LOG_OFFSETS" --config "$CLUSTER_DIR/odoo.conf" \
    --customers "$CUSTOMERS" --duration "$DURATION"
