from collections import defaultdict

from odoo import fields, models
from odoo.tools import SQL, format_date

from .customer_followup_orders import confirmed_orders_sql, open_quotations_sql

# the most items of a kind a line lists (the customer form has the rest)
SHEET_ITEMS = 5


class CustomerFollowupMyDay(models.Model):
    """What a line of My Day needs for the call: computed for the lines
    read (a page of the list), a few queries for all of them."""

    _inherit = "customer.followup.my.day"

    phone = fields.Char(compute="_compute_sheet")
    tier_reason = fields.Char("Why This Tier", compute="_compute_sheet")
    last_contact_date = fields.Date(
        "Last Contact That Counts", compute="_compute_sheet"
    )
    last_contact_note = fields.Char("Last Contact", compute="_compute_sheet")
    last_order_date = fields.Date("Last Order", compute="_compute_sheet")
    last_order_amount = fields.Monetary(compute="_compute_sheet")
    owned_products = fields.Text("Owned, Parts Due", compute="_compute_sheet")
    late_products = fields.Text("Late to Reorder", compute="_compute_sheet")
    quotation_count = fields.Integer("Open Quotations", compute="_compute_sheet")
    quotation_amount = fields.Monetary("Quoted", compute="_compute_sheet")
    opt_outs = fields.Char("Opt-outs", compute="_compute_sheet")

    def _compute_sheet(self):
        partners = self.partner_id.sudo()
        last_contacts = self._sheet_last_contacts(partners)
        orders = self._sheet_orders(partners)
        late, late_products = self._sheet_late(partners)
        owned = self._sheet_owned(partners, late_products)
        for line in self:
            partner = line.partner_id.sudo()
            contact = last_contacts.get(partner.id)
            order = orders.get(partner.id, {})
            line.phone = partner.phone or False
            line.tier_reason = line._sheet_tier_reason(partner)
            line.last_contact_date = (
                line.company_id or self.env.company
            )._followup_date(partner.last_cadence_contact_date)
            line.last_contact_note = contact or False
            line.last_order_date = order.get("last_day") or False
            line.last_order_amount = order.get("last_amount") or 0.0
            line.quotation_count = order.get("quotations") or 0
            line.quotation_amount = order.get("quoted") or 0.0
            line.owned_products = "\n".join(owned.get(partner.id, [])) or False
            line.late_products = "\n".join(late.get(partner.id, [])) or False
            line.opt_outs = line._sheet_opt_outs(partner)

    def _sheet_tier_reason(self, partner):
        tier = partner.followup_tier_id
        if not tier:
            return False
        if partner.followup_tier_locked:
            reason = self.env._("set by hand")
        else:
            reason = self.env._("score %(score)s", score=round(partner.followup_score))
        if partner.followup_strategic:
            reason = self.env._("%(reason)s, strategic", reason=reason)
        return f"{tier.display_name} ({reason})"

    def _sheet_opt_outs(self, partner):
        refused = [
            label
            for refuses, label in (
                (partner.followup_no_visit, self.env._("no visits")),
                (partner.followup_no_call, self.env._("no calls")),
                (partner.followup_no_postal, self.env._("no postal mail")),
                (partner.is_blacklisted, self.env._("no email")),
                (
                    partner.followup_no_replacement_reminder,
                    self.env._("no replacement reminders"),
                ),
            )
            if refuses
        ]
        return ", ".join(refused) or False

    def _sheet_last_contacts(self, partners):
        """The last contact that counts of each customer: its type and what
        was said."""
        touchpoints = (
            self.env["customer.touchpoint"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", partners.ids),
                    (
                        "date",
                        "in",
                        [d for d in partners.mapped("last_cadence_contact_date") if d],
                    ),
                ]
            )
        )
        notes = {}
        for touchpoint in touchpoints:
            if touchpoint.date != touchpoint.partner_id.last_cadence_contact_date:
                continue
            said = touchpoint.summary or ""
            if touchpoint.feedback:
                said = " · ".join(
                    filter(
                        None, [said, fields.Html.html2plaintext(touchpoint.feedback)]
                    )
                )
            notes.setdefault(
                touchpoint.partner_id.id,
                " · ".join(filter(None, [touchpoint.type_id.name, said]))[:200],
            )
        return notes

    def _sheet_orders(self, partners):
        if not partners:
            return {}
        self.env["sale.order"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id, last.day, last.amount_company, open.count, open.amount
                  FROM res_partner p
             LEFT JOIN LATERAL (
                       SELECT so.day, so.amount_company FROM (%(confirmed)s) so
                        WHERE so.customer_id = p.id
                     ORDER BY so.date_order DESC, so.id DESC LIMIT 1
                       ) last ON TRUE
             LEFT JOIN (
                       SELECT q.customer_id, COUNT(*) AS count,
                              SUM(q.amount_company) AS amount
                         FROM (%(quotations)s) q
                        WHERE q.customer_id = ANY(%(ids)s)
                     GROUP BY q.customer_id
                       ) open ON open.customer_id = p.id
                 WHERE p.id = ANY(%(ids)s)
                """,
                confirmed=confirmed_orders_sql(),
                quotations=open_quotations_sql(),
                ids=partners.ids,
            )
        )
        return {
            row[0]: {
                "last_day": row[1],
                "last_amount": row[2],
                "quotations": row[3],
                "quoted": row[4],
            }
            for row in self.env.cr.fetchall()
        }

    def _sheet_owned(self, partners, late_products=frozenset()):
        """What each customer owns, with the parts of it due by the horizon
        or reminded of. A learned reorder of a product in ``late_products``
        ((customer id, product id) pairs) is left to the Late to Reorder
        column, which says it with the customer's rhythm."""
        horizon = partners._followup_horizon_date()
        registrations = (
            self.env["customer.product.registration"]
            .sudo()
            .search([("partner_id", "in", partners.ids), ("state", "=", "active")])
        )
        cycles = (
            self.env["customer.replacement"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", partners.ids),
                    # a part the customer was reminded of is due, whenever
                    "|",
                    ("state", "=", "reminded"),
                    "&",
                    ("state", "=", "planned"),
                    ("due_date", "<=", horizon),
                ]
            )
        )
        parts = defaultdict(list)
        for cycle in cycles:
            parts[cycle.registration_id.id or ("learned", cycle.id)].append(
                self.env._(
                    "%(part)s due %(date)s",
                    part=cycle.part_product_id.name,
                    date=format_date(self.env, cycle.due_date),
                )
            )
        owned = defaultdict(list)
        for registration in registrations:
            due = parts.pop(registration.id, [])
            text = registration.product_id.name
            if due:
                text = f"{text}: {', '.join(due)}"
            owned[registration.partner_id.id].append(text)
        # learned cycles: the product bought again is the part itself
        for cycle in cycles.filtered(lambda c: not c.registration_id):
            if (cycle.partner_id.id, cycle.part_product_id.id) in late_products:
                continue
            owned[cycle.partner_id.id].extend(parts[("learned", cycle.id)])
        return {pid: items[:SHEET_ITEMS] for pid, items in owned.items()}

    def _sheet_late(self, partners):
        """The regular products each customer is late to reorder, and the
        (customer id, product id) pairs of all of them."""
        intervals = (
            self.env["customer.reorder.interval"]
            .sudo()
            .search(
                [("partner_id", "in", partners.ids), ("reorder_state", "=", "late")],
                order="late_date, id",
            )
        )
        late = defaultdict(list)
        products = set()
        for interval in intervals:
            products.add((interval.partner_id.id, interval.product_id.id))
            late[interval.partner_id.id].append(
                self.env._(
                    "%(product)s · every %(days)s days · last %(date)s",
                    product=interval.product_id.name,
                    days=round(interval.median_interval_days),
                    date=format_date(self.env, interval.last_purchase_date),
                )
            )
        return {pid: items[:SHEET_ITEMS] for pid, items in late.items()}, products
