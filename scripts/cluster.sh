#!/usr/bin/env bash
# The reference deployment on one machine: a PostgreSQL primary and its
# streaming replica (two private clusters, two ports), two Odoo HTTP servers
# in prefork mode (--workers=2, no cron) and two cron servers (--no-http
# --max-cron-threads=1) on one database with the addon, behind no proxy.
# Every Odoo reads its read-only requests from the replica (db_replica_*).
#
# Usage: bash scripts/cluster.sh start|stop|status|check|simulate
#   start   create what is missing (the clusters, the demo database as
#           `make run` builds it, the replica by pg_basebackup -R), start all
#   stop    stop every process it started, by the PIDs it recorded
#   status  the processes, the replication, what the replica served
#   check   log in on both HTTP servers, open the read screens over JSON-RPC,
#           and show that the replica ran their queries (pg_stat_statements)
#   simulate  Odoo's own replica simulation (--dev=replica) on the primary
#           alone: the read screens opened, no read-only request may write
# Settings (environment): CLUSTER_PG_PORT=5491 CLUSTER_REPLICA_PORT=5492
#   CLUSTER_HTTP_PORTS="8291 8292" CLUSTER_GEVENT_PORTS="8293 8294"
#   CLUSTER_DB=customer_followup_cluster CLUSTER_DIR=var/cluster
#   CLUSTER_WORKERS=2 (HTTP workers of each server)
#   CLUSTER_DB_FROM=<database of scripts/pg.sh's server>: copy it (and
#   CLUSTER_FILESTORE_FROM=<its filestore folder>) instead of building the
#   demo database (a few minutes). CLUSTER_DB_FRESH=1 drops and builds (or
#   copies) it again even when it is there (make loadtest).
# Files: $CLUSTER_DIR/odoo.conf (shared by the four Odoo), *.log, *.pid.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

# Odoo 19 takes PGHOST/PGPORT/PGUSER over its config file: the cluster's Odoo
# must not inherit the caller's (scripts/pg.sh's, say), which name only the
# server CLUSTER_DB_FROM is copied from.
SOURCE_PG_ENV="$(export -p | grep -E '^declare -x (PGHOST|PGPORT|PGUSER|PGPASSWORD)=' || true)"
unset PGHOST PGPORT PGUSER PGPASSWORD

PG_PORT="${CLUSTER_PG_PORT:-5491}"
REPLICA_PORT="${CLUSTER_REPLICA_PORT:-5492}"
read -r -a HTTP_PORTS <<<"${CLUSTER_HTTP_PORTS:-8291 8292}"
read -r -a GEVENT_PORTS <<<"${CLUSTER_GEVENT_PORTS:-8293 8294}"
DB="${CLUSTER_DB:-customer_followup_cluster}"
DIR="$(mkdir -p "${CLUSTER_DIR:-$ROOT/var/cluster}" && cd "${CLUSTER_DIR:-$ROOT/var/cluster}" && pwd)"
CONFIG="$DIR/odoo.conf"

find_bin() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$d/$1" ]; then echo "$d/$1"; return; fi
    done
    command -v "$1" || die "$1 not found: install PostgreSQL (make setup)"
}

# PostgreSQL refuses to run as root: as root, the clusters belong to the
# postgres OS user, in $DIR when it can enter it, else under /tmp (the unix
# socket's path must stay short).
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || die "no 'postgres' OS user: run make setup"
    PG_OWNER=postgres DBUSER=odoo
else
    PG_OWNER=$(id -un) DBUSER=$PG_OWNER
