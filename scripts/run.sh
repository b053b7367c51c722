#!/usr/bin/env bash
# Serve Odoo with customer_followup and its demo data on http://localhost:8069.
# First run: creates the database customer_followup_demo (addon + demo data),
# sets the admin password to `admin` and runs the addon's scheduled actions
# once. Later runs reuse the database. RESET=1 drops and recreates it.
# Usage: make run   [RESET=1] [HTTP_PORT=8069] [DEMO_DB=customer_followup_demo]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

require_odoo
start_pg

ADDON=customer_followup
DB="${DEMO_DB:-customer_followup_demo}"
PORT="${HTTP_PORT:-8069}"
DATA_DIR="$ROOT/var/odoo-data"
CONFIG="$ROOT/var/odoo-run.cfg"
mkdir -p "$DATA_DIR"
cat >"$CONFIG" <<CFG
[options]
addons_path = $ADDONS_PATH
data_dir = $DATA_DIR
http_interface = 127.0.0.1
http_port = $PORT
dbfilter = ^$DB\$
CFG

db_ready() {
    psql -d "$DB" -Atc "select 1 from ir_module_module where name='$ADDON' and state='installed'" 2>/dev/null | grep -q 1
}

if [ "${RESET:-}" = 1 ]; then
    log "RESET=1: dropping database $DB"
    dropdb --if-exists "$DB"
    rm -rf "$DATA_DIR/filestore/$DB"
fi

if ! db_ready; then
    if psql -d postgres -Atc "select 1 from pg_database where datname='$DB'" | grep -q 1; then
        log "database $DB exists without $ADDON installed: recreating it"
        dropdb "$DB"
        rm -rf "$DATA_DIR/filestore/$DB"
    fi
    log "creating $DB with $ADDON, its demo data and Japanese (a minute or two)"
    # The first language is the default of new partners (the demo customers get
    # Japanese mails and postcards); English stays active for the administrator.
    "${ODOO_CMD[@]}" -c "$CONFIG" -d "$DB" -i "$ADDON" --with-demo --load-language=ja_JP,en_US \
        --stop-after-init --log-level=warn
    log "running the scheduled actions of $ADDON once"
    "$PYTHON" "$ROOT/scripts/run_crons.py" "$CONFIG" "$DB" "$ADDON"
else
    log "reusing database $DB (make run RESET=1 recreates it)"
fi

log "Odoo: http://localhost:$PORT  login: admin  password: admin  (Ctrl-C stops)"
exec "${ODOO_CMD[@]}" -c "$CONFIG" -d "$DB" --http-interface=127.0.0.1 --http-port="$PORT"
