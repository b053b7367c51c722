from collections import Counter

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import FollowupTierCase, campaign_emails, load_japanese

NOW = "2026-10-01 09:00:00"


class CampaignCase(FollowupTierCase):
    """The seed story at small scale: 60 customers in four tiers (A 10, B 15,
    C 20, D 15) of two salespeople, a handwritten postcard budget of 20 a
    year (less than the 25 A and B customers) and a capacity of 10
    handwritten postcards per salesperson and month."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tier_c.min_score = 20
        cls.tier_d = cls.env["customer.tier"].create(
            {"name": "Test occasional", "code": "TD", "sequence": 4, "min_score": 0}
        )
        cls.type_postcard.write({"capacity_per_user_month": 10, "yearly_budget": 20})
        cls.customers = {}
        scores = {"TA": 90, "TB": 60, "TC": 30, "TD": 5}
        sizes = {"TA": 10, "TB": 15, "TC": 20, "TD": 15}
        tiers = {
            "TA": cls.tier_a,
            "TB": cls.tier_b,
            "TC": cls.tier_c,
            "TD": cls.tier_d,
        }
        number = 0
        with freeze_time(NOW):
            for code, size in sizes.items():
                partners = cls.env["res.partner"]
                for index in range(size):
                    number += 1
                    partner = cls._customer(
                        f"Customer {code} {index:02d}",
                        user_id=(cls.salesman if number % 2 else cls.salesman_2).id,
                        lang="en_US",
                    )
                    partner.sudo().write(
                        {
                            "followup_tier_id": tiers[code].id,
                            "followup_score": scores[code] + (size - index) * 0.1,
                        }
                    )
                    partners |= partner
                cls.customers[code] = partners
        cls.all_customers = cls.env["res.partner"].union(*cls.customers.values())

    @classmethod
    def _campaign(cls, name="New Year greeting", send_date="2026-10-30", **vals):
        return cls.env["customer.followup.campaign"].create(
            {
                "name": name,
                "occasion": "seasonal",
                "send_date": send_date,
                "preparation_days": 21,
                "partner_domain": repr([("id", "in", cls.all_customers.ids)]),
                "message": "<p>Thank you for this year.</p>",
                "line_ids": [
                    Command.create(
                        {
                            "tier_id": cls.tier_a.id,
                            "touchpoint_type_id": cls.type_postcard.id,
                        }
                    ),
                    Command.create(
                        {
                            "tier_id": cls.tier_b.id,
                            "touchpoint_type_id": cls.type_postcard.id,
                        }
                    ),
                    Command.create(
                        {
                            "tier_id": cls.tier_c.id,
                            "touchpoint_type_id": cls.type_printed.id,
                        }
                    ),
                    Command.create(
                        {
                            "tier_id": cls.tier_d.id,
                            "touchpoint_type_id": cls.type_email.id,
                        }
                    ),
                ],
                "fallback_type_ids": [
                    Command.set((cls.type_printed | cls.type_email).ids)
                ],
                **vals,
            }
        )

    def _confirm(self, campaign):
        with freeze_time(NOW):
            campaign.action_confirm()
        return campaign

    def _queued_mails(self):
        """The mails queued to the campaign's customers."""
        return self.env["mail.mail"].search(
            [("model", "=", "res.partner"), ("res_id", "in", self.all_customers.ids)]
        )

    def _pieces(self, campaign, touchpoint_type=None):
        pieces = campaign.piece_ids
        if touchpoint_type:
            pieces = pieces.filtered(lambda p: p.touchpoint_type_id == touchpoint_type)
        return pieces


