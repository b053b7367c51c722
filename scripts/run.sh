#!/usr/bin/env bash
# Serve Odoo with customer_followup and its demo data on http://localhost:8069.
# First run: creates the database customer_followup_demo (addon + demo data +
# Odoo's demo payment provider), sets the admin password to `admin` and runs
# the addon's scheduled actions once. Later runs reuse the database. RESET=1
# drops and recreates it.
# The demo's mails go to a local mail catcher (MailDev, installed by `make
# setup`), started here: SMTP on 127.0.0.1:1025, its web page on
# http://localhost:1080; the database's outgoing mail server points at it.
# Usage: make run   [RESET=1] [HTTP_PORT=8069] [DEMO_DB=customer_followup_demo]
#                   [MAIL_SMTP_PORT=1025] [MAIL_WEB_PORT=1080]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

require_odoo
start_pg

ADDON=customer_followup
DB="${DEMO_DB:-customer_followup_demo}"
PORT="${HTTP_PORT:-8069}"
SMTP_PORT="${MAIL_SMTP_PORT:-1025}"
MAIL_WEB="${MAIL_WEB_PORT:-1080}"
MAILDEV="$ROOT/var/tools/node_modules/.bin/maildev"
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
    log "creating $DB with $DEMO_MODULES, demo data and Japanese, then running the scheduled actions of $ADDON once (a few minutes)"
    create_demo_db "$CONFIG" "$DB"
else
    log "reusing database $DB (make run RESET=1 recreates it)"
    if ! psql -d "$DB" -Atc "select 1 from ir_module_module where name='payment_demo' and state='installed'" | grep -q 1; then
        log "installing payment_demo (the demo payment provider) in $DB"
        "${ODOO_CMD[@]}" -c "$CONFIG" -d "$DB" -i payment_demo --stop-after-init --log-level=warn
    fi
fi

# --- the mail catcher ------------------------------------------------------------
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
maildev_pid=
if port_open "$SMTP_PORT"; then
    log "port $SMTP_PORT already answers: using the mail catcher running there"
elif [ -x "$MAILDEV" ]; then
    mkdir -p "$ROOT/var/maildev/$DB"
    "$MAILDEV" --ip 127.0.0.1 --smtp "$SMTP_PORT" --web "$MAIL_WEB" \
        --mail-directory "$ROOT/var/maildev/$DB" --silent &
    maildev_pid=$!
    trap '[ -n "$maildev_pid" ] && kill "$maildev_pid" 2>/dev/null' EXIT
    for _ in $(seq 50); do port_open "$SMTP_PORT" && break; sleep 0.2; done
    port_open "$SMTP_PORT" || die "the mail catcher did not start on port $SMTP_PORT"
else
    die "the mail catcher is missing (var/tools/node_modules/.bin/maildev): run \`make setup\`"
fi
"$PYTHON" "$ROOT/scripts/demo_mail_server.py" "$CONFIG" "$DB" "$SMTP_PORT"

log "Odoo: http://localhost:$PORT  login: admin  password: admin  (Ctrl-C stops)"
log "Mails of the demo: http://localhost:$MAIL_WEB (MailDev)"
"${ODOO_CMD[@]}" -c "$CONFIG" -d "$DB" --http-interface=127.0.0.1 --http-port="$PORT"
