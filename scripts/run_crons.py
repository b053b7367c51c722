"""Run every scheduled action (ir.cron) of an addon once, set the admin
password and language, and let every company take online payments with Odoo's
demo payment provider. Used by scripts/run.sh on a freshly created demo
database.

Usage: python3 scripts/run_crons.py ODOO_CONFIG DATABASE [ADDON]
"""

import sys

import odoo.api
import odoo.modules.registry
from odoo.tools import config


def main(config_path, db_name, addon="customer_followup"):
    config.parse_config(["-c", config_path, "-d", db_name], setup_logging=True)
    registry = odoo.modules.registry.Registry(db_name)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.api.SUPERUSER_ID, {})
        # Customers and the salesperson "demo" keep Japanese (the database's
        # default language); the administrator reads the English README.
        env.ref("base.user_admin").write({"password": "admin", "lang": "en_US"})
        # Odoo copies the demo provider into the other companies disabled: the
        # Japanese shop's customers sign and pay their quotations too
        if "payment.provider" in env:
            env["payment.provider"].search(
                [("code", "=", "demo"), ("state", "=", "disabled")]
            ).write({"state": "test", "is_published": True})
        cron_ids = (
            env["ir.model.data"]
            .search([("module", "=", addon), ("model", "=", "ir.cron")])
            .mapped("res_id")
        )
        crons = env["ir.cron"].browse(cron_ids).exists()
        cr.commit()
        for cron in crons:
            print(f"running scheduled action: {cron.name}", flush=True)
            cron.method_direct_trigger()
            cr.commit()
        print(f"{len(crons)} scheduled action(s) of {addon} run", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
