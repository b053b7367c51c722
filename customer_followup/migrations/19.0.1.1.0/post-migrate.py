"""19.0.1.1.0: registrations say where they come from; the record rules
follow one rule set (the rules are noupdate data: an upgrade does not reload
them, so their groups are set here)."""

from odoo import SUPERUSER_ID, api
from odoo.fields import Command

RULE_PREFIXES = [
    "customer_touchpoint",
    "customer_product_registration",
    "customer_replacement",
    "customer_replacement_report",
]


def set_rule_groups(env):
    own = env.ref("customer_followup.group_followup_user")
    all_customers = env.ref("sales_team.group_sale_salesman_all_leads") | env.ref(
        "customer_followup.group_followup_manager"
    )
    for prefix in RULE_PREFIXES:
        personal = env.ref(f"customer_followup.{prefix}_rule_personal", False)
        if personal:
            personal.groups = [Command.set(own.ids)]
        every = env.ref(f"customer_followup.{prefix}_rule_all", False)
        if every:
            every.groups = [Command.set(all_customers.ids)]


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE customer_product_registration
           SET origin = 'sale'
         WHERE sale_line_id IS NOT NULL
        """
    )
    set_rule_groups(api.Environment(cr, SUPERUSER_ID, {}))