@tagged("post_install", "-at_install")
class TestCampaignPlan(CampaignCase):
    def test_preview_creates_nothing(self):
        with freeze_time(NOW):
            campaign = self._campaign()
            preview = campaign.preview_html
        self.assertIn("Pieces per contact and tier", preview)
        self.assertIn("Yearly budgets 2026", preview)
        self.assertIn("Moved to a cheaper contact", preview)
        self.assertIn("Salespeople", preview)
        self.assertFalse(campaign.piece_ids)
        self.assertFalse(
            self.env["mail.activity"].search([("res_id", "in", self.all_customers.ids)])
        )
        self.assertFalse(self._queued_mails())

    def test_the_best_get_handwritten_within_budget_and_capacity(self):
        with freeze_time(NOW):
            campaign = self._confirm(self._campaign())
        self.assertEqual(campaign.state, "planned")
        postcards = self._pieces(campaign, self.type_postcard)
        a_and_b = self.customers["TA"] | self.customers["TB"]
        self.assertTrue(postcards)
        self.assertLessEqual(len(postcards), 20, "yearly budget")
        self.assertLess(len(postcards), len(a_and_b))
        # every A customer before any B customer; the best B customers first
        self.assertEqual(
            postcards.partner_id & self.customers["TA"], self.customers["TA"]
        )
        ranked = a_and_b.sorted(lambda p: -p.followup_score)
        for user in (self.salesman, self.salesman_2):
            own = ranked.filtered(lambda p, user=user: p.user_id == user)
            got = postcards.filtered(lambda p, user=user: p.user_id == user).partner_id
            self.assertEqual(own[: len(got)], got.sorted(lambda p: -p.followup_score))
        # the capacity of each salesperson and month is kept
        per_month = Counter(
            (piece.user_id, fields.Date.start_of(piece.plan_date, "month"))
            for piece in postcards
        )
        self.assertTrue(all(count <= 10 for count in per_month.values()), per_month)
        # the postcards are written in the weeks before the send date
        send_date = fields.Date.to_date("2026-10-30")
        for piece in postcards:
            self.assertLess(piece.plan_date, send_date)
            self.assertGreaterEqual(piece.plan_date, fields.Date.to_date("2026-10-09"))
            self.assertEqual(piece.activity_id.user_id, piece.partner_id.user_id)
            self.assertEqual(piece.activity_id.date_deadline, piece.plan_date)
        # the other A and B customers get the printed card, saying why
        moved = a_and_b - postcards.partner_id
        moved_pieces = campaign.piece_ids.filtered(lambda p: p.partner_id in moved)
        self.assertEqual(
            set(moved_pieces.mapped("touchpoint_type_id")), {self.type_printed}
        )
        self.assertTrue(all("capacity" in piece.note for piece in moved_pieces))
        # C printed, D email
        by_partner = {piece.partner_id: piece for piece in campaign.piece_ids}
        for partner in self.customers["TC"]:
            self.assertEqual(by_partner[partner].touchpoint_type_id, self.type_printed)
        for partner in self.customers["TD"]:
            self.assertEqual(by_partner[partner].touchpoint_type_id, self.type_email)

    def test_budget_never_exceeded_across_two_campaigns(self):
        with freeze_time(NOW):
            first = self._confirm(self._campaign())
            used_first = len(self._pieces(first, self.type_postcard))
            second = self._confirm(
                self._campaign(
                    "Year-end offer", send_date="2026-11-27", occasion="offer"
                )
            )
        used_second = len(self._pieces(second, self.type_postcard))
        self.assertEqual(used_first + used_second, 20, "the budget is used, not more")
        # the rest of the budget goes to the best customers
        self.assertLessEqual(
            self._pieces(second, self.type_postcard).partner_id,
            self.customers["TA"],
        )
        second_moved = second.piece_ids.filtered(
            lambda p: p.partner_id in self.customers["TB"]
        )
        self.assertTrue(all("yearly budget" in piece.note for piece in second_moved))
        # New Year cards written in December 2026 count in 2027's budget
        with freeze_time(NOW):
            new_year = self._confirm(
                self._campaign("New Year 2027", send_date="2027-01-01")
            )
        cards = self._pieces(new_year, self.type_postcard)
        self.assertTrue(cards)
        self.assertEqual({piece.plan_date.year for piece in cards}, {2026})
        with freeze_time(NOW):
            spring = self._campaign("Spring 2027", send_date="2027-03-01")
            self.assertEqual(
                spring._budget_used(self.type_postcard)[self.type_postcard.id],
                len(cards),
            )
        # a third campaign of the same year gets no handwritten card at all
        with freeze_time(NOW):
            third = self._confirm(
                self._campaign("Winter greeting", send_date="2026-12-18")
            )
        self.assertFalse(self._pieces(third, self.type_postcard))

    def test_capacity_shared_with_the_planner(self):
        """The planner's follow-ups of the month count against the capacity,
        and the planner afterwards sees the campaign's postcards."""
        with freeze_time(NOW):
            campaign = self._confirm(self._campaign())
        postcards = self._pieces(campaign, self.type_postcard)
        book = self.env["customer.followup.planner"]._load_capacity_book
        from ..models.customer_followup_plan_line import CapacityBook, PlanLine

        capacity = CapacityBook()
        line = PlanLine(
            partner=self.all_customers[:1],
            user=self.salesman,
            touchpoint_type=self.type_postcard,
            deadline=fields.Date.to_date("2026-10-01"),
            plan_date=fields.Date.to_date("2026-10-01"),
        )
        book(
            capacity,
            [line],
            fields.Date.to_date("2026-10-01"),
            fields.Date.to_date("2026-10-31"),
        )
        own = postcards.filtered(lambda p: p.user_id == self.salesman)
        self.assertEqual(
            capacity.months[
                (
                    self.salesman.id,
                    self.type_postcard.id,
                    fields.Date.to_date("2026-10-01"),
                )
            ],
            len(own),
        )

    def test_form_preview_of_a_new_campaign(self):
        """The campaign form previews a campaign being written, before it is
        saved."""
        with freeze_time(NOW), Form(self.env["customer.followup.campaign"]) as form:
            form.name = "Summer greeting"
            form.send_date = fields.Date.to_date("2026-10-30")
            form.partner_domain = repr([("id", "in", self.customers["TD"].ids)])
            with form.line_ids.new() as line:
                line.touchpoint_type_id = self.type_email
            form.message = "<p>Stay cool</p>"
            self.assertIn("15 customers: 15 pieces planned", form.preview_html)
        self.assertEqual(form.record.state, "draft")
        self.assertFalse(form.record.piece_ids)

    def test_planner_leaves_customers_with_a_campaign_piece(self):
        """The cadence planner plans no separate contact for a customer whose
        campaign card is planned within its horizon."""
        self.tier_a.cadence_days = 30
        with freeze_time(NOW):
            campaign = self._confirm(self._campaign(send_date="2026-10-12"))
        card = self._pieces(campaign, self.type_postcard)[:1]
        self.assertTrue(card)
        outside = self._customer("Outside Customer")
        outside.sudo().followup_tier_id = self.tier_a
        due = card.partner_id | outside
        self.env["customer.touchpoint"].create(
            [
                {
                    "partner_id": partner.id,
                    "type_id": self.type_visit.id,
                    "date": "2026-08-20 10:00:00",
                }
                for partner in due
            ]
        )
        candidates = self.planner._candidate_ids(fields.Date.to_date("2026-10-15"))
        self.assertNotIn(card.partner_id.id, candidates)
        self.assertIn(outside.id, candidates)

    def test_audience_is_customers(self):
        """The whole address book minus the companies and the users: portal
        customers stay, contact persons are reached through their company."""
        portal = self.customers["TD"][0]
        new_test_user(
            self.env,
            login="cf_portal_customer",
            groups="base.group_portal",
            partner_id=portal.id,
        )
        with freeze_time(NOW):
            campaign = self._campaign(partner_domain="[]")
            audience = campaign._audience()
        self.assertIn(portal, audience)
        self.assertIn(self.company_customer, audience)
        self.assertNotIn(self.contact, audience)
        self.assertNotIn(self.salesman.partner_id, audience)
        self.assertNotIn(self.env.company.partner_id, audience)
        with freeze_time(NOW):
            campaign.tier_ids = self.tier_d
        self.assertEqual(campaign._audience(), self.customers["TD"])

    def test_exclusions_with_their_reason(self):
        archived, no_email, blocked, no_postal = (
            self.customers["TD"][:2] | self.customers["TC"][:2]
        )
        archived.active = False
        no_email.email = False
        blocked.sudo().write({"followup_no_postal": True})
        self.env["mail.blacklist"].sudo()._add(blocked.email)
        no_postal.sudo().write({"followup_no_postal": True})
        with freeze_time(NOW):
            campaign = self._campaign()
            lines, _used = campaign._plan()
            preview = campaign.preview_html
        by_partner = {line.partner: line for line in lines}
        self.assertFalse(by_partner[archived].touchpoint_type)
        self.assertEqual(by_partner[archived].reasons, ["archived customer"])
        # no email: the printed card instead
        self.assertEqual(by_partner[no_email].touchpoint_type, self.type_printed)
        self.assertIn("no email address", by_partner[no_email].reasons)
        # opted out of postal mail and blacklisted: left out, both reasons shown
        self.assertFalse(by_partner[blocked].touchpoint_type)
        self.assertEqual(
            by_partner[blocked].reasons,
            ["opted out of postal mail", "email blacklisted"],
        )
        self.assertIn("email blacklisted", preview)
        self.assertIn(archived.name, preview)
        # a customer without a tier yet: said so, not "tier (none)"
        untiered = self.env["res.partner"].create(
            {"name": "New Customer", "email": "new@example.com"}
        )
        with freeze_time(NOW):
            campaign.partner_domain = repr([("id", "=", untiered.id)])
            [line] = campaign._plan()[0]
        self.assertEqual(
            line.reasons,
            ["no tier yet, and the campaign has no contact for customers without one"],
        )
        # opted out of postal mail: email
        self.assertEqual(by_partner[no_postal].touchpoint_type, self.type_email)


