"""19.0.1.3.0: a reminded cycle records the reminder step it reached and when
(the rules get escalation steps after the first reminder).

Before the models are updated, the cycles reminded by an earlier version get
step 1, sent at their reminder date, so that the next-step dates computed at
the update follow the steps a manager adds to their rule."""

from odoo.tools import sql


def migrate(cr, version):
    if not version or not sql.table_exists(cr, "customer_replacement"):
        return
    if not sql.column_exists(cr, "customer_replacement", "reminder_step"):
        sql.create_column(cr, "customer_replacement", "reminder_step", "int4")
    if not sql.column_exists(cr, "customer_replacement", "reminder_step_date"):
        sql.create_column(cr, "customer_replacement", "reminder_step_date", "timestamp")
    cr.execute(
        """
        UPDATE customer_replacement
           SET reminder_step = 1,
               reminder_step_date = reminded_date::timestamp
         WHERE reminded_date IS NOT NULL
           AND reminder_step IS NULL
        """
    )
