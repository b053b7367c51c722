"""Point the outgoing mail of a demo database at the local mail catcher of
`make run` (MailDev, SMTP on 127.0.0.1), so that the demo's mails are
delivered there, readable in its web page, instead of failing for want of a
mail server. Only for the demo database of scripts/run.sh: the addon ships no
mail server.

Usage: python3 scripts/demo_mail_server.py ODOO_CONFIG DATABASE SMTP_PORT
"""

import sys

import odoo.api
import odoo.modules.registry
from odoo.tools import config

NAME = "Local mail catcher (make run)"


def main(config_path, db_name, smtp_port):
    config.parse_config(["-c", config_path, "-d", db_name], setup_logging=True)
    registry = odoo.modules.registry.Registry(db_name)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.api.SUPERUSER_ID, {})
        servers = env["ir.mail_server"].with_context(active_test=False)
        vals = {
            "name": NAME,
            "smtp_host": "127.0.0.1",
            "smtp_port": int(smtp_port),
            "smtp_encryption": "none",
            "smtp_authentication": "login",
            "smtp_user": False,
            "smtp_pass": False,
            "sequence": 1,
            "active": True,
        }
        server = servers.search([("name", "=", NAME)], limit=1)
        if server:
            server.write(vals)
        else:
            servers.create(vals)
        # mails that failed before the catcher existed go out now (the
        # administrator's password notice, sent while the database is made);
        # not those refused for their addresses
        failed = env["mail.mail"].search(
            [
                ("state", "=", "exception"),
                ("failure_type", "in", (False, "unknown", "mail_smtp")),
            ]
        )
        failed.mark_outgoing()
        # the queue is sent once the server is up, not at the next hourly run
        env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        print(
            f"outgoing mail of {db_name}: SMTP 127.0.0.1:{smtp_port}"
            f" ({len(failed)} failed mail(s) queued again)",
            flush=True,
        )


if __name__ == "__main__":
    main(*sys.argv[1:])
