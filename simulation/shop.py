"""The generated shop: a Japanese company (Asia/Tokyo) with salespeople,
customers in segments, durable products with replacement rules, a
replenishable product, a yearly budget of handwritten postcards and the
control group on. Everything through the ORM; the order history of the two
years before the start is made by the engine's own order function, on the
frozen clock of each day."""

from datetime import timedelta

from odoo import Command

TZ = "Asia/Tokyo"
HISTORY_DAYS = 400
# the regulars' habit shows in their last half year
REGULAR_HISTORY_DAYS = 150
CATALOGUE = [
    # (name, default_code, price, role)
    ("Pressure cooker PC-600", "PC-600", 24000.0, "durable"),
    ("Gasket PC-600-GK", "PC-600-GK", 1800.0, "part"),
    ("Valve PC-600-VL", "PC-600-VL", 1200.0, "part2"),
    ("Coffee beans 500 g", "CB-500", 1600.0, "replenishable"),
    ("Chef knife", "KN-210", 9800.0, "other"),
    ("Kitchen towels", "KT-10", 900.0, "other"),
    ("Cutting board", "CB-40", 4200.0, "other"),
    ("Tea kettle", "TK-1", 6400.0, "other"),
]


def salesperson_count(customers):
    return max(2, min(10, customers // 250))


def postcard_capacity(customers):
    """Handwritten postcards per salesperson and month: 80 for a
    2,000-customer shop (the capacity of DOMAIN.md), at least 6."""
    return max(6, customers // 25)


def postcard_budget(customers):
    """The yearly budget of handwritten postcards: 1,000 for 2,000
    customers."""
    return max(20, customers // 2)


def setup_company(env, options):
    company = env.ref("base.main_company")
    company.partner_id.tz = TZ
    company.write(
        {
            "name": "Sim Kitchen Shop",
            "followup_tz": TZ,
            "followup_control_enabled": options.control,
            "followup_control_share": 30.0,
            "followup_control_days": 60,
            "followup_control_seed": options.seed,
            "followup_control_tier_ids": [
                Command.set(
                    [
                        env.ref("customer_followup.customer_tier_b").id,
                        env.ref("customer_followup.customer_tier_c").id,
                    ]
                )
            ],
        }
    )
    env.ref("base.user_admin").write({"tz": TZ})
    env.ref("base.user_root").write({"tz": TZ})
    postcard = env.ref("customer_followup.touchpoint_type_postcard")
    postcard.write(
        {
            "capacity_per_user_month": postcard_capacity(options.customers),
            # broken budget: a budget so small that it binds at once
            "yearly_budget": 5
            if options.broken == "budget"
            else postcard_budget(options.customers),
        }
    )
    env.ref("customer_followup.touchpoint_type_visit").write(
        {"capacity_per_user_month": max(4, postcard_capacity(options.customers) // 2)}
    )
    # loyal customers get a handwritten postcard: the planner and the
    # campaigns share its capacity and its yearly budget
    env.ref("customer_followup.customer_tier_b").touchpoint_type_id = postcard
    # the occasional buyers get an email now and then (every 180 days)
    env.ref("customer_followup.customer_tier_d").write(
        {
            "cadence_days": 180,
            "touchpoint_type_id": env.ref("customer_followup.touchpoint_type_email").id,
        }
    )
    return company


def setup_salespeople(env, options):
    group = env.ref("sales_team.group_sale_salesman")
    users = env["res.users"]
    for number in range(salesperson_count(options.customers)):
        users |= (
            env["res.users"]
            .with_context(no_reset_password=True, mail_create_nosubscribe=True)
            .create(
                {
                    "name": f"Salesperson {number + 1}",
                    "login": f"sim_sales_{number + 1}",
                    "email": f"sales{number + 1}@sim-shop.example.com",
                    "tz": TZ,
                    "group_ids": [Command.link(group.id)],
                }
            )
        )
    return users


def setup_products(env):
    products = {}
    for name, code, price, role in CATALOGUE:
        products[role if role != "other" else code] = env["product.product"].create(
            {
                "name": name,
                "default_code": code,
                "list_price": price,
                "standard_price": round(price * 0.55),
                "type": "consu",
                "sale_ok": True,
                "followup_durable": role == "durable",
                "followup_replenishable": role == "replenishable",
            }
        )
    printed = env.ref("customer_followup.touchpoint_type_printed_mail")
    call = env.ref("customer_followup.touchpoint_type_call")
    env["product.consumable.rule"].create(
        [
            {
                "product_tmpl_id": products["durable"].product_tmpl_id.id,
                "part_product_id": products["part"].id,
                "interval_months": 12,
                "window_months": 4,
                "lead_days": 21,
                "delivery": "mail",
                "step_ids": [
                    Command.create(
                        {
                            "sequence": 1,
                            "delay_days": 14,
                            "delivery": "print",
                            "touchpoint_type_id": printed.id,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 2,
                            "delay_days": 14,
                            "delivery": "activity",
                            "touchpoint_type_id": call.id,
                        }
                    ),
                ],
            },
            {
                "product_tmpl_id": products["durable"].product_tmpl_id.id,
                "part_product_id": products["part2"].id,
                "interval_months": 18,
                "window_months": 6,
                "lead_days": 14,
                "delivery": "print",
                "touchpoint_type_id": printed.id,
            },
        ]
    )
    return products


def setup_customers(env, options, world, users):
    rng = world.rng
    vals_list = []
    for number in range(options.customers):
        vals_list.append(
            {
                "name": f"Customer {number + 1:05d}",
                "ref": f"SIM{number + 1:05d}",
                "email": f"customer{number + 1}@example.jp",
                "is_company": rng.random() < 0.3,
                "user_id": users[number % len(users)].id,
                "tz": TZ,
                "street": f"{rng.randint(1, 30)}-{rng.randint(1, 20)} Chuo",
                "city": rng.choice(["Tokyo", "Osaka", "Kyoto", "Sendai"]),
                "zip": f"{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
            }
        )
    partners = (
        env["res.partner"]
        .with_context(mail_create_nolog=True, tracking_disable=True)
        .create(vals_list)
    )
    for partner in partners:
        world.new_customer(partner.id, partner.user_id.id)
    return partners


def history_plan(world, start, products):
    """{day: [(customer, [(product role, qty)])]}: the orders of the
    ``HISTORY_DAYS`` days before ``start``, by each customer's habit."""
    rng = world.rng
    plan = {}
    first = start - timedelta(days=HISTORY_DAYS)
    for customer in world.customers.values():
        days = []
        if customer.segment == "regular":
            day = start - timedelta(days=REGULAR_HISTORY_DAYS - rng.randint(0, 20))
            while day < start:
                days.append(day)
                day += timedelta(days=max(3, customer.interval + rng.randint(-5, 5)))
        elif customer.segment == "occasional":
            days = sorted(
                first + timedelta(days=rng.randint(0, HISTORY_DAYS - 1))
                for _ in range(rng.randint(1, 4))
            )
        else:
            days = [first + timedelta(days=rng.randint(0, 120))]
        # a third of the customers bought a pressure cooker in the two
        # years before: their gasket and valve cycles fall due this year
        if rng.random() < 0.33:
            cooker_day = start - timedelta(days=rng.randint(60, 360))
            plan.setdefault(cooker_day, []).append((customer, [("durable", 1)]))
        for day in days:
            plan.setdefault(day, []).append((customer, order_lines(world, customer)))
    return plan


def order_lines(world, customer):
    rng = world.rng
    others = [code for _n, code, _p, role in CATALOGUE if role == "other"]
    if customer.segment == "regular":
        lines = [("replenishable", rng.randint(1, 3))]
        if rng.random() < 0.2:
            lines.append((rng.choice(others), 1))
        return lines
    if rng.random() < 0.05:
        return [("durable", 1)]
    return [(rng.choice(others), rng.randint(1, 2))]
