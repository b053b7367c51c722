from collections import Counter, defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tools.misc import formatLang


class CustomerFollowupOverview(models.AbstractModel):
    """Figures of the "Follow-up overview" client action. Every figure comes
    with the window action that lists the records behind it."""

    _name = "customer.followup.overview"
    _description = "Follow-up Overview"

    @api.model
    @api.readonly
    def get_overview(self):
        if not self.env.user.has_group("customer_followup.group_followup_user"):
            raise AccessError(
                self.env._("The follow-up overview is for the follow-up users.")
            )
        today = self.env.company._followup_today()
        return {
            "title": self.env._("Follow-up overview"),
            "sections": [
                self._section_tiers(today),
                self._section_workload(today),
                self._section_replacements(today),
                self._section_tier_changes(today),
                self._section_slipping(today),
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
                ("date", ">=", self.env.company._followup_moment(year_start)),
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
                            # a tier without a yearly target shows no "/ 0"
                            f"{per_customer:,.1f} / {target:,.0f}"
                            if target
                            else f"{per_customer:,.1f}",
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
    def _channel_capacities(self):
        """Monthly capacity per channel of one salesperson: the sum of the
        capacities of the channel's planned contacts, None when one of them
        has no limit."""
        capacity = {}
        for touchpoint_type in self.env["customer.touchpoint.type"].search(
            [("activity_type_id", "!=", False)]
        ):
            channel = touchpoint_type.channel
            limit = touchpoint_type.capacity_per_user_month
            if channel in capacity and capacity[channel] is None:
                continue
            capacity[channel] = (capacity.get(channel, 0) + limit) if limit else None
        return capacity

    @api.model
    def _capacity_used_by_channel(self, open_domain, month_start, next_month):
        """{(salesperson, channel): count} of the month's contacts counted
        against the capacity (the ledger's), of the salespeople the user
        follows."""
        users = self.env["res.users"].search(
            [("share", "=", False)]
            + [term for term in open_domain if term[0] == "user_id"]
        )
        types = self.env["customer.touchpoint.type"].with_context(active_test=False)
        types = types.search([("activity_type_id", "!=", False)])
        channels = {t.id: t.channel for t in types}
        used = Counter()
        for (user_id, type_id, _day), count in (
            self.env["customer.followup.ledger"]
            ._capacity_used(
                users.ids, types.ids, month_start, next_month - timedelta(days=1)
            )
            .items()
        ):
            used[(users.browse(user_id), channels[type_id])] += count
        return used

    @api.model
    def _section_workload(self, today):
        """Open planned follow-ups per salesperson and channel by deadline
        (overdue, today, rest of the month, later: together every open planned
        follow-up), this month's contacts and the month's capacity as the
        planner counts it."""
        month_start = today.replace(day=1)
        next_month = month_start + relativedelta(months=1)
        capacity = self._channel_capacities()
        channel_labels = dict(
            self.env["customer.touchpoint.type"]
            ._fields["channel"]
            ._description_selection(self.env)
        )
        Activity = self.env["mail.activity"]
        open_domain = [
            ("res_model", "=", "res.partner"),
            ("followup_planned", "=", True),
            ("followup_touchpoint_type_id", "!=", False),
        ]
        if not self.env["res.partner"]._followup_sees_all_customers():
            # a salesperson limited to own documents sees their own work
            open_domain.append(("user_id", "=", self.env.uid))
        overdue_domain = [("date_deadline", "<", today)]
        today_domain = [("date_deadline", "=", today)]
        month_domain = [
            ("date_deadline", ">", today),
            ("date_deadline", "<", next_month),
        ]
        later_domain = [("date_deadline", ">=", next_month)]
        periods = [
            (
                "overdue",
                self.env._("Overdue"),
                self.env._("Overdue planned follow-ups"),
                overdue_domain,
            ),
            (
                "today",
                self.env._("Today"),
                self.env._("Planned follow-ups due today"),
                today_domain,
            ),
            (
                "month",
                self.env._("Rest of the month"),
                self.env._("Planned follow-ups due later this month"),
                month_domain,
            ),
            (
                "later",
                self.env._("Later"),
                self.env._("Planned follow-ups due after this month"),
                later_domain,
            ),
        ]
        planned = defaultdict(int)
        for user, channel, deadline, count in Activity._read_group(
            open_domain,
            ["user_id", "followup_touchpoint_type_id.channel", "date_deadline:day"],
            ["__count"],
        ):
            if deadline < today:
                period = "overdue"
            elif deadline == today:
                period = "today"
            elif deadline < next_month:
                period = "month"
            else:
                period = "later"
            planned[user, channel, period] += count
        # what the planner counts against the month's capacity (the
        # ledger's): the planned follow-ups of the month, open or done, and
        # the campaigns' personal pieces
        used_domain = [
            *open_domain,
            ("followup_plan_date", ">=", month_start),
            ("followup_plan_date", "<", next_month),
        ]
        used = self._capacity_used_by_channel(open_domain, month_start, next_month)
        done_domain = [
            ("date", ">=", self.env.company._followup_moment(month_start)),
            ("date", "<", self.env.company._followup_moment(next_month)),
        ]
        done = {
            (user, channel): count
            for user, channel, count in self.env["customer.touchpoint"]._read_group(
                done_domain, ["user_id", "channel"], ["__count"]
            )
        }
        channel_order = list(channel_labels)
        keys = {(user, channel) for user, channel, _period in planned}
        rows = []
        unassigned = self.env._("Unassigned")
        for user, channel in sorted(
            keys | set(used) | set(done),
            key=lambda k: (
                not k[0],
                k[0].name or "",
                channel_order.index(k[1]) if k[1] in channel_order else 99,
            ),
        ):
            user_domain = [("user_id", "=", user.id)]
            channel_domain = [("followup_touchpoint_type_id.channel", "=", channel)]
            figures = []
            for period, label, action_name, period_domain in periods:
                figure = self._figure(
                    label,
                    planned[user, channel, period],
                    "mail.activity",
                    [*open_domain, *user_domain, *channel_domain, *period_domain],
                    name=action_name,
                )
                if period == "overdue" and figure["value"] != "0":
                    figure["decoration"] = "danger"
                figures.append(figure)
            figures.append(
                self._figure(
                    self.env._("Done this month"),
                    done.get((user, channel), 0),
                    "customer.touchpoint",
                    [*done_domain, *user_domain, ("channel", "=", channel)],
                    name=self.env._("Contacts made this month"),
                )
            )
            cap = capacity.get(channel)
            count = used.get((user, channel), 0)
            capacity_figure = self._figure(
                self.env._("Capacity this month"),
                f"{count:,} / {cap:,}"
                if cap is not None
                else self.env._("%(used)s / unlimited", used=f"{count:,}"),
                "mail.activity",
                [*used_domain, *user_domain, *channel_domain],
                name=self.env._("Planned follow-ups counted this month"),
                kind="ratio",
            )
            capacity_figure["action"]["context"] = {"active_test": False}
            if cap is not None and count >= cap:
                capacity_figure["decoration"] = "danger"
            figures.append(capacity_figure)
            rows.append(
                {
                    "title": f"{user.name or unassigned} · "
                    f"{channel_labels.get(channel, channel)}",
                    "figures": figures,
                }
            )
        return {
            "title": self.env._("Follow-up workload per salesperson and channel"),
            "rows": rows,
            "empty": self.env._("No follow-up planned or contact made this month yet."),
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
        # the conversion report's rule: of the cycles reminded, those ordered
        reminded_cycles = [("reminded_count", "=", 1)]
        Replacement.flush_model()
        conversion = self.env["customer.replacement.report"]._read_group(
            reminded_cycles, [], ["conversion_rate:avg"]
        )[0][0]
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
            # waiting for the customer: the reminded cycles ordered since
            # count in "Ordered", with those ordered without a reminder
            self._figure(
                self.env._("Awaiting an Order"),
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
                self.env._("Reminders Ordered"),
                conversion or 0.0,
                "customer.replacement.report",
                reminded_cycles,
                kind="percent",
                views=[(False, "pivot"), (False, "graph")],
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
                    (
                        "create_date",
                        ">=",
                        self.env.company._followup_moment(month_start),
                    ),
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

    @api.model
    def _section_slipping(self, today):
        """The lists of the weekly "customers slipping away" mail
        (``customer.followup.slipping``), counted for the customers this user
        sees."""
        sees_all = self.env["res.partner"]._followup_sees_all_customers()
        figures = []
        for (
            _key,
            title,
            model,
            domain,
            _order,
            partner_field,
        ) in self.env["customer.followup.slipping"]._slipping_lists(today):
            if not sees_all:
                path = (
                    "user_id" if partner_field == "id" else f"{partner_field}.user_id"
                )
                domain = list(domain & Domain(path, "in", [self.env.uid, False]))
            else:
                domain = list(domain)
            figure = self._figure(
                title, self.env[model].search_count(domain), model, domain
            )
            if figure["value"] != "0":
                figure["decoration"] = "danger"
            figures.append(figure)
        return {
            "title": self.env._("Who is slipping"),
            "rows": [{"title": self.env._("Customers"), "figures": figures}],
        }
