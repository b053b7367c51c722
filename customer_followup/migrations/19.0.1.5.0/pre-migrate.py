"""19.0.1.5.0: Email Marketing is no dependency any more; the campaigns'
mailings, their statistics and the sent-mail sync moved to the bridge
customer_followup_mass_mailing. Every older database has mass_mailing (it was
a dependency): the bridge is installed in the same upgrade and owns the moved
fields from now on, so that their columns and data stay."""

BRIDGE = "customer_followup_mass_mailing"
# (model, field) moved to the bridge
MOVED_FIELDS = [
    ("customer.followup.campaign", "mailing_id"),
    ("customer.followup.campaign", "mailing_sent"),
    ("customer.followup.campaign", "mailing_opened"),
    ("customer.followup.campaign", "mailing_clicked"),
    ("customer.followup.campaign", "mailing_replied"),
    ("customer.followup.campaign", "mailing_bounced"),
    ("customer.followup.campaign.piece", "mailing_id"),
]
MOVED_CONSTRAINTS = [
    "customer_followup_campaign_mailing_id_fkey",
    "customer_followup_campaign_piece_mailing_id_fkey",
]


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        SELECT 1 FROM ir_module_module
         WHERE name = 'mass_mailing' AND state IN ('installed', 'to upgrade')
        """
    )
    if not cr.fetchone():
        return
    # the module list was updated before the upgrade: the bridge is known
    cr.execute(
        """
        UPDATE ir_module_module SET state = 'to install'
         WHERE name = %s AND state = 'uninstalled'
     RETURNING id
        """,
        [BRIDGE],
    )
    cr.execute("SELECT id FROM ir_module_module WHERE name = %s", [BRIDGE])
    row = cr.fetchone()
    if not row:
        return
    names = [
        "field_{}__{}".format(model.replace(".", "_"), name)
        for model, name in MOVED_FIELDS
    ]
    cr.execute(
        """
        UPDATE ir_model_data SET module = %s
         WHERE module = 'customer_followup' AND model = 'ir.model.fields'
           AND name = ANY(%s)
        """,
        [BRIDGE, names],
    )
    cr.execute(
        "UPDATE ir_model_constraint SET module = %s WHERE name = ANY(%s)",
        [row[0], MOVED_CONSTRAINTS],
    )