@tagged("post_install", "-at_install")
class TestCampaignPieces(CampaignCase):
    def test_confirm_creates_activities_batch_and_emails(self):
        self.env["customer.product.registration"].create(
            {
                "partner_id": self.customers["TA"][0].id,
                "product_id": self.cooker.id,
                "purchase_date": "2025-05-01",
            }
        )
        with freeze_time(NOW):
            campaign = self._confirm(self._campaign())
        postcards = self._pieces(campaign, self.type_postcard)
        activity = postcards.filtered(
            lambda p: p.partner_id == self.customers["TA"][0]
        ).activity_id
        self.assertEqual(activity.activity_type_id, self.type_postcard.activity_type_id)
        self.assertIn("New Year greeting", activity.summary)
        self.assertIn("Pressure Cooker 6 L", activity.note)
        self.assertIn("no order yet", activity.note)
        # the printed batch: the message for each customer
        printed = campaign.piece_ids.filtered(lambda p: p.kind == "printed")
        self.assertEqual(campaign.printed_count, len(printed))
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "customer_followup.action_report_campaign_batch", printed.ids
            )[0]
            .decode()
        )
        self.assertEqual(html.count("Thank you for this year."), len(printed))
        self.assertIn(printed[0].partner_id.name, html)
        # each email recipient's email, scheduled at the send hour of the
        # send date
        emails = campaign.piece_ids.filtered(lambda p: p.kind == "email")
        self.assertTrue(emails)
        moment = campaign.company_id._followup_moment(
            fields.Date.to_date("2026-10-30"), campaign.send_hour
        )
        scheduled = campaign_emails(emails)
        self.assertEqual(set(scheduled), set(emails.ids))
        self.assertEqual({email.moment for email in scheduled.values()}, {moment})

    def test_each_piece_logs_one_touchpoint_when_done(self):
        with freeze_time(NOW):
            campaign = self._confirm(self._campaign())
        with self.assertRaisesText(UserError, "cancel it before deleting it"):
            campaign.unlink()
        # a handwritten card: its activity done
        piece = self._pieces(campaign, self.type_postcard)[0]
        with freeze_time("2026-10-20 10:00:00"):
            piece.activity_id.with_user(piece.user_id).action_feedback(
                feedback="Written"
            )
        touchpoint = piece.partner_id.touchpoint_ids
        self.assertEqual(len(touchpoint), 1)
        self.assertEqual(touchpoint.origin, "campaign")
        self.assertEqual(touchpoint.campaign_id, campaign)
        self.assertEqual(touchpoint.weight, self.type_postcard.weight)
        self.assertEqual(piece.state, "done")
        self.assertEqual(piece.touchpoint_id, touchpoint)
        self.assertEqual(campaign.state, "running")
        # the printed batch posted
        printed = campaign.piece_ids.filtered(lambda p: p.kind == "printed")
        with freeze_time("2026-10-28 10:00:00"):
            campaign.action_mark_posted()
        self.assertEqual(set(printed.mapped("state")), {"done"})
        # a campaign's contact moves the customer's dates like any other
        self.assertEqual(
            printed[0].partner_id.last_touchpoint_date,
            fields.Datetime.to_datetime("2026-10-28 10:00:00"),
        )
        self.assertEqual(printed[0].touchpoint_id.weight, self.type_printed.weight)
        self.assertEqual(
            len(
                campaign.touchpoint_ids.filtered(
                    lambda t: t.type_id == self.type_printed
                )
            ),
            len(printed),
        )
        # the emails are logged when they are sent: test_campaign_email
        # (the mail composer) and the Email Marketing bridge's tests

    def test_plan_next_year(self):
        with freeze_time(NOW):
            campaign = self._confirm(self._campaign())
        with freeze_time("2026-11-20 09:00:00"):
            action = campaign.action_plan_next_year()
        following = self.env["customer.followup.campaign"].browse(action["res_id"])
        self.assertEqual(following.send_date, fields.Date.to_date("2027-10-30"))
        self.assertEqual(following.name, "New Year greeting (2027)")
        self.assertEqual(following.state, "draft")
        self.assertEqual(
            following.line_ids.mapped("touchpoint_type_id"),
            campaign.line_ids.mapped("touchpoint_type_id"),
        )
        self.assertEqual(following.fallback_type_ids, campaign.fallback_type_ids)
        self.assertIn("Thank you for this year.", following.message)
        self.assertFalse(following.piece_ids)
        # next year's budget is untouched by this year's cards
        with freeze_time("2026-11-20 09:00:00"):
            self.assertFalse(following._budget_used(self.type_postcard))

    def test_cancel_leaves_nothing_open(self):
        with freeze_time(NOW):
            campaign = self._confirm(self._campaign())
            emails = campaign.piece_ids.filtered(lambda p: p.kind == "email")
            self.assertTrue(campaign_emails(emails))
            activities = campaign.piece_ids.activity_id
            self.assertTrue(activities)
            campaign.action_cancel()
        self.assertEqual(campaign.state, "cancelled")
        self.assertFalse(activities.exists())
        self.assertFalse(campaign_emails(emails), "no email leaves")
        self.assertFalse(
            self.env["mail.activity"].search([("res_id", "in", self.all_customers.ids)])
        )
        self.assertEqual(set(campaign.piece_ids.mapped("state")), {"cancelled"})
        # its budget is free again
        with freeze_time(NOW):
            again = self._confirm(self._campaign("New Year greeting, again"))
        self.assertEqual(
            len(self._pieces(again, self.type_postcard)),
            len(self._pieces(campaign, self.type_postcard)),
        )
        # a cancelled campaign may be deleted
        campaign.unlink()
        self.assertFalse(campaign.exists())


