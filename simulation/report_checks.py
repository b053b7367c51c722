"""The reports' totals against a recomputation in plain Python from the raw
orders and touchpoints: the effect report just after its nightly refresh,
the replacement conversion report at the end of the day. A mixin of the
``Checker`` (invariants.py)."""

import datetime
from collections import defaultdict

import pytz

# sums of floats added in another order: equal within a yen per thousand rows
TOLERANCE = 0.01


def shop_day(moment, tz):
    """The shop's day of a naive UTC moment, in Python."""
    return pytz.utc.localize(moment).astimezone(tz).date()


def window_end(day, days, tz):
    """The end of the ``days``-th shop day after ``day``, naive UTC."""
    end = datetime.datetime.combine(
        day + datetime.timedelta(days=days + 1), datetime.time()
    )
    return tz.localize(end).astimezone(pytz.utc).replace(tzinfo=None)


def close(a, b, rows):
    return abs((a or 0.0) - (b or 0.0)) <= TOLERANCE * max(rows, 1)


class ReportChecksMixin:
    # ------------------------------------------------------------------
    # Effect of contact
    # ------------------------------------------------------------------

    def _confirmed_orders(self, env):
        """[(order id, customer, company, UTC moment, untaxed amount)]."""
        return self.rows(
            env,
            """SELECT so.id, buyer.commercial_partner_id, so.company_id,
                      so.date_order, so.amount_untaxed
                 FROM sale_order so
                 JOIN res_partner buyer ON buyer.id = so.partner_id
                WHERE so.state = 'sale'""",
        )

    def effect_expected(self, env):
        company = env.ref("base.main_company")
        tz = pytz.timezone(company.followup_tz)
        days = company.followup_attribution_days
        contacts = defaultdict(list)
        points = 0.0
        for tp_id, partner_id, company_id, moment, weight in self.rows(
            env,
            """SELECT id, partner_id, company_id, date, weight
                 FROM customer_touchpoint WHERE direction = 'outbound'""",
        ):
            day = shop_day(moment, tz)
            contacts[(partner_id, company_id)].append(
                (moment, tp_id, window_end(day, days, tz), day)
            )
            points += weight or 0.0
        expected = {
            "contacts": sum(len(v) for v in contacts.values()),
            "points": points,
            "orders": 0,
            "revenue": 0.0,
            "revenue_share": 0.0,
        }
        orders = self._confirmed_orders(env)
        for _id, customer, company_id, moment, amount in orders:
            window = [
                c
                for c in contacts.get((customer, company_id), ())
                if c[0] <= moment < c[2]
            ]
            if window:
                expected["orders"] += 1
                expected["revenue"] += amount
                expected["revenue_share"] += amount
        # the tier's customers not contacted in a month, and their orders
        contact_days = [c[3] for cs in contacts.values() for c in cs]
        expected["idle_customers"] = 0
        expected["idle_orders"] = 0
        expected["idle_revenue"] = 0.0
        if not contact_days:
            return expected
        first, last = min(contact_days), max(contact_days)
        months = set()
        month = first.replace(day=1)
        while month <= last:
            months.add(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        customers = {
            row[0]
            for row in self.rows(
                env,
                """SELECT id FROM res_partner WHERE id = commercial_partner_id
                      AND followup_tier_id IS NOT NULL AND active""",
            )
        }
        contacted = {
            (partner_id, c[3].replace(day=1))
            for (partner_id, _company), cs in contacts.items()
            for c in cs
            if partner_id in customers
        }
        expected["idle_customers"] = len(customers) * len(months) - len(contacted)
        for _id, customer, _company, moment, amount in orders:
            month = shop_day(moment, tz).replace(day=1)
            if (
                customer in customers
                and month in months
                and (customer, month) not in contacted
            ):
                expected["idle_orders"] += 1
                expected["idle_revenue"] += amount
        return expected

    def check_effect_report(self, env, day):
        """Run just after the report's nightly refresh."""
        expected = self.effect_expected(env)
        [contacted] = self.rows(
            env,
            """SELECT COALESCE(SUM(contact_count), 0), COALESCE(SUM(points), 0),
                      COALESCE(SUM(order_count), 0), COALESCE(SUM(revenue), 0),
                      COALESCE(SUM(revenue_share), 0)
                 FROM customer_followup_effect_report WHERE contacted = 'contacted'""",
        )
        [idle] = self.rows(
            env,
            """SELECT COALESCE(SUM(customer_count), 0), COALESCE(SUM(order_count), 0),
                      COALESCE(SUM(revenue), 0)
                 FROM customer_followup_effect_report
                WHERE contacted = 'not_contacted'""",
        )
        got = dict(
            zip(
                (
                    "contacts",
                    "points",
                    "orders",
                    "revenue",
                    "revenue_share",
                    "idle_customers",
                    "idle_orders",
                    "idle_revenue",
                ),
                (*contacted, *idle),
                strict=True,
            )
        )
        rows = expected["contacts"] + expected["orders"]
        wrong = {
            key: (float(got[key]), expected[key])
            for key in expected
            if not close(float(got[key]), expected[key], rows)
        }
        if wrong:
            self.record(
                "report_totals",
                day,
                f"customer.followup.effect.report on {day}",
                "; ".join(
                    f"{key}: report {report:.2f}, recomputed {want:.2f}"
                    for key, (report, want) in sorted(wrong.items())
                ),
            )

    # ------------------------------------------------------------------
    # Replacement reminders and their conversions
    # ------------------------------------------------------------------

    def check_conversion_report(self, env, day):
        """Reminded: the cycles whose quotation a reminder touchpoint went
        with, or a salesperson's call or visit was planned on; ordered: the
        cycles closed by a confirmed order of their part placed from the
        cycle's start; its revenue: the part's lines of that order."""
        company = env.ref("base.main_company")
        tz = pytz.timezone(company.followup_tz)
        reminded_quotations = {
            row[0]
            for row in self.rows(
                env,
                """SELECT DISTINCT sale_order_id FROM customer_touchpoint
                    WHERE origin = 'reminder' AND sale_order_id IS NOT NULL""",
            )
        }
        # a reminder by call is the salesperson's activity on the quotation
        # (its touchpoint is logged when the call is made)
        reminded_quotations.update(
            row[0]
            for row in self.rows(
                env,
                """SELECT DISTINCT res_id FROM mail_activity
                    WHERE res_model = 'sale.order'""",
            )
        )
        lines = defaultdict(lambda: defaultdict(float))
        moments = {}
        for order_id, product_id, subtotal, moment in self.rows(
            env,
            """SELECT so.id, line.product_id, line.price_subtotal, so.date_order
                 FROM sale_order_line line
                 JOIN sale_order so ON so.id = line.order_id
                WHERE so.state = 'sale' AND line.product_id IS NOT NULL""",
        ):
            lines[order_id][product_id] += subtotal or 0.0
            moments[order_id] = moment
        expected = {"reminded": 0, "ordered": 0, "amount": 0.0}
        count = 0
        for cycle_id, part_id, start, state, quotation_id, order_id in self.rows(
            env,
            """SELECT id, part_product_id, start_date, state, quotation_id, order_id
                 FROM customer_replacement
                WHERE state IN ('reminded', 'ordered', 'expired')""",
        ):
            count += 1
            if quotation_id in reminded_quotations:
                expected["reminded"] += 1
            if state != "ordered":
                continue
            if (
                order_id not in lines
                or part_id not in lines[order_id]
                or shop_day(moments[order_id], tz) < start
            ):
                self.record(
                    "report_totals",
                    day,
                    f"customer.replacement({cycle_id})",
                    f"ordered by sale.order({order_id}), which is not a confirmed "
                    f"order of its part since {start}",
                )
                continue
            expected["ordered"] += 1
            expected["amount"] += lines[order_id][part_id]
        [(reminded, ordered, amount)] = self.rows(
            env,
            """SELECT COALESCE(SUM(reminded_count), 0), COALESCE(SUM(ordered_count), 0),
                      COALESCE(SUM(order_amount), 0)
                 FROM customer_replacement_report""",
        )
        if (
            reminded != expected["reminded"]
            or ordered != expected["ordered"]
            or not close(float(amount), expected["amount"], count)
        ):
            self.record(
                "report_totals",
                day,
                f"customer.replacement.report on {day}",
                f"reminded {reminded} (recomputed {expected['reminded']}), "
                f"ordered {ordered} (recomputed {expected['ordered']}), parts "
                f"revenue {float(amount):.2f} (recomputed {expected['amount']:.2f})",
            )
