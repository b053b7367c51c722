import logging

from psycopg2 import errorcodes

from odoo import api, models
from odoo.service.model import (
    MAX_TRIES_ON_CONCURRENCY_FAILURE,
    PG_CONCURRENCY_EXCEPTIONS_TO_RETRY,
)
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class IrCron(models.Model):
    _inherit = "ir.cron"

    def method_direct_trigger(self):
        """*Run Manually* on the slipping mail says what it did: a second run
        in a week mails nobody (every reader had this week's mail), and says
        so, with the way to send it again to one reader."""
        slipping = self.env.ref(
            "customer_followup.ir_cron_slipping_mail", raise_if_not_found=False
        )
        if not slipping or self != slipping:
            return super().method_direct_trigger()
        self.check_access("write")
        Slipping = self.env["customer.followup.slipping"]
        today = self.env.company._followup_today()
        salespeople, managers = Slipping._slipping_readers(today)
        waiting = len(salespeople | managers)
        result = super().method_direct_trigger()
        if waiting:
            message = self.env._(
                "The mail of customers slipping away is queued for %(count)s "
                "reader(s) not mailed yet this week.",
                count=waiting,
            )
            kind = "success"
        else:
            message = self.env._(
                "Nothing sent: every reader already received this week's mail "
                "of customers slipping away (one mail a week). To send it again "
                "to one reader, select the user under Settings > Users and use "
                "Action > Send the Slipping Mail Now."
            )
            kind = "warning"
        return Slipping._slipping_notification(message, kind) or result

    def _callback(self, cron_name, server_action_id):
        """Odoo runs a scheduled action without a language: what it reads
        comes in English (a model's name, a tier's name) while what it
        translates falls back to its user's language, so that a Japanese
        shop's chatter read "Replacement Cycle を作成しました". The addon's
        scheduled actions run in their user's language: one language per
        line."""
        if self.env.context.get("lang") or not self._followup_is_addon_cron():
            return super()._callback(cron_name, server_action_id)
        return super(IrCron, self.with_context(lang=self.env.user.lang))._callback(
            cron_name, server_action_id
        )

    def _followup_is_addon_cron(self):
        return bool(
            self.env["ir.model.data"]
            .sudo()
            .search_count(
                [
                    ("model", "=", "ir.cron"),
                    ("res_id", "=", self.id),
                    ("module", "=like", "customer_followup%"),
                ],
                limit=1,
            )
        )

    @api.model
    def _followup_left_over(self):
        """What the previous call of the running cron left to do (the
        ``remaining`` of its last progress report) when it stopped on its time
        budget, else 0; 0 outside a cron run."""
        progress_id = self.env.context.get("ir_cron_progress_id")
        cron_id = self.env.context.get("cron_id")
        if not (progress_id and cron_id):
            return 0
        rows = self.env.execute_query(
            SQL(
                """
                SELECT remaining
                  FROM ir_cron_progress
                 WHERE cron_id = %s AND id < %s
              ORDER BY id DESC
                 LIMIT 1
                """,
                cron_id,
                progress_id,
            )
        )
        return (rows[0][0] or 0) if rows else 0

    @api.model
    def _followup_retrying(self, batch):
        """Run ``batch()`` (one batch of a cron's work, since its last commit)
        and flush it; when a concurrent transaction made it fail to serialize
        or deadlock (a request wrote the same customer), roll the batch back
        and run it again on a fresh snapshot, as Odoo retries a request.
        Outside a cron run the caller's transaction is not ours to roll back,
        so the error is raised at once."""
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        for tryno in range(1, MAX_TRIES_ON_CONCURRENCY_FAILURE + 1):
            try:
                result = batch()
                self.env.flush_all()
                return result
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as exc:
                if not in_cron or tryno == MAX_TRIES_ON_CONCURRENCY_FAILURE:
                    raise
                # no wait before the retry: the batch locks its customers
                # first, so the next try waits on the row lock if need be
                self.env.cr.rollback()
                self.env.transaction.reset()
                _logger.info(
                    "%s in a batch of cron %s, %s tries left, retrying",
                    errorcodes.lookup(exc.pgcode),
                    self.env.context.get("cron_id"),
                    MAX_TRIES_ON_CONCURRENCY_FAILURE - tryno,
                )

    @api.model
    def _followup_lock_for_batch(self, records):
        """Lock ``records``' rows (customers a batch will write, through its
        touchpoints) for the rest of the batch, waiting for a request that
        holds one. A row a request changed since the batch's snapshot fails
        to serialize here, before any work and without an error in the log:
        ``_followup_retrying`` then runs the batch again."""
        if not records.ids:
            return
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id IN %s ORDER BY id FOR NO KEY UPDATE",
                SQL.identifier(records._table),
                tuple(records.ids),
            ),
            log_exceptions=False,
        )
