import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

# Wrong short codes a client address may send before it waits.
MAX_WRONG_CODES = 20
WINDOW = relativedelta(minutes=10)


class CustomerFollowupShortLinkAttempt(models.Model):
    """A wrong code sent to /q/<code>, by client address: counted in the
    database so that every worker of the server shares the count."""

    _name = "customer.followup.short.link.attempt"
    _description = "Wrong Short Link Code"
    _log_access = False
    _order = "attempt_date desc, id desc"

    address = fields.Char(required=True, size=64, index=True, readonly=True)
    attempt_date = fields.Datetime(
        required=True, default=fields.Datetime.now, readonly=True
    )

    _address_date_index = models.Index("(address, attempt_date)")

    @api.model
    def _is_throttled(self, address):
        """Whether ``address`` sent too many wrong codes lately: it then waits
        until its wrong codes of the last ten minutes are fewer than the
        limit again."""
        since = fields.Datetime.now() - WINDOW
        count = self.sudo().search_count(
            [("address", "=", address), ("attempt_date", ">=", since)],
            limit=MAX_WRONG_CODES,
        )
        return count >= MAX_WRONG_CODES

    @api.model
    def _record_wrong_code(self, address):
        self.sudo().create({"address": address[:64]})
        _logger.info("short link: wrong code from %s", address)

    @api.autovacuum
    def _gc_attempts(self):
        self.sudo().search(
            [("attempt_date", "<", fields.Datetime.now() - relativedelta(days=1))]
        ).unlink()
