"""19.0.1.3.0: the reminder mail template (noupdate) renders without a
quotation (an escalation step may use a copy of it, and a template that fails
to render for a record cannot be saved). Its price expression is corrected in
every language where it is still the shipped one."""

from odoo import SUPERUSER_ID, api

OLD = (
    "format_amount(object.quotation_id.amount_total, "
    "object.quotation_id.currency_id) or ''"
)
NEW = "object.quotation_id and " + OLD


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref(
        "customer_followup.mail_template_replacement_reminder",
        raise_if_not_found=False,
    )
    if not template:
        return
    # NEW -> OLD first, so that a body already corrected is not corrected twice
    cr.execute(
        """
        UPDATE mail_template
           SET body_html = replace(replace(body_html::text, %(new)s, %(old)s),
                                   %(old)s, %(new)s)::jsonb
         WHERE id = %(id)s
        """,
        {"old": OLD, "new": NEW, "id": template.id},
    )
    template.invalidate_recordset(["body_html"])
