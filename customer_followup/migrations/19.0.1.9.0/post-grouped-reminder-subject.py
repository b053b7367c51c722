"""19.0.1.9.0: the grouped reminder (noupdate) was titled "Due soon" (まもなく
in Japanese), also for parts whose day has passed (a part registered late).
Its subject is replaced, language by language, where it is still the shipped
one (a module update does not overwrite a template already loaded)."""

from odoo import SUPERUSER_ID, api

NAMES = "{{ object._grouped_reminder_names() }}"
OLD = {
    "en_US": f"Due soon: {NAMES}",
    "ja_JP": f"まもなく交換・再注文の時期です：{NAMES}",
}
NEW = {
    "en_US": f"Time to replace or reorder: {NAMES}",
    "ja_JP": f"交換・再注文のご案内：{NAMES}",
}


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
    for lang, old in OLD.items():
        cr.execute(
            """
            UPDATE mail_template
               SET subject = subject || jsonb_build_object(%(lang)s, %(new)s)
             WHERE id = %(id)s AND subject->>%(lang)s = %(old)s
            """,
            {"lang": lang, "old": old, "new": NEW[lang], "id": template.id},
        )
    template.invalidate_recordset(["subject"])
