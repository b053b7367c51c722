"""The read screens over HTTP, as a deployment with a read replica serves
them: Odoo's test mode gives a read-only request a cursor in a read-only
transaction (``SET TRANSACTION READ ONLY``, the simulation of
``--dev=replica``). Each screen must be served by that one cursor, without
the WARNING and the second, read/write cursor of a retry."""

from unittest.mock import patch

from freezegun import freeze_time

from odoo import api
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import STORY_NOW, BrowserCase, call_kw
from .test_readonly import screen_calls

RETRY = "retrying with a read/write cursor"


@tagged("post_install", "-at_install")
class TestReadonlyHttp(BrowserCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(STORY_NOW):
            cls.campaign = cls.env["customer.followup.campaign"].create(
                {
                    "name": "Replica preview",
                    "send_date": "2026-12-20",
                    "partner_domain": repr([("id", "=", cls.customer.id)]),
                }
            )
            cls.portal = new_test_user(
                cls.env, login="cf_ro_portal", groups="base.group_portal"
            )
            cls.order = cls._sell(cls.portal.partner_id, cls.cooker)
            cls.quotation = cls._sell(
                cls.customer, cls.gasket, date="2026-11-10 10:00:00", confirm=False
            )
            cls.quotation._followup_ensure_short_code()
            cls.quotation._portal_ensure_token()

    def _served(self, request):
        """Serve ``request()`` recording the cursors Odoo opens for it
        (True: read-only); fail on a retry's warning."""
        modes = []
        cursor = self.env.registry.cursor

        def recording_cursor(readonly=False):
            cr = cursor(readonly=readonly)
            modes.append(cr.readonly)
            return cr

        with (
            patch.object(self.env.registry, "cursor", recording_cursor),
            self.assertNoLogs("odoo.http", "WARNING"),
            freeze_time(STORY_NOW),
        ):
            response = request()
        return response, modes

    def test_read_screens_on_the_replica(self):
        self.authenticate("cf_manager", "cf_manager")
        for model, ids, method, args in screen_calls(self):
            with self.subTest(model=model, method=method):
                function = getattr(type(self.env[model]), method)
                if not getattr(function, "_api_model", False):
                    args = [ids, *args]
                (result, error), modes = self._served(
                    lambda: call_kw(self, model, method, args)  # noqa: B023
                )
                self.assertFalse(error)
                self.assertIsNotNone(result)
                self.assertEqual(modes, [True], "one read-only cursor")

    def test_portal_pages_on_the_replica(self):
        self.authenticate("cf_ro_portal", "cf_ro_portal")
        response, modes = self._served(lambda: self.url_open("/my/products"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("Pressure Cooker", response.text)
        self.assertEqual(modes, [True])

    def test_short_link_on_the_replica(self):
        code = self.quotation.followup_short_code
        response, modes = self._served(
            lambda: self.url_open(f"/q/{code.lower()}", allow_redirects=False)
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn(self.quotation.access_token, response.headers["Location"])
        self.assertEqual(modes, [True])
        # a wrong code is counted: on the primary, without a retry
        response, modes = self._served(
            lambda: self.url_open("/q/AAAAAAAA", allow_redirects=False)
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(modes, [True, False])
        self.assertTrue(
            self.env["customer.followup.short.link.attempt"].search_count([])
        )

    def test_wrong_marking_is_loud(self):
        """A read-only method that writes: Odoo 19 serves it again on the
        primary, and says so with a WARNING, which fails the suite."""
        Overview = type(self.env["customer.followup.overview"])
        get_overview = Overview.get_overview

        @api.model
        @api.readonly
        def writing_overview(model):
            model.env.user.partner_id.sudo().comment = "seen"
            return get_overview(model)

        self.authenticate("cf_manager", "cf_manager")
        with (
            patch.object(Overview, "get_overview", writing_overview),
            self.assertLogs("odoo.http", "WARNING") as logs,
            mute_logger("odoo.sql_db"),
            freeze_time(STORY_NOW),
        ):
            result, error = call_kw(
                self, "customer.followup.overview", "get_overview", []
            )
        self.assertFalse(error)
        self.assertTrue(result)
        self.assertIn(RETRY, "\n".join(logs.output))
