"""Prepare a generated database (benchmarks/generate.py) for `make loadtest`:
the people the load generator plays, with their logins and passwords, then
the addon's scheduled actions run once, as a shop that has been running.

- SALESPEOPLE salespeople (``load_sales_NN``), the generated customers shared
  among them; the first half limited to their own documents, the others see
  all documents;
- PORTAL portal users (``load_portal_NNN``), customers with a registered
  machine whose part is due: the reminder cron makes their quotations (with
  a short code and an access token), which they open by the code and sign;
- a New Year greeting campaign to the customers of one city, to preview;
- every scheduled action of the addon run once (tiers, planner, reminders...).

Writes the logins, passwords and short codes to a JSON file for the
locustfile. Usage (the database must come from generate.py):

    python3 benchmarks/loadtest_prepare.py -d DB --users-file var/loadtest/users.json
"""

import argparse
import json
import logging
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import generate  # noqa: E402
import hooks  # noqa: E402

_logger = logging.getLogger("benchmarks.loadtest")

PASSWORD = "loadtest"  # noqa: S105 (a throwaway database's users)
MARKER = "customer_followup.loadtest_prepared"
CAMPAIGN_CITY = "Tokyo"


def set_password(env, users):
    """One pbkdf2 hash for every user: hashing it per user (600,000 rounds)
    would take minutes; the login checks it as usual."""
    hashed = env["res.users"]._crypt_context().hash(PASSWORD)
    env.cr.execute(
        "UPDATE res_users SET password = %s WHERE id = ANY(%s)", [hashed, users.ids]
    )


def create_users(env, vals_list):
    users = env["res.users"].with_context(
        no_reset_password=True, tracking_disable=True, mail_create_nolog=True
    )
    return users.create(vals_list)


