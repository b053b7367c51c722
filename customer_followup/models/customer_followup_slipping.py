import math
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL, format_date, split_every

# customers listed per list in a mail (the count and a link give the rest)
SLIPPING_MAIL_ROWS = 10
# readers per committed batch of the weekly cron
SLIPPING_BATCH_SIZE = 20
# "past their cadence by half again": no contact that counts for 1.5 cadences
SLIPPING_CADENCE_FACTOR = 1.5
SLIPPING_DAYS = 7


class CustomerFollowupSlipping(models.AbstractModel):
    """Who is slipping away: the four lists of the weekly mail and of the
    overview's section, for one salesperson's customers or for all.

    - **Tier dropped**: customers whose tier is now lower (smaller minimum
      score, or none) than it was seven days ago, from the tier's tracking
      values;
    - **Past their cadence by half again**: tiered customers whose last
      contact that counts for their tier is older than 1.5 times the tier's
      cadence (customers never contacted are the planner's business);
    - **Late to reorder**: learned reorder intervals past the typical
      interval plus its spread (``customer.reorder.interval``);
    - **Part cycles expired**: replacement cycles of installed products that
      expired without an order during the last seven days.

    The weekly cron mails each salesperson the lists of their own customers
    (only when one list is not empty) and each sales manager the lists of all
    customers, in the reader's language, at most once per reader and week
    (``res.users.followup_slipping_week``)."""

    _name = "customer.followup.slipping"
    _description = "Customers Slipping Away"

    # ------------------------------------------------------------------
    # The lists
    # ------------------------------------------------------------------

    @api.model
    def _tier_drops(self, today):
        """{customer id: tier before} of the customers whose tier dropped
        within the last ``SLIPPING_DAYS`` days: the tier before the first
        change of the period against the current one."""
        field = self.env["ir.model.fields"]._get("res.partner", "followup_tier_id")
        self.env["mail.tracking.value"].flush_model()
        self.env["mail.message"].flush_model(["model", "res_id", "date"])
        self.env["res.partner"].flush_model(["followup_tier_id", "active"])
        rows = self.env.execute_query(
            SQL(
                """
                WITH first_change AS (
                    SELECT DISTINCT ON (m.res_id)
                           m.res_id AS partner_id, v.old_value_integer AS old_tier
                      FROM mail_tracking_value v
                      JOIN mail_message m ON m.id = v.mail_message_id
                     WHERE v.field_id = %(field)s
                       AND m.model = 'res.partner'
                       AND m.date >= %(since)s
                  ORDER BY m.res_id, m.date, v.id
                )
                SELECT p.id, o.id
                  FROM first_change c
                  JOIN customer_tier o ON o.id = c.old_tier
                  JOIN res_partner p ON p.id = c.partner_id
             LEFT JOIN customer_tier n ON n.id = p.followup_tier_id
                 WHERE p.active AND (n.id IS NULL OR n.min_score < o.min_score)
                """,
                field=field.id,
                since=self.env.company._followup_moment(
                    today - timedelta(days=SLIPPING_DAYS)
                ),
            )
        )
        return dict(rows)

    @api.model
    def _slipping_lists(self, today, tier_drops=None):
        """The four lists: [(key, title, model, domain, order, partner field)],
        for every customer (the reader's record rules and scope are added by
        the caller); ``tier_drops``: ``_tier_drops(today)`` if the caller has
        it already."""
        if tier_drops is None:
            tier_drops = self._tier_drops(today)
        tiers = self.env["customer.tier"].search([("cadence_days", ">", 0)])
        cadence_domain = Domain.OR(
            [
                Domain("followup_tier_id", "=", tier.id)
                & Domain(
                    "last_cadence_contact_date",
                    "<",
                    fields.Datetime.to_datetime(
                        today
                        - timedelta(
                            days=math.ceil(SLIPPING_CADENCE_FACTOR * tier.cadence_days)
                        )
                    ),
                )
                for tier in tiers
            ]
            or [Domain.FALSE]
        )
        return [
            (
                "tier_dropped",
                self.env._("Tier dropped this week"),
                "res.partner",
                Domain("id", "in", list(tier_drops)),
                "followup_score desc, id",
                "id",
            ),
            (
                "cadence",
                self.env._("Past their cadence by half again"),
                "res.partner",
                Domain("active", "=", True) & cadence_domain,
                "last_cadence_contact_date, id",
                "id",
            ),
            (
                "reorder",
                self.env._("Regulars late to reorder"),
                "customer.reorder.interval",
                Domain("late_date", "<", today),
                "late_date, id",
                "partner_id",
            ),
            (
                "parts",
                self.env._("Part cycles expired without an order"),
                "customer.replacement",
                Domain("state", "=", "expired")
                & Domain("expiry_date", ">=", today - timedelta(days=SLIPPING_DAYS))
                & Domain("expiry_date", "<", today),
                "expiry_date desc, id",
                "partner_id",
            ),
        ]

    @api.model
    def _scope_domain(self, partner_field, user):
        """The customers of ``user`` (a salesperson) on a list's model, or
        every customer when ``user`` is empty."""
        if not user:
            return Domain.TRUE
        path = "user_id" if partner_field == "id" else f"{partner_field}.user_id"
        return Domain(path, "=", user.id)

    @api.model
    def _row_detail(self, key, record, tiers_before=None):
        if key == "tier_dropped":
            tier_id = (tiers_before or {}).get(record.id)
            before = self.env["customer.tier"].browse(tier_id)
            return self.env._(
                "%(before)s → %(now)s",
                before=before.name or "?",
                now=record.followup_tier_id.name or self.env._("No tier"),
            )
        if key == "cadence":
            return self.env._(
                "%(tier)s · last contact %(date)s",
                tier=record.followup_tier_id.name,
                date=format_date(self.env, record.last_cadence_contact_date),
            )
        if key == "reorder":
            return self.env._(
                "%(product)s · every %(days)s days · last %(date)s",
                product=record.product_id.display_name,
                days=f"{record.median_interval_days:.0f}",
                date=format_date(self.env, record.last_purchase_date),
            )
        return self.env._(
            "%(product)s · %(part)s · expired %(date)s",
            product=record.product_id.display_name,
            part=record.part_product_id.display_name,
            date=format_date(self.env, record.expiry_date),
        )

    @api.model
    def _reader_sections(self, today, user=None, lists=None):
        """The sections of the mail of one reader: the customers of ``user``
        or of all (``user`` empty), each list with its count and its first
        ``SLIPPING_MAIL_ROWS`` rows (customer, detail, link)."""
        base_url = self.get_base_url()
        # the tier each customer dropped from (its row says so)
        tiers_before = self._tier_drops(today)
        sections = []
        for key, title, model, domain, order, partner_field in (
            lists or self._slipping_lists(today, tiers_before)
        ):
            Model = self.env[model].sudo().with_context(active_test=False)
            scoped = domain & self._scope_domain(partner_field, user)
            count = Model.search_count(scoped)
            rows = []
            for record in Model.search(scoped, order=order, limit=SLIPPING_MAIL_ROWS):
                partner = record if partner_field == "id" else record[partner_field]
                rows.append(
                    {
                        "name": partner.display_name,
                        "detail": self._row_detail(key, record, tiers_before),
                        "url": f"{base_url}/odoo/res.partner/{partner.id}",
                    }
                )
            sections.append(
                {
                    "key": key,
                    "title": title,
                    "count": count,
                    "rows": rows,
                    "more": max(count - len(rows), 0),
                }
            )
        return sections

    # ------------------------------------------------------------------
    # Weekly mail
    # ------------------------------------------------------------------

    @api.model
    def _week_start(self, today):
        return today - timedelta(days=today.weekday())

    @api.model
    def _slipping_readers(self, today):
        """(salespeople, managers) to mail this week: internal active users
        with an email not mailed yet this week. The salespeople are those of
        the customers on a list; a manager gets the lists of all customers
        (and no second mail as a salesperson)."""
        week = self._week_start(today)
        Users = self.env["res.users"].sudo()
        not_sent = (
            Domain("share", "=", False)
            & Domain("email", "!=", False)
            & (
                Domain("followup_slipping_week", "=", False)
                | Domain("followup_slipping_week", "<", week)
            )
        )
        managers = Users.search(
            not_sent
            & Domain(
                "all_group_ids", "in", self.env.ref("sales_team.group_sale_manager").ids
            )
            & Domain("id", "!=", self.env.ref("base.user_root").id),
            order="id",
        )
        user_ids = set()
        for _key, _title, model, domain, _order, partner_field in self._slipping_lists(
            today
        ):
            path = "user_id" if partner_field == "id" else f"{partner_field}.user_id"
            Model = self.env[model].sudo().with_context(active_test=False)
            for (user,) in Model._read_group(
                domain & Domain(path, "!=", False), [path]
            ):
                user_ids.add(user.id)
        salespeople = Users.search(
            not_sent
            & Domain("id", "in", list(user_ids))
            & Domain("id", "not in", managers.ids),
            order="id",
        )
        return salespeople, managers

    @api.model
    def _render_slipping_mail(self, reader, today, everyone):
        """(subject, body) of the mail of ``reader``, in the reader's
        language; None when every list is empty."""
        slipping = self.with_context(lang=reader.lang or self.env.lang).with_user(
            reader
        )
        sections = slipping._reader_sections(today, user=None if everyone else reader)
        if not any(section["count"] for section in sections):
            return None
        env = slipping.env
        subject = env._(
            "Customers slipping away: week of %(date)s",
            date=format_date(env, self._week_start(today)),
        )
        week = format_date(env, self._week_start(today))
        for section in sections:
            section["more_text"] = env._("and %(count)s more.", count=section["more"])
        body = env["ir.qweb"]._render(
            "customer_followup.slipping_mail",
            {
                "greeting": env._("Hello %(name)s,", name=reader.name),
                "intro": env._(
                    "These customers of the whole company are slipping away "
                    "(week of %(date)s):",
                    date=week,
                )
                if everyone
                else env._(
                    "These customers of yours are slipping away (week of %(date)s):",
                    date=week,
                ),
                "sections": sections,
                "overview_url": f"{self.get_base_url()}/odoo/action-"
                "customer_followup.action_followup_overview",
                "footer": env._(
                    "%(company)s · Customer Follow-up, every Monday.",
                    company=reader.company_id.name,
                ),
            },
        )
        return subject, body

    @api.model
    def _send_slipping_mails(self, today=None, cron=False):
        """Mail every reader not mailed this week, in batches; as a cron,
        commit each batch (``ir.cron._commit_progress``) and stop when the
        time budget is used. Returns the number of mails queued."""
        today = today or self.env.company._followup_today()
        week = self._week_start(today)
        salespeople, managers = self._slipping_readers(today)
        readers = [(user, True) for user in managers] + [
            (user, False) for user in salespeople
        ]
        remaining = len(readers)
        sent = 0
        for batch in split_every(SLIPPING_BATCH_SIZE, readers):
            users = self.env["res.users"].sudo().browse([user.id for user, _e in batch])
            locked = users.browse(user.id for user in users if self._lock_reader(user))
            locked.invalidate_recordset(["followup_slipping_week"])
            mails = []
            for user, everyone in batch:
                if user not in locked or (
                    user.followup_slipping_week and user.followup_slipping_week >= week
                ):
                    continue
                rendered = self._render_slipping_mail(user, today, everyone)
                if rendered:
                    mails.append(self._slipping_mail_vals(user, *rendered))
            if mails:
                self.env["mail.mail"].sudo().create(mails)
                sent += len(mails)
            locked.write({"followup_slipping_week": week})
            remaining -= len(batch)
            if cron and not self.env["ir.cron"]._commit_progress(
                len(batch), remaining=remaining
            ):
                break
        return sent

    @api.model
    def _lock_reader(self, user):
        """Lock ``user`` for this transaction unless another worker holds it
        or has mailed it since this transaction began (its commit makes the
        lock a serialization failure here): then it is that worker's."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM res_users WHERE id = %s "
                        "FOR NO KEY UPDATE SKIP LOCKED",
                        user.id,
                    ),
                    log_exceptions=False,
                )
                return bool(self.env.cr.fetchall())
        except psycopg2.errors.SerializationFailure:
            return False

    @api.model
    def _slipping_mail_vals(self, user, subject, body):
        company = user.company_id
        return {
            "subject": subject,
            "body_html": body,
            "email_from": company.email_formatted or self.env.user.email_formatted,
            "author_id": company.partner_id.id,
            "recipient_ids": [(4, user.partner_id.id)],
            "auto_delete": True,
        }

    @api.model
    def _cron_send_slipping_mails(self):
        self._send_slipping_mails(
            cron=bool(self.env.context.get("ir_cron_progress_id"))
        )
