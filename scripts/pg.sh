#!/usr/bin/env bash
# Make a PostgreSQL server available and print the PG* settings to use.
# Usage: eval "$(bash scripts/pg.sh)"; bash scripts/pg.sh --stop stops the
# private cluster. CF_PG_DIR names another directory for the private cluster
# (the clock-moved runs of `make test TEST_NOW=...` use their own).
# Uses the server named by the standard PG* variables when one answers;
# otherwise starts (creating it on first use) a private cluster in .pg/.
# As root the cluster runs as the postgres OS user; the database role is `odoo`
# (Odoo refuses to connect as `postgres`). When .pg/ cannot be used (the repo
# is not traversable by the postgres user, or the unix socket path would be
# too long), the cluster lives in /tmp/customer_followup-pg-<hash of repo path>.
# CF_PG_OPTIONS adds server settings when it starts the cluster, e.g.
# CF_PG_OPTIONS="-c shared_buffers=4GB" for the million-customer benchmark.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PORT="${CF_PG_PORT:-5439}"

if [ "${1:-}" != --stop ] && [ -z "${CF_PG_DIR:-}" ] \
    && [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ] && pg_isready -q 2>/dev/null \
    && psql -d postgres -Atc 'select 1' >/dev/null 2>&1; then
    echo "export PGHOST='${PGHOST:-}' PGPORT='${PGPORT:-5432}' PGUSER='${PGUSER:-$(id -un)}'"
    if [ -n "${PGPASSWORD:-}" ]; then echo "export PGPASSWORD='${PGPASSWORD}'"; fi
    exit 0
fi

find_bin() {
    local name=$1 d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$d/$name" ]; then echo "$d/$name"; return; fi
    done
    command -v "$name" || { echo "pg.sh: $name not found: install PostgreSQL (make setup)" >&2; exit 1; }
}
INITDB=$(find_bin initdb)
PG_CTL=$(find_bin pg_ctl)

IS_ROOT=0
if [ "$(id -u)" = 0 ]; then IS_ROOT=1; fi

# fd 9 (the lock below) is closed for the commands run here: the server would
# otherwise inherit it and hold the lock for its whole life.
as_owner() {
    if [ "$IS_ROOT" = 1 ]; then
        runuser -u postgres -- "$@" 9>&-
    else
        "$@" 9>&-
    fi
}

if [ "$IS_ROOT" = 1 ]; then
    id postgres >/dev/null 2>&1 || { echo "pg.sh: no 'postgres' OS user: install PostgreSQL (make setup)" >&2; exit 1; }
    DBUSER=odoo
else
    DBUSER=$(id -un)
fi

# Pick the cluster directory: .pg/ in the repo when usable, else a per-repo
# directory under /tmp. The socket path ($PGDIR/.s.PGSQL.$PORT) must fit in
# sun_path (107 bytes); keep a margin.
PGDIR="${CF_PG_DIR:-$ROOT/.pg}"
use_tmp=0
if [ ${#PGDIR} -gt 80 ]; then
    use_tmp=1
elif [ "$IS_ROOT" = 1 ] && ! runuser -u postgres -- test -x "$ROOT/" 2>/dev/null; then
    use_tmp=1
fi
if [ "$use_tmp" = 1 ]; then
    hash=$(printf '%s' "$ROOT" | sha1sum | cut -c1-12)
    PGDIR="/tmp/customer_followup-pg-$hash${CF_PG_DIR:+-$(basename "$CF_PG_DIR")}"
fi

if [ "${1:-}" = --stop ]; then
    if [ -f "$PGDIR/data/PG_VERSION" ]; then
        as_owner "$PG_CTL" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    exit 0
fi

mkdir -p "$PGDIR"
if [ "$IS_ROOT" = 1 ]; then chown postgres: "$PGDIR"; fi

# Serialize concurrent callers (several shells may start the cluster at once).
if command -v flock >/dev/null 2>&1; then
    exec 9>"$PGDIR/.lock"
    flock 9
fi

if [ ! -f "$PGDIR/data/PG_VERSION" ]; then
    as_owner "$INITDB" -D "$PGDIR/data" -U "$DBUSER" -A trust -E UTF8 --locale=C.UTF-8 >"$PGDIR/initdb.log" 2>&1 \
        || { cat "$PGDIR/initdb.log" >&2; exit 1; }
fi
if ! as_owner "$PG_CTL" -D "$PGDIR/data" status >/dev/null 2>&1; then
    as_owner "$PG_CTL" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 start \
        -o "-p $PORT -k $PGDIR -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 ${CF_PG_OPTIONS:-}" >/dev/null \
        || { tail -20 "$PGDIR/server.log" >&2; exit 1; }
fi
echo "export PGHOST='$PGDIR' PGPORT='$PORT' PGUSER='$DBUSER'"
