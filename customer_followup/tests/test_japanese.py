from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from .common import FollowupCase, load_japanese


@tagged("post_install", "-at_install")
class TestJapanese(FollowupCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_japanese(cls.env)
        cls.user_ja = new_test_user(
            cls.env,
            login="cf_user_ja",
            name="Suzuki",
            groups="sales_team.group_sale_salesman",
            lang="ja_JP",
        )
        cls.customer.lang = "ja_JP"
        # what a request of this user gets: the user's language in the context
        cls.env_ja = cls.env(user=cls.user_ja, context={"lang": cls.user_ja.lang})

    def test_menu_is_japanese(self):
        menu = self.env.ref("customer_followup.menu_followup_root")
        self.assertEqual(menu.with_env(self.env_ja).name, "フォローアップ")
        menus = self.env_ja["ir.ui.menu"].load_menus(False)
        names = {m["name"] for m in menus.values() if isinstance(m, dict)}
        self.assertIn("接点履歴", names)

    def test_constraint_error_is_japanese(self):
        touchpoint_model = self.env_ja["customer.touchpoint"]
        with self.assertRaises(ValidationError) as catcher:
            touchpoint_model.create(
                {
                    "partner_id": self.customer.id,
                    "type_id": self.env.ref(
                        "customer_followup.touchpoint_type_call"
                    ).id,
                    "weight": -1,
                }
            )
        self.assertEqual(
            "重みは0.1から100の範囲で入力してください。", str(catcher.exception)
        )

    def test_reminder_mail_and_postcard_are_japanese(self):
        self._sell(self.customer, self.cooker)
        self._run_cron("2025-12-20 06:00:00")
        cycle = self._cycles()
        mail = self._reminder_mails(cycle)
        self.assertEqual(len(mail), 1)
        self.assertIn("交換時期のお知らせ", mail.subject)
        self.assertIn("様", mail.body_html)
        self.assertIn("お買い上げいただきました", mail.body_html)
        self.assertIn("部品を注文する", mail.body_html)
        with freeze_time("2025-12-20 06:00:00"):
            html = self._hagaki_html(cycle)
        self.assertIn("交換時期のお知らせ", html)
        # the postal code in the frames, then the name with its honorific
        self.assertLess(html.index("o_hagaki_digit"), html.index("Taro Yamada"))
        self.assertIn("TaroYamada</strong><span>様</span>", "".join(html.split()))
        self.assertIn("ご注文番号", html)

    def test_reminder_activity_is_in_the_salespersons_language(self):
        self._set_delivery(self.gasket_rule, "activity")
        self.salesman.lang = "ja_JP"
        self.customer.lang = "en_US"
        self._sell(self.customer, self.cooker)
        self._run_cron("2025-12-20 06:00:00")
        activity = self._cycles().quotation_id.activity_ids
        self.assertEqual(activity.user_id, self.salesman)
        self.assertIn("を交換", activity.summary)
        touchpoint = self.env["customer.touchpoint"].search(
            [("partner_id", "=", self.customer.id), ("origin", "=", "reminder")]
        )
        self.assertFalse(touchpoint, "the call logs the touchpoint, not the cron")

    def test_grouped_reminder_subject_holds_for_parts_past_due(self):
        """A database installed before 19.0.1.9.0 titled the grouped
        reminder "Due soon" (まもなく), also for parts whose day had passed:
        the migration replaces the subject shipped, in each language, and
        leaves a subject the shop wrote alone."""
        from .test_migration_ranges import load_migration  # noqa: PLC0415

        template = self.env.ref("customer_followup.mail_template_grouped_reminder")
        module = load_migration("19.0.1.9.0", "post-grouped-reminder-subject")
        for lang, new in module.NEW.items():
            self.assertEqual(template.with_context(lang=lang).subject, new)
        template.with_context(lang="en_US").subject = module.OLD["en_US"]
        template.with_context(lang="ja_JP").subject = module.OLD["ja_JP"]
        self.env.flush_all()
        module.migrate(self.env.cr, "19.0.1.8.0")
        for lang, new in module.NEW.items():
            self.assertEqual(template.with_context(lang=lang).subject, new)
        own = "Our reminder: {{ object._grouped_reminder_names() }}"
        template.with_context(lang="ja_JP").subject = own
        self.env.flush_all()
        module.migrate(self.env.cr, "19.0.1.8.0")
        self.assertEqual(template.with_context(lang="ja_JP").subject, own)
        self.assertEqual(
            template.with_context(lang="en_US").subject, module.NEW["en_US"]
        )

    def test_grouped_reminder_says_the_parts_are_due(self):
        from .test_migration_ranges import (  # noqa: PLC0415
            load_migration,
            ship_template_body_as_before,
        )

        template = self.env.ref("customer_followup.mail_template_grouped_reminder")
        module = load_migration("19.0.1.8.0", "post-grouped-reminder-wording")
        body = template.with_context(lang="ja_JP").body_html
        self.assertIn(module.NEW, body)
        self.assertNotIn(module.OLD, body)
        # a database whose template still has the wording shipped before
        ship_template_body_as_before(template, module)
        self.assertIn(module.OLD, template.with_context(lang="ja_JP").body_html)
        module.migrate(self.env.cr, "19.0.1.7.0")
        body = template.with_context(lang="ja_JP").body_html
        self.assertIn(module.NEW, body)
        self.assertNotIn(module.OLD, body)
