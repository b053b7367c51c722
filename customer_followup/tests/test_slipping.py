from datetime import date, datetime

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import FollowupTierCase, TwoWorkersCase, load_japanese

CRON = "customer_followup.ir_cron_slipping_mail"
MONDAY = "2026-06-15 05:00:00"
TODAY = date(2026, 6, 15)


@tagged("post_install", "-at_install")
class TestSlipping(FollowupTierCase):
    """Who is slipping away, on Monday 2026-06-15: one customer for each of
    the four lists, and one just inside each limit that is not listed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        scoring = cls.env["customer.followup.scoring"]
        # tier dropped on Friday (A -> B); another rose (B -> A); one dropped
        # ten days ago
        cls.dropped = cls._customer("Dropped Diner", followup_tier_id=cls.tier_b.id)
        cls.rose = cls._customer("Rising Ramen", followup_tier_id=cls.tier_a.id)
        cls.dropped_before = cls._customer(
            "Old Drop Deli", followup_tier_id=cls.tier_c.id
        )
        with freeze_time("2026-06-12 01:00:00"):
            scoring._log_tier_changes(
                [
                    (cls.dropped.id, cls.tier_a.id, cls.tier_b.id),
                    (cls.rose.id, cls.tier_b.id, cls.tier_a.id),
                ]
            )
        with freeze_time("2026-06-05 01:00:00"):
            scoring._log_tier_changes(
                [(cls.dropped_before.id, cls.tier_b.id, cls.tier_c.id)]
            )
        # tier A, cadence 30 days: past it by half again after 45 days
        cls.silent = cls._customer("Silent Sushi", followup_tier_id=cls.tier_a.id)
        cls.quiet = cls._customer("Quiet Cafe", followup_tier_id=cls.tier_a.id)
        for partner, moment in (
            (cls.silent, "2026-04-30 10:00:00"),  # 46 days
            (cls.quiet, "2026-05-02 10:00:00"),  # 44 days
        ):
            cls.env["customer.touchpoint"].create(
                {
                    "partner_id": partner.id,
                    "type_id": cls.type_visit.id,
                    "user_id": cls.salesman.id,
                    "date": moment,
                }
            )
        # a regular of the second salesperson, late to reorder
        cls.regular = cls._customer("Regular Bakery", user_id=cls.salesman_2.id)
        for day in ("2026-02-02", "2026-03-02", "2026-03-30", "2026-04-27"):
            cls._sell(cls.regular, cls.gasket, f"{day} 10:00:00")
        cls.env["customer.reorder.interval"]._compute_reorder_intervals(TODAY)
        # a gasket cycle that expired on Friday without an order
        cls.owner = Partner.create(
            {"name": "Cooker Owner", "user_id": cls.salesman.id, "email": "o@ex.com"}
        )
        order = cls._sell(cls.owner, cls.cooker, "2023-12-12 10:00:00")
        cls.cycle = order.registration_ids.replacement_ids
        cls.cycle.sudo().write({"due_date": "2025-12-12", "state": "expired"})
        cls.env.flush_all()

    def _lists(self, user=None):
        slipping = self.env["customer.followup.slipping"]
        return {
            section["key"]: section
            for section in slipping._reader_sections(TODAY, user=user)
        }

    def _names(self, section):
        return [row["name"] for row in section["rows"]]

    def test_lists_of_a_salesperson(self):
        self.assertEqual(self.cycle.expiry_date, date(2026, 6, 12))
        lists = self._lists(self.salesman)
        self.assertEqual(self._names(lists["tier_dropped"]), ["Dropped Diner"])
        self.assertEqual(
            lists["tier_dropped"]["rows"][0]["detail"],
            f"{self.tier_a.name} → {self.tier_b.name}",
            "the tier it dropped from, and the tier now",
        )
        self.assertEqual(self._names(lists["cadence"]), ["Silent Sushi"])
        self.assertEqual(lists["reorder"]["count"], 0, "not her customer")
        self.assertEqual(self._names(lists["parts"]), ["Cooker Owner"])
        row = lists["cadence"]["rows"][0]
        self.assertTrue(row["url"].endswith(f"/odoo/res.partner/{self.silent.id}"))
        self.assertIn("Test key", row["detail"])
        # the second salesperson's regular: gasket every 28 days, last
        # 2026-04-27, late after 2026-05-25
        lists = self._lists(self.salesman_2)
        self.assertEqual(self._names(lists["reorder"]), ["Regular Bakery"])
        self.assertIn("every 28 days", lists["reorder"]["rows"][0]["detail"])
        self.assertEqual(lists["cadence"]["count"], 0)

    def test_weekly_mail_once_per_reader_and_week(self):
        Mail = self.env["mail.mail"]
        before = Mail.search([])
        self._run_cron(MONDAY, CRON)
        mails = Mail.search([]) - before
        by_reader = {mail.recipient_ids: mail for mail in mails}
        salesman = by_reader[self.salesman.partner_id]
        self.assertIn("Dropped Diner", salesman.body_html)
        self.assertIn("Silent Sushi", salesman.body_html)
        self.assertIn("Cooker Owner", salesman.body_html)
        self.assertNotIn("Regular Bakery", salesman.body_html)
        self.assertNotIn("Quiet Cafe", salesman.body_html)
        self.assertIn(f"/odoo/res.partner/{self.silent.id}", salesman.body_html)
        self.assertIn("Regular Bakery", by_reader[self.salesman_2.partner_id].body_html)
        manager = by_reader[self.manager.partner_id]
        for name in ("Dropped Diner", "Silent Sushi", "Regular Bakery", "Cooker Owner"):
            self.assertIn(name, manager.body_html)
        for user in (self.salesman, self.salesman_2, self.manager):
            self.assertEqual(
                len(mails.filtered(lambda m, u=user: m.recipient_ids == u.partner_id)),
                1,
            )
        self.assertEqual(self.salesman.followup_slipping_week, TODAY)
        # again on Wednesday: nobody gets a second mail this week
        self._run_cron("2026-06-17 05:00:00", CRON)
        self.assertEqual(Mail.search([]) - before, mails)
        # next Monday: a new week
        self._run_cron("2026-06-22 05:00:00", CRON)
        self.assertTrue(
            (Mail.search([]) - before - mails).filtered(
                lambda m: m.recipient_ids == self.manager.partner_id
            )
        )

    def test_mail_in_the_readers_language(self):
        load_japanese(self.env)
        self.salesman.lang = "ja_JP"
        slipping = self.env["customer.followup.slipping"]
        subject, body = slipping._render_slipping_mail(self.salesman, TODAY, False)
        self.assertIn("離", subject)
        self.assertIn("Silent Sushi", body)
        self.assertNotIn("Past their cadence by half again", body)
        subject, body = slipping._render_slipping_mail(self.manager, TODAY, True)
        self.assertIn("Past their cadence by half again", body)

    def test_manual_run_says_why_nothing_was_sent_and_forces_one_reader(self):
        Mail = self.env["mail.mail"]
        cron = self.env.ref(CRON)
        with freeze_time(MONDAY), self.enter_registry_test_mode():
            first = cron.method_direct_trigger()
            self.assertEqual(first["params"]["type"], "success")
            before = Mail.search([])
            again = cron.method_direct_trigger()
            self.assertEqual(Mail.search([]), before, "one mail a week")
            self.assertEqual(again["tag"], "display_notification")
            self.assertEqual(again["params"]["type"], "warning")
            self.assertIn("already received this week", again["params"]["message"])
            # forced for one reader: that reader only gets it again
            forced = self.salesman.with_user(
                self.manager
            ).action_followup_send_slipping_now()
            self.assertEqual(forced["params"]["type"], "success")
            mails = Mail.search([]) - before
            self.assertEqual(mails.recipient_ids, self.salesman.partner_id)
            self.assertIn("Silent Sushi", mails.body_html)
            # a salesperson cannot force it
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                self.salesman_2.with_user(
                    self.salesman
                ).action_followup_send_slipping_now()
            self.assertEqual(Mail.search([]) - before, mails)

    def test_no_mail_when_nothing_slips(self):
        self.assertIsNone(
            self.env["customer.followup.slipping"]._render_slipping_mail(
                self.manager, date(2030, 1, 7), False
            )
        )

    def test_overview_section(self):
        with freeze_time(MONDAY):
            overview = self.env["customer.followup.overview"].get_overview()
            own = (
                self.env["customer.followup.overview"]
                .with_user(self.salesman_2)
                .get_overview()
            )
        [section] = [s for s in overview["sections"] if s["title"] == "Who is slipping"]
        values = [figure["value"] for figure in section["rows"][0]["figures"]]
        self.assertEqual(values, ["1", "1", "1", "1"])
        [section] = [s for s in own["sections"] if s["title"] == "Who is slipping"]
        values = [figure["value"] for figure in section["rows"][0]["figures"]]
        self.assertEqual(values, ["0", "0", "1", "0"])
        reorder = section["rows"][0]["figures"][2]["action"]
        self.assertEqual(
            self.env[reorder["res_model"]].search(reorder["domain"]).partner_id,
            self.regular,
        )

    def test_digest_kpis(self):
        digest = self.env["digest.digest"].create(
            {
                "name": "Weekly",
                "kpi_followup_contacts": True,
                "kpi_followup_points": True,
                "kpi_followup_late_reorders": True,
                "kpi_followup_parts_ordered": True,
            }
        )
        digest = digest.with_context(
            start_datetime=datetime(2026, 4, 27), end_datetime=datetime(2026, 5, 4)
        )
        self.assertEqual(digest.kpi_followup_contacts_value, 2)
        self.assertEqual(digest.kpi_followup_points_value, 20.0)
        self.assertEqual(digest.kpi_followup_late_reorders_value, 0)
        digest.invalidate_recordset()
        digest = digest.with_context(
            start_datetime=datetime(2026, 5, 25), end_datetime=datetime(2026, 6, 1)
        )
        self.assertEqual(digest.kpi_followup_late_reorders_value, 1)
        self.assertEqual(digest.kpi_followup_parts_ordered_value, 0)
        # still late a month later: the mail and the overview list it, the
        # digest counts it too
        digest.invalidate_recordset()
        digest = digest.with_context(
            start_datetime=datetime(2026, 6, 29), end_datetime=datetime(2026, 7, 6)
        )
        self.assertEqual(digest.kpi_followup_late_reorders_value, 1)
        kpis = digest._compute_kpis(self.env.company, self.manager)
        self.assertIn("kpi_followup_late_reorders", [k["kpi_name"] for k in kpis])


@tagged("post_install", "-at_install")
class TestSlippingTwoWorkers(TwoWorkersCase):
    """Two workers sending the weekly mail at once: each reader gets one."""

    # Committing is the point here: other connections only see committed data.
    # pylint: disable=invalid-commit

    def test_two_workers_mail_each_reader_once(self):
        setup = self._connection()
        setup.cr.execute("SELECT COALESCE(MAX(id), 0) FROM mail_mail")
        [(last_mail_id,)] = setup.cr.fetchall()
        Users = setup["res.users"].with_context(no_reset_password=True)
        seller, boss = Users.create(
            [
                {
                    "name": "Concurrent Seller",
                    "login": "cf_slipping_seller",
                    "email": "concurrent.seller@example.com",
                    "group_ids": [(4, setup.ref("sales_team.group_sale_salesman").id)],
                },
                {
                    "name": "Concurrent Boss",
                    "login": "cf_slipping_boss",
                    "email": "concurrent.boss@example.com",
                    "group_ids": [(4, setup.ref("sales_team.group_sale_manager").id)],
                },
            ]
        )
        customer = setup["res.partner"].create(
            {
                "name": "Concurrent Slipping Customer",
                "is_company": True,
                "user_id": seller.id,
                "followup_tier_id": setup.ref("customer_followup.customer_tier_a").id,
                "followup_tier_locked": True,
            }
        )
        # tier A is visited every 180 days: 400 days is past it by half again
        setup["customer.touchpoint"].create(
            {
                "partner_id": customer.id,
                "type_id": setup.ref("customer_followup.touchpoint_type_visit").id,
                "date": fields.Datetime.subtract(fields.Datetime.now(), days=400),
            }
        )
        others = setup["res.users"].search([("id", "not in", (seller | boss).ids)])
        weeks = {user.id: user.followup_slipping_week for user in others}
        setup.cr.commit()

        def drop_documents(env):
            env["mail.mail"].search([("id", ">", last_mail_id)]).unlink()
            env["customer.touchpoint"].search(
                [("partner_id", "=", customer.id)]
            ).unlink()
            env["res.partner"].browse(customer.id).unlink()
            for user in env["res.users"].browse(list(weeks)):
                if user.followup_slipping_week != weeks[user.id]:
                    user.followup_slipping_week = weeks[user.id]

        self._cleanup("res.users", (seller | boss).ids, before=drop_documents)

        worker_a, worker_b = self._connection(), self._connection()
        locked = worker_a["res.users"].browse(seller.id).try_lock_for_update()
        self.assertEqual(locked.id, seller.id, "worker A holds the salesperson")
        worker_b["customer.followup.slipping"]._send_slipping_mails()
        worker_b.cr.commit()
        worker_a["customer.followup.slipping"]._send_slipping_mails()
        worker_a.cr.commit()
        # a third run, once both are done, mails nobody
        worker_b["customer.followup.slipping"]._send_slipping_mails()
        worker_b.cr.commit()

        check = self._connection()
        for reader in (seller, boss):
            mails = check["mail.mail"].search(
                [
                    ("id", ">", last_mail_id),
                    ("recipient_ids", "in", reader.partner_id.id),
                    ("subject", "like", "Customers slipping away"),
                ]
            )
            self.assertEqual(len(mails), 1, reader.name)
            self.assertIn("Concurrent Slipping Customer", mails.body_html)
