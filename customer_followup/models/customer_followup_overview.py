from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools.misc import formatLang


class CustomerFollowupOverview(models.AbstractModel):
    """Figures of the "Follow-up overview" client action. Every figure comes
    with the window action that lists the records behind it."""

    _name = "customer.followup.overview"
    _description = "Follow-up Overview"

    @api.model
    def get_overview(self):
        today = fields.Date.context_today(self)
        return {
            "title": self.env._("Follow-up overview"),
            "sections": [
                self._section_tiers(today),
                self._section_workload(today),
                self._section_replacements(today),
                self._section_tier_changes(today),
            ],
        }

    # helpers ---------------------------------------------------------------

    @api.model
    def _figure(self, label, value, model, domain, name=None, kind="count", views=None):
        if kind == "percent":
            text = f"{value:.0f} %"
        elif kind == "amount":
            text = formatLang(
                self.env, value, currency_obj=self.env.company.currency_id
            )
        elif kind == "ratio":
            text = value
        else:
            text = f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"
        return {
            "label": label,
            "value": text,
            "action": {
                "type": "ir.actions.act_window",
                "name": name or label,
                "res_model": model,
                "domain": domain,
                "views": views or [(False, "list"), (False, "form")],
                "target": "current",
            },
        }

    @api.model
    def _customers_domain(self):
        domain = [("active", "=", True), ("followup_tier_id", "!=", False)]
        if not self.env["res.partner"]._followup_sees_all_customers():
            # the customers whose touchpoints this user may see (record rules)
            domain.append(("user_id", "in", [self.env.uid, False]))
        return domain

    # sections --------------------------------------------------------------

    @api.model
    def _section_tiers(self, today):
        Partner = self.env["res.partner"]
        Touchpoint = self.env["customer.touchpoint"]
        year_start = today.replace(month=1, day=1)
        rows = []
        for tier in self.env["customer.tier"].search([]):
            base = [*self._customers_domain(), ("followup_tier_id", "=", tier.id)]
            total = Partner.search_count(base)
            contacted_domain = [
                *base,
                (
                    "last_touchpoint_date",
                    ">=",
                    fields.Datetime.to_datetime(
                        today - relativedelta(days=tier.cadence_days or 0)
                    ),
                ),
            ]
            contacted = Partner.search_count(contacted_domain) if total else 0
            overdue_domain = [*base, ("next_followup_date", "<", today)]
            overdue = Partner.search_count(overdue_domain) if total else 0
            points_domain = [
                ("partner_id", "any", base),
                ("date", ">=", fields.Datetime.to_datetime(year_start)),
            ]
            points = Touchpoint._read_group(points_domain, [], ["weight:sum"])[0][0]
            per_customer = points / total if total else 0.0
            target = tier.yearly_points_target
            rows.append(
                {
                    "title": f"{tier.code} · {tier.name}" if tier.code else tier.name,
                    "figures": [
                        self._figure(
                            self.env._("Customers"), total, "res.partner", base
                        ),
                        self._figure(
                            self.env._("Coverage"),
                            100.0 * contacted / total if total else 0.0,
                            "res.partner",
                            contacted_domain,
                            name=self.env._("Contacted within cadence"),
                            kind="percent",
                        ),
                        self._figure(
                            self.env._("Overdue"),
                            overdue,
                            "res.partner",
                            overdue_domain,
                            name=self.env._("Overdue customers"),
                        ),
                        self._figure(
                            self.env._("Points per customer this year"),
                            f"{per_customer:,.1f} / {target:,.0f}",
                            "customer.touchpoint",
                            points_domain,
                            name=self.env._("Touchpoints this year"),
                            kind="ratio",
                        ),
                    ],
                }
            )
        return {"title": self.env._("Tiers"), "rows": rows}

    @api.model
    def _section_workload(self, today):
        month_start = today.replace(day=1)
        next_month = month_start + relativedelta(months=1)
        types = self.env["customer.touchpoint.type"].search([])
        capacity = {}
        for touchpoint_type in types:
            capacity[touchpoint_type.channel] = max(
                capacity.get(touchpoint_type.channel, 0),
                touchpoint_type.capacity_per_user_month,
            )
        channel_labels = dict(
            self.env["customer.touchpoint.type"]
            ._fields["channel"]
            ._description_selection(self.env)
        )
        done_domain = [
            ("date", ">=", fields.Datetime.to_datetime(month_start)),
            ("date", "<", fields.Datetime.to_datetime(next_month)),
        ]
        done = {
            (user, channel): count
            for user, channel, count in self.env["customer.touchpoint"]._read_group(
                done_domain, ["user_id", "channel"], ["__count"]
            )
        }
        type_by_activity_type = {
            t.activity_type_id: t for t in types if t.activity_type_id
        }
        planned_domain = [
            ("res_model", "=", "res.partner"),
            ("activity_type_id", "in", [a.id for a in type_by_activity_type]),
            ("date_deadline", ">=", month_start),
            ("date_deadline", "<", next_month),
        ]
        planned = {}
        for user, activity_type, count in self.env["mail.activity"]._read_group(
            planned_domain, ["user_id", "activity_type_id"], ["__count"]
        ):
            key = (user, type_by_activity_type[activity_type].channel)
            planned[key] = planned.get(key, 0) + count
        rows = []
        unassigned = self.env._("Unassigned")
        for user, channel in sorted(
            set(done) | set(planned),
            key=lambda k: (not k[0], k[0].name or "", k[1] or ""),
        ):
            cap = capacity.get(channel, 0)
            user_domain = [("user_id", "=", user.id)]
            rows.append(
                {
                    "title": f"{user.name or unassigned} · "
                    f"{channel_labels.get(channel, channel)}",
                    "figures": [
                        self._figure(
                            self.env._("Planned"),
                            planned.get((user, channel), 0),
                            "mail.activity",
                            [
                                *planned_domain,
                                *user_domain,
                                (
                                    "activity_type_id",
                                    "in",
                                    [
                                        a.id
                                        for a, t in type_by_activity_type.items()
                                        if t.channel == channel
                                    ],
                                ),
                            ],
                            name=self.env._("Planned contacts this month"),
                        ),
                        self._figure(
                            self.env._("Done"),
                            done.get((user, channel), 0),
                            "customer.touchpoint",
                            [*done_domain, *user_domain, ("channel", "=", channel)],
                            name=self.env._("Contacts made this month"),
                        ),
                        {
                            "label": self.env._("Capacity"),
                            "value": f"{cap:,}" if cap else self.env._("unlimited"),
                        },
                    ],
                }
            )
        return {
            "title": self.env._("This month per salesperson and channel"),
            "rows": rows,
            "empty": self.env._("No contact planned or made this month yet."),
        }

    @api.model
    def _section_replacements(self, today):
        Replacement = self.env["customer.replacement"]
        due_domain = [
            ("state", "=", "planned"),
            ("due_date", ">=", today),
            ("due_date", "<=", today + relativedelta(days=90)),
        ]
        counts = dict(Replacement._read_group([], ["state"], ["__count"]))
        reminded = counts.get("reminded", 0)
        ordered = counts.get("ordered", 0)
        expired = counts.get("expired", 0)
        decided = reminded + ordered + expired
        revenue_domain = [("state", "=", "ordered")]
        revenue = Replacement._read_group(revenue_domain, [], ["order_amount:sum"])[0][
            0
        ]
        figures = [
            self._figure(
                self.env._("Due in the next 90 days"),
                Replacement.search_count(due_domain),
                "customer.replacement",
                due_domain,
            ),
            self._figure(
                self.env._("Reminded"),
                reminded,
                "customer.replacement",
                [("state", "=", "reminded")],
            ),
            self._figure(
                self.env._("Ordered"),
                ordered,
                "customer.replacement",
                [("state", "=", "ordered")],
            ),
            self._figure(
                self.env._("Conversion"),
                100.0 * ordered / decided if decided else 0.0,
                "customer.replacement",
                [("state", "in", ("reminded", "ordered", "expired"))],
                kind="percent",
            ),
            self._figure(
                self.env._("Revenue of parts"),
                revenue or 0.0,
                "customer.replacement",
                revenue_domain,
                kind="amount",
            ),
        ]
        return {
            "title": self.env._("Replacement parts"),
            "rows": [{"title": self.env._("Pipeline"), "figures": figures}],
        }

    @api.model
    def _section_tier_changes(self, today):
        field = self.env["ir.model.fields"]._get("res.partner", "followup_tier_id")
        month_start = fields.Datetime.to_datetime(today.replace(day=1))
        trackings = (
            self.env["mail.tracking.value"]
            .sudo()
            .search_fetch(
                [
                    ("field_id", "=", field.id),
                    ("mail_message_id.model", "=", "res.partner"),
                    ("create_date", ">=", month_start),
                ],
                ["mail_message_id"],
            )
        )
        partner_ids = list(set(trackings.mail_message_id.mapped("res_id")))
        partners = self.env["res.partner"].search([("id", "in", partner_ids)])
        return {
            "title": self.env._("Tier changes this month"),
            "rows": [
                {
                    "title": self.env._("Customers"),
                    "figures": [
                        self._figure(
                            self.env._("Changed tier"),
                            len(partners),
                            "res.partner",
                            [("id", "in", partners.ids)],
                            name=self.env._("Customers that changed tier this month"),
                        )
                    ],
                }
            ],
        }
