import random
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields

from .shop_campaigns import DemoShopCampaigns
from .shop_data import (
    AREA_CODES,
    CONTACT_MIX,
    CONTROL,
    DEMO_ADDRESSES,
    DEMO_CUSTOMERS,
    MONTH_DAYS,
    NO_POSTAL,
    NO_VISIT,
    PERSONS,
    PRODUCT_NAMES_JA,
    RHYTHM,
    SUMMARIES,
)


class DemoShop(DemoShopCampaigns):
    """Builds the demo story relative to the day the demo is installed: a key
    account, loyal fans, ordinary users, dormant one-time buyers and a new
    customer, with three years of orders and every kind of touchpoint. Loaded
    with the demo data only (``res.company._followup_populate_demo``)."""

    def __init__(self, env):
        company = env.ref("customer_followup.demo_company_jp")
        self.japanese = bool(env["res.lang"]._get_data(code="ja_JP"))
        # everything the story creates belongs to the Japanese shop, and is
        # created in its language: a record's first chatter line then reads
        # in one language ("連絡先 を作成しました", not "Contact を作成しました")
        self.env = env(
            context=dict(
                env.context,
                allowed_company_ids=[company.id],
                lang="ja_JP" if self.japanese else "en_US",
            )
        )

    def _lang(self, lang):
        return lang if lang == "en_US" or self.japanese else "en_US"

    def _translate_names(self):
        """The products' Japanese names, the shop's Japanese address book."""
        env = self.env
        env.company.partner_id.write({"lang": self._lang("ja_JP"), "tz": "Asia/Tokyo"})
        if not self.japanese:
            return
        # the addon's catalog is loaded after its demo data: the campaigns
        # built below copy the templates' Japanese messages from it
        env["ir.module.module"]._load_module_terms(["customer_followup"], ["ja_JP"])
        for xmlid, name in PRODUCT_NAMES_JA.items():
            product = env.ref(f"customer_followup.{xmlid}")
            product.product_tmpl_id.update_field_translations("name", {"ja_JP": name})

    def populate(self):
        rng = random.Random(19)
        env = self.env
        self._translate_names()
        products = [
            env.ref("customer_followup.demo_product_rice_cooker"),
            env.ref("customer_followup.demo_product_pot_set"),
            env.ref("customer_followup.demo_product_knife"),
            env.ref("customer_followup.demo_product_towels"),
        ]
        users = [
            env.ref("base.user_admin"),
            env.ref("base.user_demo"),
            env.ref("customer_followup.demo_user_suzuki"),
        ]
        today = self.env.company._followup_today()
        now = fields.Datetime.now()
        partners = env["res.partner"].create(
            [
                {
                    "name": name,
                    "is_company": slug not in PERSONS,
                    "company_id": env.company.id,
                    "lang": self._lang(lang),
                    "phone": f"{AREA_CODES[city]}-{1200 + 37 * i:04d}-{5100 + i:04d}",
                    "zip": DEMO_ADDRESSES[city][0],
                    "state_id": env.ref(
                        f"base.state_jp_jp-{DEMO_ADDRESSES[city][1]}"
                    ).id,
                    "city": DEMO_ADDRESSES[city][2],
                    "street": DEMO_ADDRESSES[city][3],
                    "country_id": env.ref("base.jp").id,
                    "email": f"contact@{slug}.example.com",
                    "user_id": users[i % len(users)].id,
                    "followup_no_visit": slug == NO_VISIT,
                    "followup_no_postal": slug == NO_POSTAL,
                    "followup_strategic": kind == "key",
                }
                for i, (name, slug, kind, city, lang) in enumerate(DEMO_CUSTOMERS)
            ]
        )
        order_vals, order_dates = [], []
        touchpoint_vals = []
        for partner, (_name, _slug, kind, _city, _lang) in zip(
            partners, DEMO_CUSTOMERS, strict=True
        ):
            if kind == "new":
                dates = [today - relativedelta(days=12)]
            elif kind == "dormant":
                dates = [today - timedelta(days=MONTH_DAYS * rng.randint(26, 34))]
            else:
                # in days, not calendar months: the same story whatever the
                # day of the install (the gaps between orders, hence the
                # learned reorder intervals, do not move with month lengths)
                step, _size = RHYTHM[kind]
                dates, day = [], today - timedelta(days=MONTH_DAYS * 36)
                while day < today:
                    day += timedelta(days=MONTH_DAYS * step + rng.randint(-8, 8))
                    if day < today:
                        dates.append(day)
            size = RHYTHM.get(kind, (0, 1.0))[1]
            for day in dates:
                lines = [
                    fields.Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": max(1, round(rng.uniform(1, 4) * size)),
                        }
                    )
                    for product in rng.sample(products, rng.randint(1, 3))
                ]
                order_vals.append(
                    {
                        "partner_id": partner.id,
                        "user_id": partner.user_id.id,
                        "order_line": lines,
                    }
                )
                order_dates.append(day)
            mix = CONTACT_MIX[kind]
            contacts = {"key": 14, "fan": 8, "regular": 4, "dormant": 1, "new": 1}[kind]
            for n in range(contacts):
                type_xmlid = mix[min(int(rng.expovariate(1.2)), len(mix) - 1)]
                when = now - relativedelta(days=rng.randint(3, 700), hours=n)
                touchpoint_vals.append(
                    {
                        "partner_id": partner.id,
                        "type_id": env.ref(
                            f"customer_followup.touchpoint_type_{type_xmlid}"
                        ).id,
                        "date": when,
                        "user_id": partner.user_id.id,
                        "summary": self._demo_summary(type_xmlid, partner.user_id),
                    }
                )
        orders = env["sale.order"].create(order_vals)
        orders.action_confirm()
        for order, day in zip(orders, order_dates, strict=True):
            order.date_order = fields.Datetime.to_datetime(day) + relativedelta(
                hours=10
            )
        env["customer.touchpoint"].create(touchpoint_vals)
        self._populate_installed_base(partners, rng, today)
        self._populate_durable_history(partners[3:11], orders)
        self._populate_control_draws(partners, today)
        self._populate_campaigns(partners, today)
        env["customer.reorder.interval"]._compute_reorder_intervals(today)
        return True

    def _populate_durable_history(self, partners, orders):
        """Water purifiers sold two years before each customer's first order
        of the story (outside the scoring window: tiers and reorder intervals
        stay as they are; the anniversary of "customer since" keeps its day),
        and their filter cartridge bought about six months later by five of
        the eight buyers: what Rule Suggestions proposes."""
        env = self.env
        purifier = env.ref("customer_followup.demo_product_water_purifier")
        cartridge = env.ref("customer_followup.demo_product_water_cartridge")
        first_orders = {}
        for order in orders:
            day = order.date_order
            first_orders[order.partner_id] = min(
                first_orders.get(order.partner_id, day), day
            )
        cartridge_days = [170, 178, 185, 192, 205]
        sales = []
        for index, partner in enumerate(partners):
            bought = first_orders[partner] - relativedelta(years=2)
            sales.append((partner, purifier, bought))
            if index < len(cartridge_days):
                sales.append(
                    (
                        partner,
                        cartridge,
                        bought + relativedelta(days=cartridge_days[index]),
                    )
                )
        history = env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "user_id": partner.user_id.id,
                    "order_line": [fields.Command.create({"product_id": product.id})],
                }
                for partner, product, _day in sales
            ]
        )
        history.action_confirm()
        for order, (_partner, _product, day) in zip(history, sales, strict=True):
            order.date_order = day
        env["product.consumable.rule.suggestion"]._suggest_for_company(env.company)

    def _populate_installed_base(self, customers, rng, today):
        """Pressure cookers bought over the last five years, some gaskets
        already re-ordered: the replacement pipeline has a history. Two
        cookers bought elsewhere were registered by hand; one sold through a
        confirmed order registers itself."""
        env = self.env
        cooker = env.ref("customer_followup.product_pressure_cooker")
        gasket = env.ref("customer_followup.product_pressure_cooker_gasket")
        partners = customers[:12]
        # 59 months: the safety valve (every 60 months) is due, by postcard
        months_ago = [30, 26, 25, 23, 14, 40, 50, 27, 22, 59, 61, 12]
        registrations = [
            {
                "partner_id": partner.id,
                "product_id": cooker.id,
                "serial": f"PC600-{rng.randint(1000, 9999)}",
                "purchase_date": today - relativedelta(months=months, days=3),
            }
            for partner, months in zip(partners, months_ago, strict=True)
        ]
        registrations += [
            {
                "partner_id": customers[13].id,
                "product_id": cooker.id,
                "serial": "PC600-2301-0042",
                "purchase_date": today - relativedelta(months=23, days=10),
                "note": "百貨店で購入、お電話で登録。",
            },
            {
                "partner_id": customers[14].id,
                "product_id": cooker.id,
                "purchase_date": today - relativedelta(months=59, days=5),
            },
        ]
        # the izakaya's older cooker, ten years old: its gasket (every 24
        # months) and valve (every 60) are due together, one reminder
        registrations.append(
            {
                "partner_id": customers[5].id,
                "product_id": cooker.id,
                "serial": "PC600-1612-0007",
                "purchase_date": today - relativedelta(months=120, days=-20),
            }
        )
        portal_partner = env.ref("base.partner_demo_portal", raise_if_not_found=False)
        if portal_partner:
            portal_partner.company_id = env.company
            registrations.append(
                {
                    "partner_id": portal_partner.id,
                    "product_id": cooker.id,
                    "serial": "PC600-2412-0815",
                    "purchase_date": today - relativedelta(months=23, days=10),
                }
            )
        env["customer.product.registration"].create(registrations)
        sold = env["sale.order"].create(
            {
                "partner_id": customers[16].id,
                "user_id": customers[16].user_id.id,
                "order_line": [fields.Command.create({"product_id": cooker.id})],
            }
        )
        sold.action_confirm()
        reorders = env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "user_id": partner.user_id.id,
                    "order_line": [
                        fields.Command.create(
                            {"product_id": gasket.id, "product_uom_qty": 1}
                        )
                    ],
                }
                for partner in partners[:3]
            ]
        )
        reorders.action_confirm()
        # one moment for the four orders of today: each confirmation dates
        # its order to the second, and when a second ticks between them the
        # customers' recency ranks (hence the tiers the README quotes) differ
        (sold | reorders).date_order = sold.date_order

    def _demo_summary(self, kind, user):
        english, japanese = SUMMARIES[kind]
        return japanese if user.lang == "ja_JP" else english

    def _populate_control_draws(self, partners, today):
        """Last spring's control group: the fans and regulars due then, two
        of them left uncontacted for 90 days; too few to conclude, as the
        comparison says. The control group itself stays off."""
        drawn_on = today - relativedelta(days=200)
        Control = self.env["customer.followup.control"]
        period_start = Control._period_start(drawn_on, 90)
        customers = [
            partner
            for partner, (_name, _slug, kind, _city, _lang) in zip(
                partners, DEMO_CUSTOMERS, strict=True
            )
            if kind in ("fan", "regular")
        ]
        Control.sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": self.env.company.id,
                    "date": drawn_on,
                    "date_to": drawn_on + relativedelta(days=89),
                    "period_start": period_start,
                    "in_control": partner.email
                    in {f"contact@{slug}.example.com" for slug in CONTROL},
                }
                for partner in customers
            ]
        )
        self.env["customer.followup.effect.report"]._refresh()
