#!/usr/bin/env bash
# `make test` at the moments where a shop's day and UTC's disagree, each with
# the clocks of Odoo, PostgreSQL and the browser moved there (TEST_NOW, see
# scripts/test.sh): 23:30 in Tokyo on the next 31 December (UTC's day is still
# the 31st, the year ends in 30 minutes), 00:30 in Tokyo on 29 February 2028
# (UTC's day is the 28th), a Sunday, a Japanese public holiday (Constitution
# Day, 3 May) and the first Monday of a month. Takes about 8 minutes a moment.
# Usage: make test-dates   [TEST_DATES="moment;moment"]
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

default_moments() {
    "$PYTHON" - <<'PY'
import datetime

tokyo = datetime.timezone(datetime.timedelta(hours=9))
now = datetime.datetime.now(tokyo)
year_end = datetime.datetime(now.year, 12, 31, 23, 30, tzinfo=tokyo)
if year_end <= now:
    year_end = year_end.replace(year=now.year + 1)
sunday = (now + datetime.timedelta(days=6 - now.weekday() or 7)).replace(
    hour=0, minute=30, second=0, microsecond=0
)
first_monday = datetime.datetime(2028, 3, 6, 9, 0, tzinfo=tokyo)
moments = [
    year_end,
    datetime.datetime(2028, 2, 29, 0, 30, tzinfo=tokyo),
    sunday,
    datetime.datetime(2028, 5, 3, 10, 0, tzinfo=tokyo),
    first_monday,
]
print(";".join(m.isoformat(sep=" ") for m in moments))
PY
}

IFS=';' read -r -a moments <<<"${TEST_DATES:-$(default_moments)}"
failed=()
for moment in "${moments[@]}"; do
    log "make test at $moment"
    if ! TEST_NOW="$moment" bash "$ROOT/scripts/test.sh"; then
        failed+=("$moment")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    log "FAILED at: ${failed[*]}"
    exit 1
fi
log "passed at every moment: ${moments[*]}"
