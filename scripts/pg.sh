#!/usr/bin/env bash
# Make a PostgreSQL server available and print the PG* settings to use.
# Usage: eval "$(scripts/pg.sh)"
# Uses the server named by the standard PG* variables when one answers;
# otherwise starts (creating it on first use) a private cluster in .pg/.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PGDIR="$ROOT/.pg"
PORT="${CF_PG_PORT:-5439}"

if [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ] && pg_isready -q 2>/dev/null \
    && psql -d postgres -Atc 'select 1' >/dev/null 2>&1; then
    echo "export PGHOST='${PGHOST:-}' PGPORT='${PGPORT:-5432}' PGUSER='${PGUSER:-$(id -un)}'"
    [ -n "${PGPASSWORD:-}" ] && echo "export PGPASSWORD='${PGPASSWORD}'"
    exit 0
fi

find_bin() {
    local name=$1
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/$name" ] && { echo "$d/$name"; return; }
    done
    command -v "$name" || { echo "pg.sh: $name not found: install PostgreSQL (make setup)" >&2; exit 1; }
}
INITDB=$(find_bin initdb)
PG_CTL=$(find_bin pg_ctl)

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

if [ "$(id -u)" = 0 ]; then
    DBUSER=odoo
else
    DBUSER=$(id -un)
fi

mkdir -p "$PGDIR"
[ "$(id -u)" = 0 ] && chown postgres: "$PGDIR"
if [ ! -f "$PGDIR/data/PG_VERSION" ]; then
    as_owner "$INITDB" -D "$PGDIR/data" -U "$DBUSER" -A trust -E UTF8 --locale=C.UTF-8 >"$PGDIR/initdb.log" 2>&1 \
        || { cat "$PGDIR/initdb.log" >&2; exit 1; }
fi
if ! as_owner "$PG_CTL" -D "$PGDIR/data" status >/dev/null 2>&1; then
    as_owner "$PG_CTL" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 start \
        -o "-p $PORT -k $PGDIR -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null \
        || { tail -20 "$PGDIR/server.log" >&2; exit 1; }
fi
echo "export PGHOST='$PGDIR' PGPORT='$PORT' PGUSER='$DBUSER'"
