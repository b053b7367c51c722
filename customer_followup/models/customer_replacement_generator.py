# One model, one file per concept (see the base model's docstring).
# pylint: disable=consider-merging-classes-inherited
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.tools import SQL

# advisory lock of the planning of learned reorder cycles
LEARNED_PLANNING_LOCK = 0x43465231  # "CFR1"


class CustomerReplacement(models.Model):
    """The one cycle generator: every cycle, from a replacement rule or from
    a learned reorder interval, is made by ``_generate_cycles`` from the
    values ``_new_cycle_vals`` gives (start, due and reminder dates, number).
    Rule cycles for new registrations, new rules and after an ordered or
    expired cycle (``_plan_rule_cycles``); learned cycles each night
    (``_plan_learned_cycles``)."""

    _inherit = "customer.replacement"

    @api.model
    def _new_cycle_vals(self, subject, number, start_date, due_date, lead_days):
        """The values of cycle ``number`` of ``subject`` (a rule's:
        registration and rule; a learned one's: source, company, customer
        and part) started on ``start_date``, due on ``due_date`` and reminded
        ``lead_days`` before it."""
        return {
            **subject,
            "cycle": min(number, 1000),
            "start_date": start_date,
            "due_date": due_date,
            "remind_date": due_date - timedelta(days=lead_days),
        }

    @api.model
    def _generate_cycles(self, vals_list):
        """Create the cycles of ``vals_list`` (of ``_new_cycle_vals``)."""
        return self.sudo().create(vals_list)

    # ------------------------------------------------------------------
    # Rule cycles
    # ------------------------------------------------------------------

    @api.model
    def _plan_rule_cycles(self, starts):
        """A cycle for each (registration, rule) of ``starts`` from its start
        date ({(registration, rule): date}), due the rule's interval later.

        A pair gets no cycle when the registration is not active, the rule is
        archived or of another company, or the pair has an open cycle already.
        The cycle number follows the last cycle of the pair."""
        Replacement = self.sudo()
        starts = {
            (registration, rule): start
            for (registration, rule), start in starts.items()
            if registration.state == "active"
            and rule.active
            and (not rule.company_id or rule.company_id == registration.company_id)
        }
        if not starts:
            return Replacement
        registration_ids = list({registration.id for registration, _rule in starts})
        rule_ids = list({rule.id for _registration, rule in starts})
        pair_domain = [
            ("registration_id", "in", registration_ids),
            ("rule_id", "in", rule_ids),
        ]
        last_cycle = {
            (registration.id, rule.id): cycle
            for registration, rule, cycle in Replacement._read_group(
                pair_domain, ["registration_id", "rule_id"], ["cycle:max"]
            )
        }
        open_pairs = {
            (registration.id, rule.id)
            for registration, rule in Replacement._read_group(
                [*pair_domain, ("state", "in", ("planned", "reminded"))],
                ["registration_id", "rule_id"],
            )
        }
        return self._generate_cycles(
            [
                self._new_cycle_vals(
                    {"registration_id": registration.id, "rule_id": rule.id},
                    last_cycle.get((registration.id, rule.id), 0) + 1,
                    start_date,
                    start_date + relativedelta(months=rule.interval_months),
                    rule.lead_days,
                )
                for (registration, rule), start_date in starts.items()
                if (registration.id, rule.id) not in open_pairs
            ]
        )

    # ------------------------------------------------------------------
    # Learned reorder cycles
    # ------------------------------------------------------------------

    @api.model
    def _rule_wins_sql(self, alias, product_column):
        """SQL condition: an active replacement rule names the product as the
        part of a product the customer has registered (the rule reminds
        them, not the learned interval)."""
        return SQL(
            """
            EXISTS (
                SELECT 1
                  FROM product_consumable_rule ru
                  JOIN product_product op ON op.product_tmpl_id = ru.product_tmpl_id
                  JOIN customer_product_registration reg ON reg.product_id = op.id
                 WHERE ru.active
                   AND ru.part_product_id = %(alias)s.%(product)s
                   AND reg.partner_id = %(alias)s.partner_id
                   AND reg.company_id = %(alias)s.company_id
                   AND reg.state = 'active'
                   AND (ru.company_id IS NULL OR ru.company_id = reg.company_id))
            """,
            alias=SQL.identifier(alias),
            product=SQL.identifier(product_column),
        )

    @api.model
    def _plan_learned_cycles(self, today, batch_size=1000):
        """Plan a reorder cycle for every customer and replenishable product
        whose learned reminder date has come (expected reorder date minus the
        company's lead days) and whose window is still open: one per last
        purchase, so one reminder per learned cycle. The customer's next
        order closes it; the next cycle starts from the interval the nightly
        job learns from that order. Opted-out customers get none, and a
        product a replacement rule reminds the customer of is left to it
        (an open learned cycle of such a product is cancelled)."""
        self.env["customer.reorder.interval"].flush_model()
        self.env["product.consumable.rule"].flush_model()
        self.env["customer.product.registration"].flush_model()
        self.env["res.partner"].flush_model(
            ["active", "followup_no_replacement_reminder"]
        )
        self.env["product.template"].flush_model(["followup_replenishable"])
        self.flush_model()
        if not self._lock_learned_planning():
            return True
        ruled = self.env.execute_query(
            SQL(
                """
                SELECT r.id FROM customer_replacement r
                 WHERE r.source = 'learned' AND r.state = 'planned' AND %s
              ORDER BY r.id
                """,
                self._rule_wins_sql("r", "part_product_id"),
            )
        )
        if ruled:
            self.browse([row[0] for row in ruled]).action_cancel()
        while True:
            self.flush_model()
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT i.company_id, i.partner_id, i.product_id,
                           i.last_purchase_date, i.expected_date,
                           c.followup_reorder_lead_days,
                           (SELECT COUNT(*) FROM customer_replacement r
                             WHERE r.source = 'learned'
                               AND r.company_id = i.company_id
                               AND r.partner_id = i.partner_id
                               AND r.part_product_id = i.product_id) + 1
                      FROM customer_reorder_interval i
                      JOIN res_company c ON c.id = i.company_id
                      JOIN res_partner p ON p.id = i.partner_id
                      JOIN product_product pp ON pp.id = i.product_id
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                     WHERE pt.followup_replenishable
                       AND pt.sale_ok AND pt.active AND pp.active
                       AND p.active
                       AND NOT COALESCE(p.followup_no_replacement_reminder, FALSE)
                       AND i.expected_date - c.followup_reorder_lead_days <= %(today)s
                       AND i.expected_date + c.followup_reorder_window_days >= %(today)s
                       AND NOT EXISTS (
                           SELECT 1 FROM customer_replacement r
                            WHERE r.source = 'learned'
                              AND r.company_id = i.company_id
                              AND r.partner_id = i.partner_id
                              AND r.part_product_id = i.product_id
                              AND (r.start_date >= i.last_purchase_date
                                   OR r.state IN ('planned', 'reminded')))
                       AND NOT %(rule_wins)s
                  ORDER BY i.id
                     LIMIT %(limit)s
                    """,
                    today=today,
                    limit=batch_size,
                    rule_wins=self._rule_wins_sql("i", "product_id"),
                )
            )
            if not rows:
                return True
            self._generate_cycles(
                [
                    self._new_cycle_vals(
                        {
                            "source": "learned",
                            "company_id": company_id,
                            "partner_id": partner_id,
                            "part_product_id": product_id,
                        },
                        number,
                        last_date,
                        expected,
                        lead_days,
                    )
                    for (
                        company_id,
                        partner_id,
                        product_id,
                        last_date,
                        expected,
                        lead_days,
                        number,
                    ) in rows
                ]
            )
            # each batch is chosen and written under the lock, which the
            # commit releases: a second worker never plans the same cycle
            more = batch_size if len(rows) == batch_size else 0
            if not self._commit_batch(len(rows), more):
                return False
            if not self._lock_learned_planning():
                return True

    @api.model
    def _lock_learned_planning(self):
        """Whether this transaction may plan learned cycles: one worker at a
        time (a transaction lock, released by the batch's commit)."""
        self.env.cr.execute(
            "SELECT pg_try_advisory_xact_lock(%s)", [LEARNED_PLANNING_LOCK]
        )
        return self.env.cr.fetchone()[0]