fi
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
PGROOT="$DIR/pg"
if [ ${#PGROOT} -gt 80 ] || ! as_owner test -x "$DIR/" 2>/dev/null; then
    PGROOT="/tmp/customer_followup-cluster-$(printf '%s' "$DIR" | sha1sum | cut -c1-12)"
fi
PRIMARY="$PGROOT/primary"
REPLICA="$PGROOT/replica"
SOCKETS="$PGROOT"

psql_at() { # PORT DB SQL
    PGHOST="$SOCKETS" PGPORT="$1" PGUSER="$DBUSER" psql -X -q -v ON_ERROR_STOP=1 -d "$2" -Atc "$3"
}
pg_running() { as_owner "$(find_bin pg_ctl)" -D "$1" status >/dev/null 2>&1; }
pg_start() { # DATA PORT NAME
    pg_running "$1" && return
    as_owner "$(find_bin pg_ctl)" -D "$1" -l "$PGROOT/$3.log" -w -t 120 start \
        -o "-p $2 -k $SOCKETS -c listen_addresses=''" >/dev/null ||
        { tail -20 "$PGROOT/$3.log" >&2; die "PostgreSQL $3 did not start"; }
    log "PostgreSQL $3: port $2, pid $(as_owner head -1 "$1/postmaster.pid")"
}

start_primary() {
    mkdir -p "$PGROOT"
    chown "$PG_OWNER" "$PGROOT"
    if [ ! -f "$PRIMARY/PG_VERSION" ]; then
        log "creating the primary cluster in $PRIMARY"
        as_owner "$(find_bin initdb)" -D "$PRIMARY" -U "$DBUSER" -A trust -E UTF8 \
            --locale=C.UTF-8 >"$PGROOT/initdb.log" 2>&1 ||
            { cat "$PGROOT/initdb.log" >&2; die "initdb failed"; }
        # streaming replication (initdb's pg_hba.conf already trusts local
        # replication connections), the statements each server ran
        as_owner tee -a "$PRIMARY/postgresql.conf" >/dev/null <<CONF

# customer_followup reference deployment (scripts/cluster.sh)
wal_level = replica
max_wal_senders = 4
hot_standby = on
max_connections = 200
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
CONF
    fi
    pg_start "$PRIMARY" "$PG_PORT" primary
}

start_replica() {
    if [ ! -f "$REPLICA/PG_VERSION" ]; then
        log "copying the primary into the replica (pg_basebackup -R)"
        as_owner "$(find_bin pg_basebackup)" -h "$SOCKETS" -p "$PG_PORT" -U "$DBUSER" \
            -D "$REPLICA" -R -X stream -c fast
    fi
    pg_start "$REPLICA" "$REPLICA_PORT" replica
}

write_config() {
    mkdir -p "$DIR/odoo-data"
    cat >"$CONFIG" <<CFG
[options]
addons_path = $ADDONS_PATH
data_dir = $DIR/odoo-data
db_host = $SOCKETS
db_port = $PG_PORT
db_user = $DBUSER
db_replica_host = $SOCKETS
db_replica_port = $REPLICA_PORT
db_name = $DB
dbfilter = ^$DB\$
list_db = False
http_interface = 127.0.0.1
workers = ${CLUSTER_WORKERS:-2}
max_cron_threads = 0
limit_time_cpu = 120
limit_time_real = 240
; a cron job may run longer than a request: Odoo's mail queue sending a
; backlog of 2,400 mails under load was killed at 240 s (then 192 s to finish)
limit_time_real_cron = 1800
CFG
}

db_ready() {
    psql_at "$PG_PORT" "$DB" "select 1 from ir_module_module where name='customer_followup' and state='installed'" 2>/dev/null | grep -q 1
}

create_db() {
    if [ -z "${CLUSTER_DB_FRESH:-}" ]; then db_ready && return; fi
    psql_at "$PG_PORT" postgres "DROP DATABASE IF EXISTS \"$DB\""
    rm -rf "$DIR/odoo-data/filestore/$DB"
    if [ -n "${CLUSTER_DB_FROM:-}" ]; then
        log "copying database $CLUSTER_DB_FROM (scripts/pg.sh's server) into $DB"
        psql_at "$PG_PORT" postgres "CREATE DATABASE \"$DB\""
        # the materialized views are filled after ANALYZE: pg_restore refreshes
        # them on tables without statistics, and the effect report's join
        # then runs for hours instead of seconds at 100,000 customers
        DUMP="$DIR/copy.dump"
        (eval "$SOURCE_PG_ENV" && eval "$(bash "$ROOT/scripts/pg.sh")" && pg_dump -Fc -f "$DUMP" "$CLUSTER_DB_FROM")
        pg_restore -l "$DUMP" | grep -v 'MATERIALIZED VIEW DATA' >"$DUMP.list"
        PGHOST="$SOCKETS" PGPORT="$PG_PORT" PGUSER="$DBUSER" pg_restore -d "$DB" --no-owner -L "$DUMP.list" "$DUMP"
        psql_at "$PG_PORT" "$DB" "ANALYZE" >/dev/null
        for VIEW in $(psql_at "$PG_PORT" "$DB" "SELECT quote_ident(schemaname) || '.' || quote_ident(matviewname) FROM pg_matviews"); do
            psql_at "$PG_PORT" "$DB" "REFRESH MATERIALIZED VIEW $VIEW" >/dev/null
        done
        rm -f "$DUMP" "$DUMP.list"
        if [ -n "${CLUSTER_FILESTORE_FROM:-}" ]; then
            mkdir -p "$DIR/odoo-data/filestore"
            cp -r "$CLUSTER_FILESTORE_FROM" "$DIR/odoo-data/filestore/$DB"
        fi
        psql_at "$PG_PORT" "$DB" "UPDATE res_users SET password = 'admin' WHERE login = 'admin'"
    else
        log "creating $DB as make run does ($DEMO_MODULES, demo data, Japanese, the scheduled actions once: a few minutes)"
        create_demo_db "$CONFIG" "$DB"
    fi
    psql_at "$PG_PORT" "$DB" "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
    # the demo's mails to the mail catcher of `make run` when it runs
    "$PYTHON" "$ROOT/scripts/demo_mail_server.py" "$CONFIG" "$DB" "${MAIL_SMTP_PORT:-1025}"
}

pidfile() { echo "$DIR/$1.pid"; }
alive() { [ -f "$(pidfile "$1")" ] && kill -0 "$(cat "$(pidfile "$1")")" 2>/dev/null; }

start_odoo() { # NAME ARGS...
    local name=$1
    shift
    if alive "$name"; then
        log "$name already runs (pid $(cat "$(pidfile "$name")"))"
        return
    fi
    # what a process prints before its logging starts (a crash at import)
    "${ODOO_CMD[@]}" -c "$CONFIG" --logfile="$DIR/$name.log" "$@" </dev/null >>"$DIR/$name.out" 2>&1 &
    echo $! >"$(pidfile "$name")"
    log "Odoo $name: pid $! $*"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

do_start() {
    require_odoo
    start_primary
    start_replica
    write_config
    create_db
    for i in 0 1; do
        start_odoo "http-$((i + 1))" --http-port="${HTTP_PORTS[$i]}" \
            --gevent-port="${GEVENT_PORTS[$i]}" --max-cron-threads=0
    done
    for i in 1 2; do
        start_odoo "cron-$i" --no-http --max-cron-threads=1
    done
    # the HTTP ports, and the websocket process each HTTP server spawns
    for port in "${HTTP_PORTS[@]}" "${GEVENT_PORTS[@]}"; do
        for _ in $(seq 120); do port_open "$port" && break; sleep 0.5; done
        port_open "$port" || die "Odoo does not answer on port $port (see $DIR/*.log, *.out)"
    done
    log "Odoo: http://127.0.0.1:${HTTP_PORTS[0]} and http://127.0.0.1:${HTTP_PORTS[1]} (admin/admin), database $DB"
    log "config $CONFIG; logs and PIDs in $DIR; stop: make cluster-stop"
}

# the PIDs of a process and of all its descendants
tree() {
    local pid=$1 child
    echo "$pid"
    for child in $(pgrep -P "$pid" 2>/dev/null); do tree "$child"; done
}

stop_odoo() {
    local name=$1 pid pids left
    [ -f "$(pidfile "$name")" ] || return 0
    pid=$(cat "$(pidfile "$name")")
    if kill -0 "$pid" 2>/dev/null; then
        pids=$(tree "$pid")
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 60); do
            left=$(for p in $pids; do if kill -0 "$p" 2>/dev/null; then echo "$p"; fi; done)
            [ -z "$left" ] && break
            sleep 0.5
        done
        if [ -n "$left" ]; then
            log "$name: killing what is left: $left"
            # shellcheck disable=SC2086
            kill -KILL $left 2>/dev/null || true
        fi
        log "Odoo $name stopped (pids $(echo $pids))"
    fi
    rm -f "$(pidfile "$name")"
}

do_stop() {
    for name in http-1 http-2 cron-1 cron-2; do stop_odoo "$name"; done
    for data in "$REPLICA" "$PRIMARY"; do
        if [ -f "$data/PG_VERSION" ] && pg_running "$data"; then
            as_owner "$(find_bin pg_ctl)" -D "$data" -m fast -w stop >/dev/null
            log "PostgreSQL $(basename "$data") stopped"
        fi
    done
}

do_status() {
    for name in http-1 http-2 cron-1 cron-2; do
        if alive "$name"; then
            echo "$name: running, pids $(tree "$(cat "$(pidfile "$name")")" | tr '\n' ' ')"
        else
            echo "$name: stopped"
        fi
    done
    for data in "$PRIMARY" "$REPLICA"; do
        if pg_running "$data"; then echo "$(basename "$data"): running"; else echo "$(basename "$data"): stopped"; fi
    done
    pg_running "$PRIMARY" && pg_running "$REPLICA" || return 0
    echo "replication (primary's pg_stat_replication):"
    psql_at "$PG_PORT" postgres "select '  ' || application_name || ' ' || state || ' sent ' || sent_lsn || ' replayed ' || replay_lsn from pg_stat_replication"
    echo "replica in recovery: $(psql_at "$REPLICA_PORT" postgres 'select pg_is_in_recovery()')"
    echo "statements run per server on $DB (pg_stat_statements: calls of SELECTs, of writes):"
    for port in "$PG_PORT" "$REPLICA_PORT"; do
        echo "  port $port: $(psql_at "$port" "$DB" "select coalesce(sum(calls) filter (where query ilike 'select%'), 0) || ' reads, ' || coalesce(sum(calls) filter (where query ~* '^(insert|update|delete)'), 0) || ' writes' from pg_stat_statements s join pg_database d on d.oid = s.dbid where d.datname = current_database()")"
    done
}

# Odoo's own simulation of a replica (--dev=replica: read-only requests on
# a second, read-only connection to the primary), one threaded server on the
# first HTTP port, the read screens opened: a read-only request that writes
# is retried by Odoo with a WARNING in the log, which fails the check.
do_simulate() {
    local was_running=0
    require_odoo
    pg_running "$PRIMARY" && was_running=1
    start_primary
    write_config
    create_db
    local sim="$DIR/odoo-sim.conf" log="$DIR/sim/odoo.log" pid status=0
    grep -v '^db_replica_' "$CONFIG" >"$sim"
    mkdir -p "$DIR/sim"
    : >"$log"
    "${ODOO_CMD[@]}" -c "$sim" --dev=replica --workers=0 --max-cron-threads=0 \
        --http-port="${HTTP_PORTS[0]}" --logfile="$log" </dev/null >/dev/null 2>&1 &
    pid=$!
    log "Odoo --dev=replica: pid $pid, port ${HTTP_PORTS[0]}"
    for _ in $(seq 120); do port_open "${HTTP_PORTS[0]}" && break; sleep 0.5; done
    PGHOST="$SOCKETS" PGUSER="$DBUSER" "$PYTHON" "$ROOT/scripts/cluster_check.py" \
        --db "$DB" --logs "$DIR/sim" "${HTTP_PORTS[0]}" || status=$?
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    log "Odoo --dev=replica stopped (pid $pid)"
    if [ "$was_running" = 0 ]; then
        as_owner "$(find_bin pg_ctl)" -D "$PRIMARY" -m fast -w stop >/dev/null
        log "PostgreSQL primary stopped"
    fi
    return "$status"
}

case "${1:-}" in
start) do_start ;;
stop) do_stop ;;
status) do_status ;;
simulate) do_simulate ;;
check)
    require_odoo
    PGHOST="$SOCKETS" PGUSER="$DBUSER" "$PYTHON" "$ROOT/scripts/cluster_check.py" \
        --db "$DB" --primary-port "$PG_PORT" --replica-port "$REPLICA_PORT" \
        --logs "$DIR" "${HTTP_PORTS[@]}"
    ;;
*) die "usage: bash scripts/cluster.sh start|stop|status|check|simulate" ;;
esac
