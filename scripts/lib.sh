# Shared helpers for the scripts in this folder (sourced, not executed).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"

log() { printf '==> %s\n' "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Print the Odoo source root (the folder holding odoo/ and addons/) when an
# Odoo 19.0 is importable by $PYTHON; fail otherwise.
odoo_root() {
    "$PYTHON" - <<'PY' 2>/dev/null
import os
import odoo.release
if odoo.release.version_info[:2] != (19, 0):
    raise SystemExit(1)
import odoo
print(os.path.dirname(os.path.realpath(list(odoo.__path__)[0])))
PY
}

require_odoo() {
    ODOO_ROOT="$(odoo_root)" || die "Odoo 19.0 is not importable by $PYTHON: run \`make setup\` (set ODOO_SRC=/path/to/odoo-19.0 to use an existing source tree)"
    ODOO_BIN="$ODOO_ROOT/odoo-bin"
    if [ -f "$ODOO_BIN" ]; then
        ODOO_CMD=("$PYTHON" "$ODOO_BIN")
    else
        ODOO_CMD=("$PYTHON" -m odoo)
    fi
    ADDONS_PATH="$ROOT"
    if [ -d "$ODOO_ROOT/addons" ]; then
        ADDONS_PATH="$ROOT,$ODOO_ROOT/addons"
    fi
}

# fake_clock MOMENT: run every process started from now on (PostgreSQL, Odoo)
# with its clock moved to MOMENT (ISO 8601 with its UTC offset,
# e.g. "2027-12-31 23:30:00+09:00"), by a fixed offset from the real clock so
# that every process agrees; PostgreSQL then runs a cluster of its own
# (.pg-faketime/), which the caller stops (scripts/pg.sh --stop), as it ends
# the clock's keeper (stop_fake_clock). Needs Debian's faketime (make setup).
fake_clock() {
    local moment=$1 lib offset
    lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1)
    [ -n "$lib" ] || { echo "TEST_NOW needs libfaketime: run make setup (Debian package faketime)" >&2; return 1; }
    offset=$("$PYTHON" -c 'import sys, time, datetime
moment = datetime.datetime.fromisoformat(sys.argv[1])
if moment.tzinfo is None:
    raise SystemExit("TEST_NOW needs its UTC offset, e.g. 2027-12-31 23:30:00+09:00")
print(int(moment.timestamp() - time.time()))' "$moment") || return 1
    case $offset in -*) ;; *) offset="+$offset" ;; esac
    # libfaketime keeps its state in shared memory made by the first process
    # that loads it, and its children use that process's: a keeper process
    # holds it for the whole run, open to the postgres user too
    unset FAKETIME_SHARED
    FAKETIME="${offset}s" FAKETIME_DONT_FAKE_MONOTONIC=1 LD_PRELOAD="$lib" \
        sleep 86400 </dev/null >/dev/null 2>&1 &
    FAKE_CLOCK_KEEPER=$!
    local tries=0
    while [ ! -e "/dev/shm/faketime_shm_$FAKE_CLOCK_KEEPER" ] && [ $tries -lt 50 ]; do
        sleep 0.1
        tries=$((tries + 1))
    done
    chmod 666 "/dev/shm/sem.faketime_sem_$FAKE_CLOCK_KEEPER" \
        "/dev/shm/faketime_shm_$FAKE_CLOCK_KEEPER" || return 1
    export FAKETIME_SHARED="/faketime_sem_$FAKE_CLOCK_KEEPER /faketime_shm_$FAKE_CLOCK_KEEPER"
    export FAKETIME="${offset}s" FAKETIME_DONT_FAKE_MONOTONIC=1 LD_PRELOAD="$lib"
    export CF_PG_DIR="$ROOT/.pg-faketime"

    log "clocks moved to $moment (FAKETIME=$FAKETIME)"
}

stop_fake_clock() {
    if [ -n "${FAKE_CLOCK_KEEPER:-}" ]; then
        kill "$FAKE_CLOCK_KEEPER" 2>/dev/null || true
        rm -f "/dev/shm/sem.faketime_sem_$FAKE_CLOCK_KEEPER" \
            "/dev/shm/faketime_shm_$FAKE_CLOCK_KEEPER"
    fi
}

start_pg() {
    local env
    env="$(bash "$ROOT/scripts/pg.sh")" || die "could not start PostgreSQL (scripts/pg.sh)"
    eval "$env"
}

# Odoo log records at WARNING or above (Odoo's own format, not docutils' lines).
ODOO_BAD_LOG_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{3} [0-9]+ (WARNING|ERROR|CRITICAL) '

# The demo database of `make run`, also built by `make test` to check the
# README's demo figures: the addon with its demo data and Odoo's demo payment
# provider (test mode), Japanese first (the default language of new partners:
# the demo customers get Japanese mails, postcards and portal; English stays
# active for the administrator), then the addon's scheduled actions run once.
# Usage: create_demo_db CONFIG DB [LOG_LEVEL]
DEMO_MODULES=customer_followup,customer_followup_mass_mailing,payment_demo
create_demo_db() {
    local config=$1 db=$2 level=${3:-warn}
    "${ODOO_CMD[@]}" -c "$config" -d "$db" -i "$DEMO_MODULES" --with-demo \
        --load-language=ja_JP,en_US --stop-after-init --log-level="$level" &&
        "$PYTHON" "$ROOT/scripts/run_crons.py" "$config" "$db" customer_followup
}
