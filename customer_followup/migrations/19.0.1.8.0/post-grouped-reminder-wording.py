"""19.0.1.8.0: the grouped reminder (noupdate) said in Japanese that the
parts' time is approaching, when it may have passed. The sentence is replaced
where it is still the shipped one (a module update does not overwrite the
translations of a template already loaded)."""

from odoo import SUPERUSER_ID, api

OLD = "次の部品の交換時期が近づいています。"
NEW = "次の部品が交換時期を迎えています。"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref(
        "customer_followup.mail_template_grouped_reminder",
        raise_if_not_found=False,
    )
    if not template:
        return
    cr.execute(
        """
        UPDATE mail_template
           SET body_html = replace(body_html::text, %(old)s, %(new)s)::jsonb
         WHERE id = %(id)s
        """,
        {"old": OLD, "new": NEW, "id": template.id},
    )
    template.invalidate_recordset(["body_html"])
