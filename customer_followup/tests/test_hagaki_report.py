from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import FollowupCase


@tagged("post_install", "-at_install")
class TestHagakiReport(FollowupCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_delivery(cls.gasket_rule, "print")
        cls.other = cls.env["res.partner"].create(
            {"name": "Hanako Sato", "zip": "530-0001", "city": "Osaka"}
        )
        cls._sell(cls.customer, cls.cooker)
        cls._sell(cls.other, cls.cooker)

    def test_paperformat(self):
        report = self.env.ref("customer_followup.action_report_replacement_hagaki")
        paper = report.paperformat_id
        self.assertEqual(paper.format, "custom")
        self.assertEqual((paper.page_width, paper.page_height), (100, 148))

    def test_render_postcards(self):
        self._run_cron("2025-12-20 06:00:00")
        cycles = self.env["customer.replacement"].search(
            [("partner_id", "in", (self.customer | self.other).ids)]
        )
        self.assertEqual(cycles.mapped("delivery"), ["print", "print"])
        report = self.env["ir.actions.report"]
        html = str(
            report._render_qweb_html(
                "customer_followup.action_report_replacement_hagaki", cycles.ids
            )[0]
        )
        for expected in ("150-0001", "Taro Yamada", "Hanako Sato", "PC-600-GK"):
            self.assertIn(expected, html)
        self.assertLess(html.index("150-0001"), html.index("Taro Yamada"))
        # allow_pdf_render lets wkhtmltopdf fetch the assets from the test server;
        # the wkhtmltopdf of Linux distributions (unpatched Qt) warns that it
        # ignores the header/footer switches: harmless for a postcard.
        with (
            self.allow_pdf_render(),
            mute_logger("odoo.addons.base.models.ir_actions_report"),
        ):
            pdf, report_type = report.with_context(
                force_report_rendering=True
            )._render_qweb_pdf(
                "customer_followup.action_report_replacement_hagaki", cycles.ids
            )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

        action = cycles.action_print_postcards()
        self.assertEqual(
            action["report_name"], "customer_followup.report_replacement_hagaki"
        )
        self.assertTrue(all(cycles.mapped("printed")))

    def test_foreign_address_follows_its_country_format(self):
        self.other.write(
            {
                "country_id": self.env.ref("base.us").id,
                "street": "77 Santa Barbara Rd",
                "city": "Pleasant Hill",
                "state_id": self.env.ref("base.state_us_5").id,
                "zip": "94523",
            }
        )
        self._run_cron("2025-12-20 06:00:00")
        cycle = self.env["customer.replacement"].search(
            [("partner_id", "=", self.other.id)]
        )
        html = str(
            self.env["ir.actions.report"]._render_qweb_html(
                "customer_followup.action_report_replacement_hagaki", cycle.ids
            )[0]
        )
        self.assertLess(html.index("Hanako Sato"), html.index("77 Santa Barbara Rd"))
        self.assertIn("Pleasant Hill CA 94523", html)
        self.assertNotIn("〒", html)
        self.assertNotIn("様", html)
