import math

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL, format_amount, formatLang

from ..models.customer_followup_orders import confirmed_orders_sql
from ..models.shop_day import shop_moment_sql
from ..models.value_range import DATE_MAX, DATE_MIN, ValueRange

# The statistics of the comparison, in one place: Welch's difference of
# means with a normal 95 % interval, trusted from this many customers in
# each group.
MIN_SAMPLE = 30
Z_95 = 1.959964


def welch_interval(mean_a, var_a, n_a, mean_b, var_b, n_b):
    """(difference a - b, low, high) of two means, Welch's standard error
    and the normal 95 % interval; None below ``MIN_SAMPLE`` in a group."""
    if min(n_a, n_b) < MIN_SAMPLE:
        return None
    diff = mean_a - mean_b
    error = math.sqrt(var_a / n_a + var_b / n_b)
    return diff, diff - Z_95 * error, diff + Z_95 * error


class CustomerFollowupControlReport(models.TransientModel):
    """The contacted and the control customers of the draws of a period
    compared: order rate and revenue per customer over each one's observed
    period, their difference and its 95 % confidence interval."""

    _name = "customer.followup.control.report"
    _inherit = ["customer.followup.guard"]
    _description = "Control Group Comparison"

    date_from = fields.Date(
        string="Drawn From",
        required=True,
        default=lambda self: (
            self.env.company._followup_today() - relativedelta(years=1)
        ),
    )
    date_to = fields.Date(
        string="Drawn Until",
        required=True,
        default=lambda self: self.env.company._followup_today(),
    )
    tier_ids = fields.Many2many(
        "customer.tier", string="Tiers", help="Empty: every tier drawn."
    )
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id
    )
    contacted_count = fields.Integer("Contacted Customers", compute="_compute_figures")
    control_count = fields.Integer("Control Customers", compute="_compute_figures")
    pending_count = fields.Integer(
        "Still Observed",
        compute="_compute_figures",
        help="Customers drawn in these dates whose period is not over yet: "
        "they count once it is.",
    )
    contacted_order_rate = fields.Float(
        "Order Rate, Contacted (%)", compute="_compute_figures"
    )
    control_order_rate = fields.Float(
        "Order Rate, Control (%)", compute="_compute_figures"
    )
    order_rate_diff = fields.Float(
        "Order Rate Difference (points)", compute="_compute_figures"
    )
    order_rate_low = fields.Float("Order Rate 95% Low", compute="_compute_figures")
    order_rate_high = fields.Float("Order Rate 95% High", compute="_compute_figures")
    contacted_revenue = fields.Monetary(
        "Revenue per Customer, Contacted", compute="_compute_figures"
    )
    control_revenue = fields.Monetary(
        "Revenue per Customer, Control", compute="_compute_figures"
    )
    revenue_diff = fields.Monetary("Revenue Difference", compute="_compute_figures")
    revenue_low = fields.Monetary("Revenue 95% Low", compute="_compute_figures")
    revenue_high = fields.Monetary("Revenue 95% High", compute="_compute_figures")
    enough_data = fields.Boolean(compute="_compute_figures")
    conclusion = fields.Text(compute="_compute_figures")

    _date_from_range = ValueRange("date_from", DATE_MIN, DATE_MAX)
    _date_to_range = ValueRange("date_to", DATE_MIN, DATE_MAX)

    @api.readonly
    def onchange(self, values, field_names, fields_spec):
        # the comparison is computed on a new record the form never saves
        # (its figures are not stored): the form's every onchange only reads,
        # on the read replica
        return super().onchange(values, field_names, fields_spec)

    def _draw_domain(self):
        domain = [
            ("date", ">=", self.date_from),
            ("date", "<=", self.date_to),
            ("company_id", "in", self.env.companies.ids),
        ]
        if self.tier_ids:
            domain.append(("tier_id", "in", self.tier_ids.ids))
        return domain

    def _group_figures(self, draws):
        """{in_control: (customers, order rate mean, its variance, revenue
        mean, its variance)} of the draws whose period is over: whether the
        customer confirmed an order in its observed period, and their
        untaxed amount. Each customer counts once, by its first draw of
        these dates: Welch's interval needs independent observations (counted
        per draw, a customer drawn four times a year weighed four times and
        the interval was too narrow), and only a customer's first draw is
        random (its later draws depend on its earlier group)."""
        self.env["sale.order"].flush_model(
            ["partner_id", "state", "date_order", "amount_untaxed"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        rows = self.env.execute_query(
            SQL(
                """
                WITH first_draws AS (
                    -- each customer once, by its first draw of the dates:
                    -- its later draws are not independent observations (a
                    -- regular orders in each), and whether and when a
                    -- customer is drawn again depends on its earlier group
                    -- (a control customer rests a period, a contacted one
                    -- is due again after its cadence)
                    SELECT DISTINCT ON (draw.partner_id) draw.id
                      FROM customer_followup_control draw
                     WHERE draw.id = ANY(%(draws)s)
                  ORDER BY draw.partner_id, draw.date, draw.id
                )
                SELECT draw.in_control, COUNT(*),
                       AVG(outcome.ordered), COALESCE(VAR_SAMP(outcome.ordered), 0),
                       AVG(outcome.revenue), COALESCE(VAR_SAMP(outcome.revenue), 0)
                  FROM first_draws
                  JOIN customer_followup_control draw ON draw.id = first_draws.id
                  JOIN res_company shop ON shop.id = draw.company_id
                  JOIN LATERAL (
                        SELECT CASE WHEN COUNT(so.id) > 0 THEN 1.0 ELSE 0.0 END
                                   AS ordered,
                               COALESCE(SUM(so.amount_untaxed), 0.0) AS revenue
                          FROM (%(confirmed)s) so
                         WHERE so.customer_id = draw.partner_id
                           AND so.date_order >= %(start)s
                           AND so.date_order < %(end)s
                       ) outcome ON TRUE
              GROUP BY draw.in_control
                """,
                start=shop_moment_sql(SQL("draw.date"), SQL("shop.followup_tz")),
                end=shop_moment_sql(SQL("draw.date_to + 1"), SQL("shop.followup_tz")),
                draws=draws.ids,
                confirmed=confirmed_orders_sql(),
            )
        )
        return {
            in_control: (
                count,
                float(rate),
                float(rate_var),
                float(rev),
                float(rev_var),
            )
            for in_control, count, rate, rate_var, rev, rev_var in rows
        }

    @api.depends("date_from", "date_to", "tier_ids")
    def _compute_figures(self):
        today = self.env.company._followup_today()
        Draw = self.env["customer.followup.control"]
        for report in self:
            figures = {}
            pending = 0
            if report.date_from and report.date_to:
                draws = Draw.search(report._draw_domain())
                over = draws.filtered(lambda draw: draw.date_to < today)
                pending = len(draws) - len(over)
                figures = report._group_figures(over) if over else {}
            empty = (0, 0.0, 0.0, 0.0, 0.0)
            n_a, rate_a, rate_var_a, rev_a, rev_var_a = figures.get(False, empty)
            n_b, rate_b, rate_var_b, rev_b, rev_var_b = figures.get(True, empty)
            rate = welch_interval(rate_a, rate_var_a, n_a, rate_b, rate_var_b, n_b)
            revenue = welch_interval(rev_a, rev_var_a, n_a, rev_b, rev_var_b, n_b)
            report.update(
                {
                    "contacted_count": n_a,
                    "control_count": n_b,
                    "pending_count": pending,
                    "contacted_order_rate": rate_a * 100,
                    "control_order_rate": rate_b * 100,
                    "contacted_revenue": rev_a,
                    "control_revenue": rev_b,
                    "enough_data": bool(rate),
                }
            )
            if rate:
                report.update(
                    {
                        "order_rate_diff": rate[0] * 100,
                        "order_rate_low": rate[1] * 100,
                        "order_rate_high": rate[2] * 100,
                        "revenue_diff": revenue[0],
                        "revenue_low": revenue[1],
                        "revenue_high": revenue[2],
                    }
                )
            else:
                report.update(
                    dict.fromkeys(
                        [
                            "order_rate_diff",
                            "order_rate_low",
                            "order_rate_high",
                            "revenue_diff",
                            "revenue_low",
                            "revenue_high",
                        ],
                        0.0,
                    )
                )
            report.conclusion = report._conclusion(n_a, n_b, rate, revenue)

    def _conclusion(self, n_contacted, n_control, rate, revenue):
        """The comparison in words, or plainly that it cannot conclude."""
        env = self.env
        if not rate:
            return env._(
                "Not enough data to conclude: at least %(minimum)s customers "
                "whose period is over are needed in each group (contacted: "
                "%(contacted)s, control: %(control)s).",
                minimum=MIN_SAMPLE,
                contacted=n_contacted,
                control=n_control,
            )

        def points(value):
            return formatLang(env, value * 100, digits=1)

        def amount(value):
            return format_amount(env, value, self.currency_id)

        if rate[1] > 0:
            rate_text = env._(
                "Order rate: the contacted customers ordered more often, by "
                "%(diff)s points (95%% interval %(low)s to %(high)s).",
                diff=points(rate[0]),
                low=points(rate[1]),
                high=points(rate[2]),
            )
        elif rate[2] < 0:
            rate_text = env._(
                "Order rate: the contacted customers ordered less often, by "
                "%(diff)s points (95%% interval %(low)s to %(high)s).",
                diff=points(-rate[0]),
                low=points(rate[1]),
                high=points(rate[2]),
            )
        else:
            rate_text = env._(
                "Order rate: no clear difference; the 95%% interval of the "
                "difference, %(low)s to %(high)s points, includes zero.",
                low=points(rate[1]),
                high=points(rate[2]),
            )
        if revenue[1] > 0:
            revenue_text = env._(
                "Revenue: the contacts brought %(diff)s more per customer "
                "(95%% interval %(low)s to %(high)s).",
                diff=amount(revenue[0]),
                low=amount(revenue[1]),
                high=amount(revenue[2]),
            )
        elif revenue[2] < 0:
            revenue_text = env._(
                "Revenue: the contacted customers bought %(diff)s less per "
                "customer (95%% interval %(low)s to %(high)s).",
                diff=amount(-revenue[0]),
                low=amount(revenue[1]),
                high=amount(revenue[2]),
            )
        else:
            revenue_text = env._(
                "Revenue: no clear difference; the 95%% interval of the "
                "difference per customer, %(low)s to %(high)s, includes zero.",
                low=amount(revenue[1]),
                high=amount(revenue[2]),
            )
        return f"{rate_text}\n{revenue_text}"
