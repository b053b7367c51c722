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
        MyDay = self.env["customer.followup.my.day"]
        views = [(False, "kanban"), (False, "list")]
        overdue = [("overdue_days", ">", 0)]
        due_today = [("overdue_days", "=", 0)]
        figures = []
        for label, domain, decoration in (
            (self.env._("Overdue"), overdue, "danger"),
            (self.env._("Due today"), due_today, None),
        ):
            figure = self._figure(
                label,
                MyDay.search_count(domain),
                MyDay._name,
                domain,
                name=self.env._("My Day"),
                views=views,
            )
            if decoration and figure["value"] != "0":
                figure["decoration"] = decoration
            figures.append(figure)
        return {
            "title": self.env._("My Day"),
            "rows": [{"title": self.env._("Contacts"), "figures": figures}],
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