@tagged("post_install", "-at_install")
class TestCampaignAccessAndLanguage(CampaignCase):
    def test_salesperson_sees_own_pieces_and_cannot_confirm(self):
        with freeze_time(NOW):
            campaign = self._confirm(self._campaign())
            draft = self._campaign("Draft campaign", user_id=self.manager.id)
        pieces = self.env["customer.followup.campaign.piece"].with_user(self.salesman)
        visible = pieces.search([("campaign_id", "=", campaign.id)])
        self.assertTrue(visible)
        self.assertEqual(visible.partner_id.user_id, self.salesman)
        campaigns = self.env["customer.followup.campaign"].with_user(self.salesman)
        self.assertEqual(campaigns.search([]), campaign)
        with self.assertRaises(AccessError):
            draft.with_user(self.salesman).action_confirm()
        with freeze_time(NOW), self.assertRaises(AccessError):
            campaigns.create({"name": "Mine", "send_date": "2026-12-01"})

    def test_salesperson_is_shown_only_the_buttons_they_may_use(self):
        """The campaign's form shows a salesperson no button that ends in an
        access error: the campaign is the managers' to run, the cards to
        write are the salesperson's."""
        managers_only = (
            "action_confirm",
            "action_print_batch",
            "action_mark_posted",
            "action_cancel",
            "action_plan_next_year",
            "action_plan_midwinter",
            "action_draft",
        )
        campaigns = self.env["customer.followup.campaign"]
        for user, shown in ((self.salesman, False), (self.manager, True)):
            arch = campaigns.with_user(user).get_views([(False, "form")])["views"][
                "form"
            ]["arch"]
            self.assertIn('name="action_print_cards_to_write"', arch)
            for action in managers_only:
                self.assertEqual(f'name="{action}"' in arch, shown, (user, action))

    def test_printed_message_in_the_customers_language(self):
        load_japanese(self.env)
        japanese = self.customers["TC"][0]
        japanese.lang = "ja_JP"
        with freeze_time(NOW):
            campaign = self._campaign()
            # the translation dialog of the message field
            campaign.flush_recordset()
            campaign.update_field_translations(
                "message",
                {"ja_JP": {"Thank you for this year.": "本年もお世話になりました。"}},
            )
            self._confirm(campaign)
        printed = campaign.piece_ids.filtered(lambda p: p.kind == "printed")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "customer_followup.action_report_campaign_batch", printed.ids
            )[0]
            .decode()
        )
        # written vertically: the full stop in its vertical form
        self.assertEqual(html.count("本年もお世話になりました︒"), 1)
        self.assertEqual(html.count("Thank you for this year."), len(printed) - 1)
        # the errors are translated too
        env_ja = self.env(context={"lang": "ja_JP"})
        with freeze_time(NOW), self.assertRaises(ValidationError) as catcher:
            env_ja["customer.followup.campaign"].create(
                {"name": "Past", "send_date": "2026-09-01"}
            )
        self.assertIn("過去", str(catcher.exception))