def create_salespeople(env, count):
    own = env.ref("sales_team.group_sale_salesman")
    everything = env.ref("sales_team.group_sale_salesman_all_leads")
    users = create_users(
        env,
        [
            {
                "name": f"Load Salesperson {i:02d}",
                "login": f"load_sales_{i:02d}",
                "email": f"load_sales_{i:02d}@bench.example.com",
                "lang": "en_US",
                "group_ids": [(6, 0, [(own if i <= count // 2 else everything).id])],
            }
            for i in range(1, count + 1)
        ],
    )
    set_password(env, users)
    # the generated customers shared among them (before the first tiers and
    # plans, which follow the customer's salesperson)
    env.cr.execute(
        """UPDATE res_partner SET user_id = (%s::int[])[1 + id %% %s]
            WHERE ref LIKE %s""",
        [users.ids, len(users), generate.BENCH_REF + "%"],
    )
    return users


def portal_customers(env, count):
    """Customers with one registered machine whose part's first reminder is
    still planned, spread over the generated customers."""
    env.cr.execute(
        """SELECT DISTINCT ON (c.partner_id) c.partner_id, c.id
             FROM customer_replacement c
             JOIN res_partner p ON p.id = c.partner_id
            WHERE c.state = 'planned' AND p.ref LIKE %s
              AND NOT EXISTS (SELECT 1 FROM res_users u WHERE u.partner_id = p.id)
            ORDER BY c.partner_id, c.remind_date, c.id""",
        [generate.BENCH_REF + "%"],
    )
    rows = env.cr.fetchall()
    step = max(1, len(rows) // count)
    return rows[::step][:count]


def create_portal_users(env, count):
    rows = portal_customers(env, count)
    portal = env.ref("base.group_portal")
    partners = env["res.partner"].browse([partner_id for partner_id, _ in rows])
    users = create_users(
        env,
        [
            {
                "login": f"load_portal_{i:03d}",
                "partner_id": partner.id,
                "group_ids": [(6, 0, [portal.id])],
            }
            for i, partner in enumerate(partners, 1)
        ],
    )
    set_password(env, users)
    # their part is due today: the reminder cron makes their quotations
    today = env.company._followup_today()
    cycles = env["customer.replacement"].browse([cycle_id for _, cycle_id in rows])
    env.cr.execute(
        "UPDATE customer_replacement SET remind_date = %s WHERE id = ANY(%s)",
        [today, cycles.ids],
    )
    return users


def create_campaign(env):
    campaign = hooks.campaign_create(env)
    campaign.partner_domain = repr(
        [("ref", "=like", f"{generate.BENCH_REF}%"), ("city", "=", CAMPAIGN_CITY)]
    )
    return campaign


def run_crons(env):
    """Every scheduled action of the addon once, each in its own
    transaction, as the cron server would."""
    cron_ids = (
        env["ir.model.data"]
        .search([("module", "=", "customer_followup"), ("model", "=", "ir.cron")])
        .mapped("res_id")
    )
    for cron in env["ir.cron"].browse(cron_ids).exists():
        t0 = time.perf_counter()
        cron.method_direct_trigger()
        env.cr.commit()
        _logger.info("%s: %.1f s", cron.name, time.perf_counter() - t0)


def portal_quotations(env, logins):
    """{login: [short codes]} of the reminder quotations of the portal users.
    Their cycles not reminded yet (the cron's time ran out on the other due
    cycles) are reminded here, as the cron does."""
    users = env["res.users"].search([("login", "in", logins)])
    cycles = env["customer.replacement"].search(
        [("partner_id", "in", users.partner_id.ids)]
    )
    todo = cycles.filtered(lambda c: c.state == "planned" and not c.quotation_id)
    if todo:
        todo._send_reminders()
        env.flush_all()
    env.invalidate_all()
    codes = {}
    for user in users.sorted("login"):
        orders = cycles.filtered(
            lambda c, partner=user.partner_id: c.partner_id == partner
        ).quotation_id.filtered(lambda o: o.state in ("draft", "sent"))
        orders._followup_ensure_short_code()
        orders._portal_ensure_token()
        codes[user.login] = orders.mapped("followup_short_code")
    env.cr.commit()
    return codes


def set_base_url(env, base_url):
    """The links of the mails and the PDF's assets (wkhtmltopdf fetches them
    from the server) on the first HTTP server of the cluster."""
    icp = env["ir.config_parameter"].sudo()
    for key in ("web.base.url", "report.url"):
        icp.set_param(key, base_url)
    icp.set_param("web.base.url.freeze", "True")


def prepare(env, salespeople, portal, base_url):
    icp = env["ir.config_parameter"].sudo()
    set_base_url(env, base_url)
    if icp.get_param(MARKER):
        result = json.loads(icp.get_param(MARKER))
        logins = [account["login"] for account in result["portal"]]
        codes = portal_quotations(env, logins)
        result["portal"] = [{"login": k, "codes": v} for k, v in codes.items()]
        return result
    env.ref("base.user_admin").write({"password": "admin", "lang": "en_US"})
    sales = create_salespeople(env, salespeople)
    portal_users = create_portal_users(env, portal)
    campaign = create_campaign(env)
    env.cr.commit()
    _logger.info(
        "%s salespeople, %s portal users, campaign %s",
        len(sales),
        len(portal_users),
        campaign.id,
    )
    run_crons(env)
    codes = portal_quotations(env, portal_users.mapped("login"))
    result = {
        "password": PASSWORD,
        "salespeople": sales.mapped("login"),
        "own_documents_only": sales[: len(sales) // 2].mapped("login"),
        "portal": [
            {"login": login, "codes": login_codes}
            for login, login_codes in codes.items()
        ],
        "campaign_id": campaign.id,
        "touchpoint_type_ids": env["customer.touchpoint.type"]
        .search([("channel", "in", ("call", "visit", "email"))])
        .ids,
    }
    icp.set_param(MARKER, json.dumps(result))
    env.cr.commit()
    return result


def main():
    import odoo  # noqa: PLC0415
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--salespeople", type=int, default=50)
    parser.add_argument("--portal", type=int, default=200)
    parser.add_argument("--users-file", required=True)
    parser.add_argument("--base-url", default="http://127.0.0.1:8291")
    parser.add_argument("--addons-path", default=None)
    args = parser.parse_args()
    odoo_args = ["-d", args.database, "--log-level=warn", "--http-interface=127.0.0.1"]
    if args.addons_path:
        odoo_args.append(f"--addons-path={args.addons_path}")
    odoo.tools.config.parse_config(odoo_args, setup_logging=True)
    logging.getLogger("benchmarks").setLevel(logging.INFO)
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        result = prepare(env, args.salespeople, args.portal, args.base_url)
        cr.commit()
    with open(args.users_file, "w", encoding="utf-8") as out:
        json.dump(result, out, indent=1)
    quotations = sum(len(p["codes"]) for p in result["portal"])
    print(
        f"{len(result['salespeople'])} salespeople, {len(result['portal'])} portal "
        f"users, {quotations} reminder quotations with a short code"
    )


if __name__ == "__main__":
    main()
