from datetime import date, datetime, timedelta, timezone

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import FollowupTierCase, campaign_emails
from .test_followup_overview import WORKLOAD
from .test_migration_ranges import load_migration

# 00:30 and 23:30 in Tokyo (UTC+9), as UTC moments: at 00:30 UTC's day is
# still the day before; at 23:30 both days agree.
EARLY = "00:30"
LATE = "23:30"


def utc(day, hour):
    """``hour`` on ``day`` in Tokyo, as a naive UTC datetime (as Odoo stores
    moments)."""
    moment = datetime.fromisoformat(f"{day} {hour}:00+09:00")
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def at(day, hour):
    """The same, as the string freezegun and the ORM take."""
    return utc(day, hour).strftime("%Y-%m-%d %H:%M:%S")


@tagged("post_install", "-at_install")
class TestShopDay(FollowupTierCase):
    """The shop is in Tokyo: whatever it does at 00:30 or 23:30 there is on
    Tokyo's day, although UTC's day is the previous one at 00:30."""

    def test_the_contact_day_sets_the_cadence(self):
        # tier B: every 60 days; a visit on 1 March, whatever its hour, is
        # due again on 30 April
        for hour in (EARLY, "08:00", LATE):
            customer = self._customer(
                f"Visited at {hour}", followup_tier_id=self.tier_b.id
            )
            self.env["customer.touchpoint"].create(
                {
                    "partner_id": customer.id,
                    "type_id": self.type_visit.id,
                    "date": at("2026-03-01", hour),
                }
            )
            self.assertEqual(customer.next_followup_date, date(2026, 4, 30), hour)
            touchpoint = customer.touchpoint_ids
            self.assertTrue(touchpoint.display_name.endswith(" - 2026-03-01"), hour)

    def test_first_classification_in_sql_agrees_with_the_orm(self):
        customer = self._customer("First Tier Diner")
        self.env["customer.touchpoint"].create(
            {
                "partner_id": customer.id,
                "type_id": self.type_visit.id,
                "date": at("2026-03-01", EARLY),
            }
        )
        self._order(customer, at("2026-03-01", EARLY), 100000.0)
        with freeze_time(at("2026-03-10", EARLY)):
            self.env["customer.followup.scoring"]._write_followup_scores(
                first_tiers=True
            )
        self.assertTrue(customer.followup_tier_id)
        expected = date(2026, 3, 1) + timedelta(
            days=customer.followup_tier_id.cadence_days
        )
        # written in SQL by the first classification
        self.assertEqual(customer.next_followup_date, expected)
        # and as the ORM computes it
        customer._compute_next_followup_date()
        self.assertEqual(customer.next_followup_date, expected)

    def test_the_effect_report_files_a_contact_under_the_shops_month(self):
        customer = self._customer("Monthly Cafe", followup_tier_id=self.tier_b.id)
        Touchpoint = self.env["customer.touchpoint"]
        first = Touchpoint.create(
            {
                "partner_id": customer.id,
                "type_id": self.type_visit.id,
                "date": at("2026-03-01", EARLY),
            }
        )
        last = Touchpoint.create(
            {
                "partner_id": customer.id,
                "type_id": self.type_call.id,
                "date": at("2026-03-31", LATE),
            }
        )
        report = self.env["customer.followup.effect.report"]
        report._refresh()
        rows = report.search([("id", "in", (first | last).ids)])
        self.assertEqual(
            {row.id: row.date for row in rows},
            {first.id: date(2026, 3, 1), last.id: date(2026, 3, 31)},
        )
        months = report._read_group(
            [("partner_id", "=", customer.id)], ["date:month"], ["contact_count:sum"]
        )
        self.assertEqual(months, [(date(2026, 3, 1), 2)])

    def test_reorder_gaps_count_the_shops_days(self):
        # the gasket every 28 days, bought early or late in Tokyo's day
        for day, hour in (
            ("2026-03-02", EARLY),
            ("2026-03-30", LATE),
            ("2026-04-27", EARLY),
            ("2026-05-25", LATE),
        ):
            self._sell(self.customer, self.gasket, at(day, hour))
        with freeze_time(at("2026-06-16", EARLY)):
            self.env["customer.reorder.interval"]._compute_reorder_intervals()
        interval = self.env["customer.reorder.interval"].search(
            [("partner_id", "=", self.customer.id), ("product_id", "=", self.gasket.id)]
        )
        self.assertEqual(interval.median_interval_days, 28.0)
        self.assertEqual(interval.spread_days, 0.0)
        self.assertEqual(interval.first_purchase_date, date(2026, 3, 2))
        self.assertEqual(interval.last_purchase_date, date(2026, 5, 25))
        self.assertEqual(interval.computed_date, date(2026, 6, 16))

    def test_customer_since_is_the_shops_day_of_the_first_order(self):
        customer = self._customer("New Year Buyer")
        self._order(customer, at("2025-01-01", EARLY), 50.0)
        customer.invalidate_recordset(["followup_customer_since"])
        self.assertEqual(customer.followup_customer_since, date(2025, 1, 1))

    def test_a_1_january_anniversary_card_is_dated_1_january(self):
        self.type_postcard.capacity_per_user_month = 10
        customer = self._customer("First Customer", followup_tier_id=self.tier_a.id)
        self._order(customer, at("2025-01-01", EARLY), 50.0)
        with freeze_time(at("2026-12-20", "10:00")):
            campaign = self.env["customer.followup.campaign"].create(
                {
                    "name": "Thank you for a year",
                    "occasion": "birthday",
                    "timing": "anniversary",
                    "anniversary_field": "followup_customer_since",
                    "anniversary_days_before": 0,
                    "send_date": "2026-12-20",
                    "partner_domain": repr([("id", "=", customer.id)]),
                    "message": "<p>Thank you!</p>",
                    "line_ids": [
                        Command.create({"touchpoint_type_id": self.type_email.id})
                    ],
                }
            )
            campaign.action_confirm()
        self.assertFalse(campaign.piece_ids)
        # 23:30 on 31 December in Tokyo: not yet
        self._run_cron(at("2026-12-31", LATE), "customer_followup.ir_cron_campaigns")
        self.assertFalse(campaign.piece_ids)
        # 00:30 on 1 January in Tokyo (UTC's 31 December): the anniversary
        self._run_cron(at("2027-01-01", EARLY), "customer_followup.ir_cron_campaigns")
        self.assertEqual(campaign.piece_ids.send_date, date(2027, 1, 1))
        # the email leaves at the campaign's send hour, 09:00 in Tokyo
        self.assertEqual(
            campaign_emails(campaign.piece_ids)[campaign.piece_ids.id].moment,
            utc("2027-01-01", "09:00"),
        )

    def test_a_send_date_is_past_by_the_shops_day(self):
        vals = {"name": "Year-end offer", "send_date": "2026-12-14"}
        Campaign = self.env["customer.followup.campaign"]
        with freeze_time(at("2026-12-14", LATE)):
            Campaign.create(vals)
        with freeze_time(at("2026-12-15", EARLY)), self.assertRaises(ValidationError):
            Campaign.create(vals)

    def test_the_posting_days_of_a_new_year_campaign(self):
        # confirmed at 00:30 on 16 December in Tokyo, UTC's 15th
        with freeze_time(at("2026-12-16", EARLY)):
            campaign = self.env["customer.followup.campaign"].create(
                {
                    "name": "New Year",
                    "occasion": "seasonal",
                    "send_date": "2027-01-01",
                    "post_date_start": "2026-12-15",
                    "post_date_end": "2026-12-25",
                    "partner_domain": repr([("id", "=", self.customer.id)]),
                    "message": "<p>Happy New Year</p>",
                    "line_ids": [
                        Command.create({"touchpoint_type_id": self.type_printed.id})
                    ],
                }
            )
            campaign.action_confirm()
        # posted from Tokyo's today: not on a day already gone
        self.assertEqual(campaign.piece_ids.plan_date, date(2026, 12, 16))

    def test_the_overview_and_the_status_follow_the_shops_today(self):
        customer = self._customer("Due Yesterday", followup_tier_id=self.tier_a.id)
        (
            self.env["mail.activity"]
            .sudo()
            .create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": customer.id,
                    "activity_type_id": self.type_visit.activity_type_id.id,
                    "user_id": self.salesman.id,
                    "date_deadline": "2026-03-10",
                    "followup_planned": True,
                    "followup_touchpoint_type_id": self.type_visit.id,
                    "followup_plan_date": "2026-03-10",
                }
            )
        )
        customer.sudo().next_followup_date = "2026-03-09"
        # 00:30 on 10 March in Tokyo, UTC's 9 March
        with freeze_time(at("2026-03-10", EARLY)):
            customer.invalidate_recordset(["followup_status"])
            self.assertEqual(customer.followup_status, "overdue")
            overview = self.env["customer.followup.overview"].get_overview()
        workload = next(s for s in overview["sections"] if s["title"] == WORKLOAD)
        row = next(r for r in workload["rows"] if r["title"] == "Sato Salesman · Visit")
        figures = {figure["label"]: figure for figure in row["figures"]}
        self.assertEqual(figures["Today"]["value"], "1")
        self.assertEqual(figures["Overdue"]["value"], "0")

    def test_the_slipping_mail_week_is_the_shops_week(self):
        slipping = self.env["customer.followup.slipping"]
        # 00:30 on Monday 15 June in Tokyo is UTC's Sunday
        with freeze_time(at("2026-06-15", EARLY)):
            today = self.env.company._followup_today()
        self.assertEqual(today, date(2026, 6, 15))
        self.assertEqual(slipping._week_start(today), date(2026, 6, 15))
        with freeze_time(at("2026-06-14", LATE)):
            today = self.env.company._followup_today()
        self.assertEqual(slipping._week_start(today), date(2026, 6, 8))

    def test_scheduled_actions_run_at_night_in_the_shops_timezone(self):
        tiers = self.env.ref("customer_followup.ir_cron_compute_tiers")
        slipping = self.env.ref("customer_followup.ir_cron_slipping_mail")
        with freeze_time("2026-11-16 12:00:00"):  # 21:00 on Monday in Tokyo
            self.company.followup_tz = "Asia/Tokyo"
            # 01:00 on Tuesday in Tokyo
            self.assertEqual(tiers.nextcall, datetime(2026, 11, 16, 16, 0))
            # 07:00 on the next Monday in Tokyo
            self.assertEqual(slipping.nextcall, datetime(2026, 11, 22, 22, 0))
            self.company.followup_tz = "Europe/Paris"
            # 01:00 on Tuesday in Paris (UTC+1 in November)
            self.assertEqual(tiers.nextcall, datetime(2026, 11, 17, 0, 0))
            self.assertEqual(slipping.nextcall, datetime(2026, 11, 23, 6, 0))


@tagged("post_install", "-at_install")
class TestMigrationShopDay(FollowupTierCase):
    """19.0.1.4.0 moves the scheduled actions of an existing database to
    their night hours in the shop's timezone."""

    def test_scheduled_actions_move_to_the_night(self):
        cron = self.env.ref("customer_followup.ir_cron_plan_followups")
        cron.nextcall = "2026-11-16 23:44:00"  # the hour the addon was installed
        with freeze_time("2026-11-16 12:00:00"):  # 21:00 in Tokyo
            load_migration("19.0.1.4.0", "post-shop-day").migrate(
                self.env.cr, "19.0.1.3.0"
            )
        # 05:00 on Tuesday in Tokyo
        self.assertEqual(cron.nextcall, datetime(2026, 11, 16, 20, 0))
