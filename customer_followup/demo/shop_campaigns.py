import random
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields

from .shop_data import DEMO_MESSAGES_JA, DEMO_NAMES_JA, MOURNING


class DemoShopCampaigns:
    """The demo shop's campaigns (see shop.py): last New Year's and summer
    greetings and last year-end offer done and answered, the anniversary
    cards confirmed, and the coming New Year greeting to confirm."""

    def _populate_campaigns(self, partners, today):
        """A year of campaigns: last New Year's greeting (handwritten for A,
        printed for B and C, email for D), last summer's greeting and the
        year-end offer, done and answered, so that the response report
        compares the channels; the customers' anniversary cards running;
        the coming New Year's greeting to confirm, without the customer who
        sent a mourning notice."""
        env = self.env
        rng = random.Random(14)
        # the campaigns plan on the tiers
        env["customer.followup.scoring"]._recompute_followup_tiers(today)
        ref = env.ref
        types = {
            name: ref(f"customer_followup.touchpoint_type_{name}")
            for name in ("postcard", "printed_mail", "email")
        }
        lines = [
            fields.Command.create(
                {
                    "tier_id": ref(f"customer_followup.customer_tier_{code}").id,
                    "touchpoint_type_id": types[name].id,
                }
            )
            for code, name in (
                ("a", "postcard"),
                ("b", "printed_mail"),
                ("c", "printed_mail"),
                ("d", "email"),
            )
        ]
        common = {
            "line_ids": lines,
            "fallback_type_ids": [
                fields.Command.set([types["printed_mail"].id, types["email"].id])
            ],
            # the shop's customers as a rule: next season's campaign keeps it
            "partner_domain": repr(
                [("company_id", "=", env.company.id), ("sale_order_ids", "!=", False)]
            ),
            "user_id": ref("base.user_admin").id,
        }

        def last(month, day):
            """The last such day at least 40 days ago."""
            candidate = today.replace(month=month, day=day)
            while candidate > today - timedelta(days=40):
                candidate -= relativedelta(years=1)
            return candidate

        new_year = ref("customer_followup.campaign_template_new_year")
        summer = ref("customer_followup.campaign_template_summer")
        self._demo_past_campaign(
            dict(common, **new_year._campaign_values(today)),
            last(1, 1),
            {"personal": 0.5, "printed": 0.2, "email": 0.1},
            rng,
        )
        self._demo_past_campaign(
            dict(common, **summer._campaign_values(today)),
            last(7, 15),
            {"personal": 0.4, "printed": 0.15, "email": 0.05},
            rng,
        )
        offer_product = ref("customer_followup.demo_product_rice_cooker")
        self._demo_past_campaign(
            dict(
                common,
                name=self._demo_name("Year-end offer: rice cooker trade-in"),
                occasion="offer",
                offer_product_id=offer_product.id,
                message="<p>Trade in your old rice cooker before the New Year "
                "and get 20% off the RC-10.</p>",
            ),
            last(12, 1),
            {"personal": 0.6, "printed": 0.25, "email": 0.08},
            rng,
            offer_product,
        )
        anniversary = env["customer.followup.campaign"].create(
            dict(
                common,
                name=self._demo_name("Thank-you card on the customer's anniversary"),
                occasion="birthday",
                timing="anniversary",
                anniversary_field="followup_customer_since",
                anniversary_days_before=30,
                send_date=today,
                message="<p>Thank you for another year with us.</p>",
            )
        )
        self._demo_translate_message(anniversary)
        anniversary.action_confirm()
        partners.filtered(lambda p: p.email == f"contact@{MOURNING}.example.com").write(
            {"followup_mourning_date": today - timedelta(days=10)}
        )
        coming = env["customer.followup.campaign"].browse(
            new_year.action_create_campaign()["res_id"]
        )
        coming.name = self._demo_name(
            new_year.with_context(lang="en_US").name, coming.send_date.year
        )

    def _demo_name(self, name, year=None):
        """A demo campaign's name in the shop's language, with the year of a
        template's campaign."""
        if self.japanese and name in DEMO_NAMES_JA:
            name = DEMO_NAMES_JA[name]
            return f"{name}（{year}年）" if year else name
        return f"{name} {year}" if year else name

    def _demo_translate_message(self, campaign):
        """The demo's customers read Japanese: their text of the campaign."""
        if not self.japanese:
            return
        source = campaign.with_context(lang="en_US").message or ""
        terms = {
            english: japanese
            for english, japanese in DEMO_MESSAGES_JA.items()
            if english in source
        }
        if terms:
            campaign.update_field_translations("message", {"ja_JP": terms})

    def _demo_past_campaign(self, vals, send_date, rates, rng, product=None):
        """A campaign sent on ``send_date``, its pieces done then, and the
        orders of the customers who answered (at ``rates`` per kind)."""
        env = self.env
        today = self.env.company._followup_today()
        vals = dict(vals, send_date=today + timedelta(days=1))
        template = env["customer.followup.campaign.template"].browse(
            vals.get("template_id")
        )
        if template:
            vals["name"] = self._demo_name(
                template.with_context(lang="en_US").name, send_date.year
            )
        vals.pop("post_date_start", None)
        vals.pop("post_date_end", None)
        campaign = env["customer.followup.campaign"].create(vals)
        if template:
            template._copy_message_translations(campaign)
        else:
            self._demo_translate_message(campaign)
        campaign.write({"send_date": send_date})
        plan, _used = campaign._plan(send_date - timedelta(days=30))
        planned = [line for line in plan if line.touchpoint_type]
        pieces = env["customer.followup.campaign.piece"].create(
            [
                {
                    "campaign_id": campaign.id,
                    "partner_id": line.partner.id,
                    "tier_id": line.tier.id,
                    "touchpoint_type_id": line.touchpoint_type.id,
                    "kind": line.kind,
                    "user_id": line.user.id,
                    "plan_date": line.plan_date,
                    "send_date": send_date,
                    "note": "; ".join(line.reasons) or False,
                }
                for line in planned
            ]
        )
        posted = datetime.combine(send_date - timedelta(days=2), time(10))
        env["customer.followup.campaign.piece"]._log_done(pieces, date=posted)
        campaign.state = "done"
        product = product or env.ref("customer_followup.demo_product_towels")
        answers = [piece for piece in pieces if rng.random() < rates[piece.kind]]
        orders = env["sale.order"].create(
            [
                {
                    "partner_id": piece.partner_id.id,
                    "user_id": piece.partner_id.user_id.id,
                    "order_line": [
                        fields.Command.create(
                            {"product_id": product.id, "product_uom_qty": 1}
                        )
                    ],
                }
                for piece in answers
            ]
        )
        orders.action_confirm()
        for order in orders:
            order.date_order = datetime.combine(
                send_date + timedelta(days=rng.randint(1, 20)), time(11)
            )
        return campaign
