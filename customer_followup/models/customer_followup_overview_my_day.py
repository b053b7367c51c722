from odoo import api, models
from odoo.fields import Domain


class CustomerFollowupOverview(models.AbstractModel):
    """The overview's sections of issue 26: My Day's lines, and this
    month's calls and visits by outcome, per salesperson."""

    _inherit = "customer.followup.overview"

    @api.model
    @api.readonly
    def get_overview(self):
        overview = super().get_overview()
        today = self.env.company._followup_today()
        overview["sections"][1:1] = [self._section_my_day()]
        overview["sections"].append(self._section_outcomes(today))
        return overview

    @api.model
    def _section_my_day(self):
        """Per salesperson (those whose lines the user may see: own and
        nobody's for a salesperson, everyone's for managers), the lines of My
        Day overdue and due today, each opening that salesperson's My Day."""
        MyDay = self.env["customer.followup.my.day"]
        views = [(False, "kanban"), (False, "list")]
        overdue = Domain("overdue_days", ">", 0)
        due_today = Domain("overdue_days", "=", 0)
        counts = {}
        for key, domain in (("overdue", overdue), ("today", due_today)):
            for user, count in MyDay._read_group(domain, ["user_id"], ["__count"]):
                counts.setdefault(user, {})[key] = count
        rows = []
        for user in sorted(counts, key=lambda user: (not user, user.name or "")):
            name = user.name or self.env._("Nobody")
            mine = Domain("user_id", "=", user.id or False)
            figures = []
            for label, key, domain, decoration in (
                (self.env._("Overdue"), "overdue", overdue, "danger"),
                (self.env._("Due today"), "today", due_today, None),
                (self.env._("All"), None, Domain.TRUE, None),
            ):
                value = counts[user].get(key, 0) if key else sum(counts[user].values())
                figure = self._figure(
                    label,
                    value,
                    MyDay._name,
                    list(mine & domain),
                    name=self.env._("My Day of %(user)s", user=name),
                    views=views,
                )
                if decoration and value:
                    figure["decoration"] = decoration
                figures.append(figure)
            rows.append({"title": name, "figures": figures})
        return {
            "title": self.env._("My Day"),
            "empty": self.env._("Nothing due today or overdue."),
            "rows": rows,
        }

    @api.model
    def _section_outcomes(self, today):
        """Per salesperson, this month's calls and visits logged with an
        outcome and the share of them that reached the customer."""
        month_start = self.env.company._followup_moment(today.replace(day=1))
        domain = Domain("outcome_id", "!=", False) & Domain("date", ">=", month_start)
        groups = self.env["customer.touchpoint"]._read_group(
            domain, ["user_id", "outcome_id"], ["__count"]
        )
        by_user = {}
        for user, outcome, count in groups:
            logged, hits = by_user.get(user, (0, 0))
            by_user[user] = (logged + count, hits + (count if outcome.reached else 0))
        rows = []
        for user, (logged, hits) in sorted(
            by_user.items(), key=lambda item: item[0].name or ""
        ):
            user_domain = domain & Domain("user_id", "=", user.id)
            rows.append(
                {
                    "title": user.name or self.env._("Nobody"),
                    "figures": [
                        self._figure(
                            self.env._("Logged with an outcome"),
                            logged,
                            "customer.touchpoint",
                            list(user_domain),
                        ),
                        self._figure(
                            self.env._("Reached"),
                            100.0 * hits / logged,
                            "customer.touchpoint",
                            list(user_domain & Domain("outcome_id.reached", "=", True)),
                            kind="percent",
                        ),
                    ],
                }
            )
        return {
            "title": self.env._("Calls and visits this month"),
            "empty": self.env._("No call or visit logged with an outcome this month."),
            "rows": rows,
        }
