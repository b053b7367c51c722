# One model, one file per concept (see the base model's file).
# pylint: disable=consider-merging-classes-inherited
from collections import defaultdict

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from .shop_day import shop_date_sql


class ResPartner(models.Model):
    """The cadence of a customer: the last contact, the last contact that
    counts for the tier, the next follow-up date it gives and the follow-up
    status (overdue, due soon, on track) in the shop's day."""

    _inherit = "res.partner"

    last_touchpoint_date = fields.Datetime(
        string="Last Contact",
        compute="_compute_last_touchpoint_date",
        store=True,
        compute_sudo=True,
        help="Date of the latest touchpoint with this customer, by us or by "
        "the customer.",
    )

    last_cadence_contact_date = fields.Datetime(
        string="Last Contact That Counts",
        compute="_compute_last_cadence_contact_date",
        store=True,
        compute_sudo=True,
        help="Date of the latest contact that keeps the tier's cadence: made by "
        "us and weighing at least the tier's contact that counts (the "
        "customer's own contacts only where the settings say so).",
    )

    next_followup_date = fields.Date(
        string="Next Follow-up",
        compute="_compute_next_followup_date",
        store=True,
        index="btree_not_null",
        copy=False,
        help="Last contact that counts plus the cadence of the tier; the day "
        "the tier was set for a customer without such a contact.",
    )

    followup_status = fields.Selection(
        [
            ("on_track", "On Track"),
            ("due_soon", "Due Soon"),
            ("due_today", "Due Today"),
            ("overdue", "Overdue"),
            ("none", "Not Followed"),
        ],
        string="Follow-up Status",
        compute="_compute_followup_status",
        search="_search_followup_status",
    )

    @api.depends("touchpoint_ids.date")
    def _compute_last_touchpoint_date(self):
        partners = self.filtered("id")
        last_dates = dict(
            self.env["customer.touchpoint"]._read_group(
                [("partner_id", "in", partners.ids)], ["partner_id"], ["date:max"]
            )
        )
        for partner in self:
            partner.last_touchpoint_date = last_dates.get(partner._origin)

    @api.depends(
        "touchpoint_ids.date",
        "touchpoint_ids.weight",
        "touchpoint_ids.direction",
        "touchpoint_ids.company_id.followup_inbound_counts",
        "touchpoint_ids.outcome_id.counts_as_contact",
        "followup_tier_id.cadence_min_weight",
        "followup_no_visit",
        "followup_no_call",
        "followup_no_postal",
        "email",
    )
    def _compute_last_cadence_contact_date(self):
        partners = self.filtered("id")
        planner = self.env["customer.followup.planner"]
        types_by_channel = None
        by_weight = defaultdict(list)
        for partner in partners:
            tier = partner.followup_tier_id
            min_weight = tier.cadence_min_weight
            contact = tier.touchpoint_type_id
            if contact and partner._followup_blocked_reason(contact.channel):
                # the customer refuses the planned contact: the one the
                # planner plans instead keeps the cadence (none: any contact)
                if types_by_channel is None:
                    types_by_channel = planner._types_by_channel()
                allowed, _note = planner._resolve_touchpoint_type(
                    partner, contact, types_by_channel
                )
                min_weight = min(min_weight, allowed.weight if allowed else 0.0)
            by_weight[min_weight].append(partner.id)
        last_dates = {}
        if by_weight:
            self._flush_counting_contact_inputs()
        for min_weight, partner_ids in by_weight.items():
            last_dates.update(
                self.env.execute_query(
                    SQL(
                        """
                        SELECT tp.partner_id, MAX(tp.date)
                          FROM customer_touchpoint tp
                         WHERE tp.partner_id = ANY(%s) AND %s
                      GROUP BY tp.partner_id
                        """,
                        partner_ids,
                        self._followup_counting_contact_sql("tp", min_weight),
                    )
                )
            )
        for partner in self:
            partner.last_cadence_contact_date = last_dates.get(partner._origin.id)

    @api.depends("last_cadence_contact_date", "followup_tier_id.cadence_days")
    def _compute_next_followup_date(self):
        for partner in self:
            shop = partner.company_id
            cadence = partner.followup_tier_id.cadence_days
            if not cadence:
                partner.next_followup_date = False
            elif partner.last_cadence_contact_date:
                partner.next_followup_date = fields.Date.add(
                    shop._followup_date(partner.last_cadence_contact_date),
                    days=cadence,
                )
            else:
                partner.next_followup_date = shop._followup_today()

    @api.model
    def _followup_counting_contact_sql(self, touchpoint, min_weight):
        """SQL condition on the touchpoint ``touchpoint`` (an alias): it is a
        contact that keeps a cadence whose contact that counts weighs
        ``min_weight`` (a number or SQL): made by us (the customer's own
        where its company says so), weighing at least that, and not a call
        whose outcome is no contact. The one rule of
        ``_compute_last_cadence_contact_date``, the first classification
        and the campaign emails' logging."""
        return SQL(
            """%(tp)s.weight >= %(min_weight)s
               AND (%(tp)s.direction = 'outbound'
                    OR EXISTS (SELECT 1 FROM res_company c
                                WHERE c.id = %(tp)s.company_id
                                  AND c.followup_inbound_counts))
               AND NOT EXISTS (SELECT 1 FROM customer_followup_call_outcome o
                                WHERE o.id = %(tp)s.outcome_id
                                  AND NOT o.counts_as_contact)""",
            tp=SQL.identifier(touchpoint),
            min_weight=min_weight,
        )

    @api.model
    def _flush_counting_contact_inputs(self):
        self.env["customer.touchpoint"].flush_model(
            ["partner_id", "date", "weight", "direction", "company_id", "outcome_id"]
        )
        self.env["res.company"].flush_model(["followup_inbound_counts"])
        self.env["customer.followup.call.outcome"].flush_model(["counts_as_contact"])

    @api.model
    def _followup_next_date_sql(self, contact, cadence, partner, today):
        """SQL of the next follow-up date of the partner ``partner`` (an
        alias) whose last contact that counts is ``contact`` and whose
        tier's cadence is ``cadence`` (SQL), as
        ``_compute_next_followup_date``: none without a cadence, the shop's
        day of the contact plus the cadence, else ``today``."""
        return SQL(
            """CASE WHEN COALESCE(%(cadence)s, 0) = 0 THEN NULL
                    WHEN %(contact)s IS NOT NULL THEN %(contact_day)s + %(cadence)s
                    ELSE %(today)s::date END""",
            cadence=cadence,
            contact=contact,
            contact_day=shop_date_sql(
                contact,
                SQL(
                    "COALESCE((SELECT c.followup_tz FROM res_company c"
                    " WHERE c.id = %s.company_id), %s)",
                    SQL.identifier(partner),
                    self.env.company._followup_tz_name(),
                ),
            ),
            today=today,
        )

    @api.model
    def _followup_only_stored_dependents(self, inputs, written):
        """Whether the only stored fields computed from the fields ``inputs``
        are the customer's fields named ``written``, which a set-based
        statement writes itself: an extension that adds another one gets the
        ORM path instead."""
        dependents = {
            field
            for input_field in inputs
            for field in self.pool.get_dependent_fields(input_field)
            if field.store
        }
        return dependents <= {self._fields[name] for name in written}

    @api.model
    def _followup_contact_dates_in_sql(self):
        """Whether the stored fields that follow the touchpoints are only
        the three that ``_followup_touchpoints_inserted`` writes."""
        touchpoint_fields = self.env["customer.touchpoint"]._fields
        return self._followup_only_stored_dependents(
            [
                touchpoint_fields[name]
                for name in ("partner_id", "date", "weight", "direction", "company_id")
            ],
            ("last_touchpoint_date", "last_cadence_contact_date", "next_followup_date"),
        )

    @api.model
    def _followup_touchpoints_inserted(self, touchpoint_ids):
        """Bring the customers' last contact, last contact that counts and
        next follow-up date up to date after new touchpoints were inserted
        in SQL (the campaign's emails, tens of thousands at once).

        A new touchpoint can only move these dates forward, so one UPDATE
        does it. The customers who refuse a channel (whose contact that
        counts only the ORM computation knows) are left to the ORM, and all
        of them are when an extension adds another stored field that
        depends on the touchpoints."""
        touchpoints = self.env["customer.touchpoint"].browse(touchpoint_ids)
        depends = ["partner_id", "date", "weight", "direction", "company_id"]
        if not touchpoints:
            return
        if not self._followup_contact_dates_in_sql():
            touchpoints.modified(depends)
            return
        self.env.flush_all()
        self._flush_counting_contact_inputs()
        left_to_orm = self.env.execute_query(
            SQL(
                """
                WITH new AS MATERIALIZED (
                    SELECT tp.partner_id, t.cadence_days,
                           p.last_touchpoint_date AS old_date,
                           p.last_cadence_contact_date AS old_contact,
                           COALESCE(%(refuses)s, FALSE) AS refuses,
                           MAX(tp.date) AS last_date,
                           MAX(tp.date) FILTER (WHERE %(counts)s) AS counting_date
                      FROM customer_touchpoint tp
                      JOIN res_partner p ON p.id = tp.partner_id
                 LEFT JOIN customer_tier t ON t.id = p.followup_tier_id
                     WHERE tp.id = ANY(%(ids)s)
                       -- the ids of one insert are close together: a range of
                       -- the primary key, not a scan of every touchpoint
                       AND tp.id BETWEEN %(low)s AND %(high)s
                  GROUP BY tp.partner_id, p.id, t.id
                ), moved AS (
                    SELECT new.*,
                           GREATEST(new.old_contact, new.counting_date) AS contact,
                           new.counting_date > COALESCE(new.old_contact, '-infinity')
                               AS contact_moved
                      FROM new
                     WHERE NOT new.refuses
                       AND (new.last_date > COALESCE(new.old_date, '-infinity')
                            OR new.counting_date > COALESCE(new.old_contact,
                                                            '-infinity'))
                ), updated AS (
                    UPDATE res_partner p
                       SET last_touchpoint_date = GREATEST(m.old_date, m.last_date),
                           last_cadence_contact_date = m.contact,
                           next_followup_date = CASE
                               WHEN m.contact_moved THEN %(next_date)s
                               ELSE p.next_followup_date END,
                           write_uid = %(uid)s,
                           write_date = %(now)s
                      FROM moved m
                     WHERE p.id = m.partner_id
                 RETURNING p.id
                )
                SELECT partner_id FROM new WHERE refuses
                """,
                counts=self._followup_counting_contact_sql(
                    "tp", SQL("COALESCE(t.cadence_min_weight, 0)")
                ),
                ids=list(touchpoint_ids),
                low=min(touchpoint_ids),
                high=max(touchpoint_ids),
                refuses=self._followup_refuses_a_channel_sql("p"),
                next_date=self._followup_next_date_sql(
                    SQL("m.contact"),
                    SQL("m.cadence_days"),
                    "p",
                    self.env.company._followup_today(),
                ),
                uid=self.env.uid,
                now=self.env.cr.now(),
            )
        )
        self.invalidate_model(
            [
                "last_touchpoint_date",
                "last_cadence_contact_date",
                "next_followup_date",
                "write_uid",
                "write_date",
            ]
        )
        refusing = self.browse(row[0] for row in left_to_orm)
        for name in (
            "last_touchpoint_date",
            "last_cadence_contact_date",
            "next_followup_date",
        ):
            self.env.add_to_compute(self._fields[name], refusing)

    def _followup_horizon_date(self, today=None):
        today = today or self.env.company._followup_today()
        return fields.Date.add(today, days=self.env.company.followup_horizon_days)

    @api.depends("next_followup_date", "followup_tier_id.touchpoint_type_id")
    @api.depends_context("company")
    def _compute_followup_status(self):
        today = self.env.company._followup_today()
        horizon = self._followup_horizon_date(today)
        for partner in self:
            date = partner.next_followup_date
            if not date or not partner.followup_tier_id.touchpoint_type_id:
                partner.followup_status = "none"
            elif date < today:
                partner.followup_status = "overdue"
            elif date == today:
                partner.followup_status = "due_today"
            elif date <= horizon:
                partner.followup_status = "due_soon"
            else:
                partner.followup_status = "on_track"

    def _search_followup_status(self, operator, value):
        if operator != "in":
            return NotImplemented
        today = self.env.company._followup_today()
        horizon = self._followup_horizon_date(today)
        followed = Domain("next_followup_date", "!=", False) & Domain(
            "followup_tier_id.touchpoint_type_id", "!=", False
        )
        domains = {
            "overdue": followed & Domain("next_followup_date", "<", today),
            "due_today": followed & Domain("next_followup_date", "=", today),
            "due_soon": followed
            & Domain("next_followup_date", ">", today)
            & Domain("next_followup_date", "<=", horizon),
            "on_track": followed & Domain("next_followup_date", ">", horizon),
            "none": ~followed,
        }
        return Domain.OR(domains[v] for v in value if v in domains)
