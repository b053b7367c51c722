#!/usr/bin/env bash
# Upgrade test: install customer_followup as an older commit has it (with
# Email Marketing, its dependency then), give a campaign a mailing, then
# upgrade to this tree: the bridge customer_followup_mass_mailing installs
# itself in the same upgrade and the campaign keeps its mailing.
#   bash scripts/test_upgrade.sh [REF]    (REF: the older commit, default main)
set -uo pipefail
source "$(dirname "$0")/lib.sh"
require_odoo
start_pg
REF="${1:-main}"
OLD="$(mktemp -d "${TMPDIR:-/tmp}/cf-upgrade.XXXXXX")"
DB="cf_upgrade_$$"
LOG_DIR="$ROOT/var/last-test"
mkdir -p "$LOG_DIR"
LOG="$LOG_DIR/upgrade.log"
trap 'dropdb --if-exists "$DB" >/dev/null 2>&1; rm -rf "$OLD"' EXIT
git -C "$ROOT" archive "$REF" customer_followup | tar -x -C "$OLD" || die "no $REF"
OLD_PATH="$OLD,$ODOO_ROOT/addons"
NEW_PATH="$ADDONS_PATH"
odoo() { "${ODOO_CMD[@]}" "${@:2}" --addons-path="$1" -d "$DB" --http-interface=127.0.0.1; }

log "install customer_followup of $REF on $DB"
odoo "$OLD_PATH" -i customer_followup --stop-after-init --log-level=warn >"$LOG" 2>&1 ||
    die "install of $REF failed ($LOG)"
odoo "$OLD_PATH" shell --no-http --log-level=warn >>"$LOG" 2>&1 <<'PY' || die "setup failed ($LOG)"
partner = env["res.partner"].create({"name": "Upgrade Customer", "email": "u@example.com"})
email = env.ref("customer_followup.touchpoint_type_email")
campaign = env["customer.followup.campaign"].create({
    "name": "Upgrade Campaign", "send_date": "2200-01-01",
    "partner_domain": repr([("id", "=", partner.id)]), "message": "<p>Hello</p>",
    "line_ids": [(0, 0, {"touchpoint_type_id": email.id})],
})
campaign.action_confirm()
assert campaign.mailing_id and campaign.piece_ids.mailing_id, "no mailing"
env.cr.commit()
print("SETUP-OK")
PY
grep -q SETUP-OK "$LOG" || die "setup failed ($LOG)"

log "upgrade $DB to this tree"
odoo "$NEW_PATH" -u customer_followup --stop-after-init --log-level=info >>"$LOG" 2>&1 ||
    die "upgrade failed ($LOG)"
if grep -Eq "$ODOO_BAD_LOG_RE" "$LOG"; then
    grep -E -A 10 "$ODOO_BAD_LOG_RE" "$LOG" | head -n 40
    die "the upgrade logged WARNING/ERROR ($LOG)"
fi
odoo "$NEW_PATH" shell --no-http --log-level=warn >>"$LOG" 2>&1 <<'PY' || die "check failed ($LOG)"
bridge = env["ir.module.module"].search([("name", "=", "customer_followup_mass_mailing")])
assert bridge.state == "installed", bridge.state
campaign = env["customer.followup.campaign"].search([("name", "=", "Upgrade Campaign")])
assert campaign.mailing_id, "the campaign lost its mailing"
assert campaign.piece_ids.mailing_id == campaign.mailing_id, "the piece lost its mailing"
data = env["ir.model.data"].search([("model", "=", "ir.model.fields"), ("name", "=", "field_customer_followup_campaign__mailing_id")])
assert data.mapped("module") == ["customer_followup_mass_mailing"], data.mapped("module")
print("CHECK-OK")
PY
grep -q CHECK-OK "$LOG" || die "check failed ($LOG)"
log "upgrade from $REF: ok, the bridge installed itself and the mailings stayed"
