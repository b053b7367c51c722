"""Fill a customer_followup database with realistic data, fast.

Everything large is written with set-based SQL (``INSERT ... SELECT`` over
``generate_series``, computed in the server: nothing crosses the connection
row by row, as COPY from Python would), with the big tables' secondary
indexes built once at the end and, for a superuser, no foreign-key trigger per
row: 100,000 customers and 1,000,000 order lines take about a minute.
Small reference data (salespeople, products, replacement rules) goes through the
ORM so that every default and computed column is right.

The parts that depend on models still being developed (ABCD tiers, consumables)
are isolated in the ``*_hook`` functions at the end of this file: each checks that
the model or field exists and does nothing otherwise.

Standalone use (the database must have customer_followup installed)::

    python3 benchmarks/generate.py -d bench_x --customers 10000
"""

import argparse
import logging
import time
from contextlib import contextmanager

_logger = logging.getLogger("benchmarks.generate")

# Per-customer defaults of the issue: 100k customers -> 1M lines, 50k
# registrations, 500k touchpoints.
LINES_PER_CUSTOMER = 10
ORDERS_PER_CUSTOMER = 4  # 2.5 lines per order on average
TOUCHPOINTS_PER_CUSTOMER = 5
REGISTRATIONS_PER_CUSTOMER = 0.5
YEARS = 3
SALESPEOPLE = 10
PRODUCTS = 300
MACHINES = 40  # products with a replacement-part rule (plus one part each)
HEAVY_TOUCHPOINTS = 1000  # touchpoints of the customer whose form is timed
DUE_FRACTION = 0.05
BENCH_REF = "BENCH"  # res_partner.ref prefix of generated customers
# loaded with their secondary indexes built at the end (bulk_load)
BULK_TABLES = ("res_partner", "sale_order", "sale_order_line", "customer_touchpoint")

# touchpoint type xml id suffix -> share of the generated touchpoints
TOUCHPOINT_MIX = [
    ("printed_mail", 0.35),
    ("email", 0.25),
    ("call", 0.15),
    ("postcard", 0.10),
    ("letter", 0.08),
    ("visit", 0.07),
]


class Timer:
    def __init__(self):
        self.steps = []

    def __call__(self, label):
        timer = self

        class _Step:
            def __enter__(self):
                self.t0 = time.perf_counter()

            def __exit__(self, *exc):
                if exc[0] is None:
                    elapsed = time.perf_counter() - self.t0
                    timer.steps.append((label, elapsed))
                    _logger.info("generate: %-28s %7.1f s", label, elapsed)

        return _Step()


def table_columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
        [table],
    )
    return {row[0] for row in cr.fetchall()}


def insert_select(cr, table, columns, select_from, params=None):
    """``INSERT INTO table (cols) SELECT exprs <select_from>`` keeping only the
    columns that exist, and checking that no NOT NULL column is left out.

    ``columns`` maps column name -> SQL expression (trusted, built here)."""
    existing = table_columns(cr, table)
    cols = {c: e for c, e in columns.items() if c in existing}
    cr.execute(
        """SELECT column_name FROM information_schema.columns
           WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL""",
        [table],
    )
    missing = {row[0] for row in cr.fetchall()} - set(cols)
    if missing:
        raise RuntimeError(
            f"benchmark generator: {table} has NOT NULL columns it does not fill: "
            f"{sorted(missing)}; add them to benchmarks/generate.py"
        )
    query = "INSERT INTO {} ({}) SELECT {} {}".format(
        table, ", ".join(cols), ", ".join(cols.values()), select_from
    )
    cr.execute(query, {"_bench": 0, **(params or {})})
    return cr.rowcount


# ---------------------------------------------------------------------------
# reference data (ORM)
# ---------------------------------------------------------------------------


def create_salespeople(env, count=SALESPEOPLE):
    group = env.ref("sales_team.group_sale_salesman")
    users = env["res.users"].with_context(no_reset_password=True, tracking_disable=True)
    return users.create(
        [
            {
                "name": f"Bench Salesperson {i:02d}",
                "login": f"bench_sales_{i:02d}",
                "email": f"sales{i:02d}@bench.example.com",
                "group_ids": [(6, 0, [group.id])],
            }
            for i in range(1, count + 1)
        ]
    )


def create_products(env, count=PRODUCTS, machines=MACHINES):
    """Ordinary products, plus ``machines`` machines each with a replacement part.
    Returns (all sold products, [(machine, part)])."""
    products = env["product.product"].with_context(tracking_disable=True)
    vals = []
    for i in range(count):
        price = 10 + (i * 37) % 990
        vals.append(
            {
                "name": f"Bench Product {i:04d}",
                "type": "consu",
                "list_price": price,
                "standard_price": round(price * 0.6, 2),
                "default_code": f"BP{i:04d}",
            }
        )
    sold = products.create(vals)
    pairs = []
    if machines:
        machine_recs = products.create(
            [
                {
                    "name": f"Bench Machine {i:03d}",
                    "type": "consu",
                    "list_price": 500 + 50 * i,
                    "standard_price": 300 + 30 * i,
                    "default_code": f"BM{i:03d}",
                }
                for i in range(machines)
            ]
        )
        part_recs = products.create(
            [
                {
                    "name": f"Bench Filter {i:03d}",
                    "type": "consu",
                    "list_price": 20 + i,
                    "standard_price": 10 + i,
                    "default_code": f"BF{i:03d}",
                }
                for i in range(machines)
            ]
        )
        pairs = list(zip(machine_recs, part_recs, strict=True))
        sold |= machine_recs | part_recs
    return sold, pairs


# ---------------------------------------------------------------------------
# bulk data (SQL)
# ---------------------------------------------------------------------------


def insert_customers(cr, n, user_ids, country_id):
    cr.execute("SELECT setseed(0.19)")
    user_array = "ARRAY[{}]".format(",".join(str(int(u)) for u in user_ids))
    name = "'Bench Customer ' || lpad(g::text, 7, '0')"
    email = "'customer' || g || '@bench.example.com'"
    count = insert_select(
        cr,
        "res_partner",
        {
            "name": name,
            "complete_name": name,
            "commercial_company_name": name,
            "ref": f"'{BENCH_REF}' || g",
            "email": email,
            "email_normalized": email,
            "is_company": "true",
            "active": "true",
            "type": "'contact'",
            "lang": "'en_US'",
            "partner_share": "true",
            "customer_rank": "1",
            "supplier_rank": "0",
            "color": "0",
            "message_bounce": "0",
            "autopost_bills": "'ask'",
            "country_id": "%(country)s",
            "city": "(ARRAY['Tokyo','Osaka','Kyoto','Nagoya','Sapporo','Fukuoka',"
            "'Kobe','Sendai'])[1 + g %% 8]",
            "user_id": f"({user_array})[1 + g %% {len(user_ids)}]",
            "create_uid": "1",
            "write_uid": "1",
            "create_date": (
                f"now() - interval '{YEARS} years' - random() * interval '1 year'"
            ),
            "write_date": "now()",
        },
        "FROM generate_series(1, %(n)s) g",
        {"n": n, "country": country_id},
    )
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id "
        "WHERE commercial_partner_id IS NULL AND ref LIKE %s",
        [BENCH_REF + "%"],
    )
    cr.execute(
        "SELECT min(id), max(id), count(*) FROM res_partner WHERE ref LIKE %s",
        [BENCH_REF + "%"],
    )
    first, last, total = cr.fetchone()
    assert total == count == n and last - first + 1 == n, "non contiguous partner ids"
    return first


def insert_orders(cr, n_customers, first_partner, product_ids, company_id, currency_id):
    """ORDERS_PER_CUSTOMER orders per customer on average, skewed (customers with a
    low index order much more), 1-4 lines each, spread over YEARS years."""
    n_orders = n_customers * ORDERS_PER_CUSTOMER
    cr.execute("SELECT setseed(0.42)")
    cr.execute("DROP TABLE IF EXISTS bench_products")
    cr.execute(
        """CREATE TEMP TABLE bench_products AS
           SELECT row_number() OVER (ORDER BY p.id) AS idx, p.id,
                  t.list_price::numeric AS price
             FROM product_product p JOIN product_template t ON t.id = p.product_tmpl_id
            WHERE p.id = ANY(%s)""",
        [list(product_ids)],
    )
    cr.execute("DROP TABLE IF EXISTS bench_orders")
    # power(random(), 2): the density of customer k is ~ 1/sqrt(k): a few
    # customers buy very often, a long tail buys once or never.
    cr.execute(
        """CREATE TEMP TABLE bench_orders AS
           SELECT g,
                  %(first)s + floor(%(nc)s * power(random(), 2))::int AS partner_id,
                  (now() - random() * interval '%(years)s years')::timestamp(0)
                      AS date_order,
                  1 + floor(random() * 4)::int AS nlines
             FROM generate_series(1, %(no)s) g""",
        {"first": first_partner, "nc": n_customers, "no": n_orders, "years": YEARS},
    )
    cr.execute(
        """SELECT coalesce(max(substring(name FROM 3)::int), 0) FROM sale_order
            WHERE name ~ '^SB[0-9]+$'"""
    )
    offset = cr.fetchone()[0]
    insert_select(
        cr,
        "sale_order",
        {
            "name": "'SB' || lpad((b.g + %(offset)s)::text, 8, '0')",
            "company_id": "%(company)s",
            "currency_id": "%(currency)s",
            "partner_id": "b.partner_id",
            "partner_invoice_id": "b.partner_id",
            "partner_shipping_id": "b.partner_id",
            "user_id": "p.user_id",
            "team_id": "(SELECT min(id) FROM crm_team)",
            "state": "'sale'",
            "invoice_status": "'invoiced'",
            "currency_rate": "1.0",
            "locked": "false",
            "require_signature": "false",
            "require_payment": "false",
            "prepayment_percent": "1",
            "date_order": "b.date_order",
            "validity_date": "(b.date_order + interval '30 days')::date",
            "amount_untaxed": "0",
            "amount_tax": "0",
            "amount_total": "0",
            "create_uid": "coalesce(p.user_id, 1)",
            "write_uid": "1",
            "create_date": "b.date_order",
            "write_date": "b.date_order",
            "origin": "'bench:' || b.nlines",
        },
        "FROM bench_orders b JOIN res_partner p ON p.id = b.partner_id ORDER BY b.g",
        {"offset": offset, "company": company_id, "currency": currency_id},
    )
    cr.execute("SELECT count(*) FROM bench_products")
    n_products = cr.fetchone()[0]
    cr.execute("SELECT setseed(0.7)")
    subtotal = "(bp.price * l.qty)"
    count = insert_select(
        cr,
        "sale_order_line",
        {
            "order_id": "l.order_id",
            "sequence": "10 * l.seq",
            "company_id": "%(company)s",
            "currency_id": "%(currency)s",
            "order_partner_id": "l.partner_id",
            "salesman_id": "l.user_id",
            "product_id": "bp.id",
            "product_uom_id": "(SELECT min(id) FROM uom_uom)",
            "state": "'sale'",
            "qty_delivered_method": "'manual'",
            "invoice_status": "'invoiced'",
            "name": "'Bench product line'",
            "product_uom_qty": "l.qty",
            "price_unit": "bp.price",
            "technical_price_unit": "bp.price",
            "discount": "0",
            "price_subtotal": subtotal,
            "price_total": subtotal,
            "price_tax": "0",
            "price_reduce_taxexcl": "bp.price",
            "price_reduce_taxinc": "bp.price",
            "qty_delivered": "l.qty",
            "qty_invoiced": "l.qty",
            "qty_to_invoice": "0",
            "untaxed_amount_invoiced": subtotal,
            "untaxed_amount_to_invoice": "0",
            "customer_lead": "0",
            "is_downpayment": "false",
            "is_optional": "false",
            "collapse_prices": "false",
            "collapse_composition": "false",
            # sale_margin, when installed
            "purchase_price": "round(bp.price * 0.6, 2)",
            "margin": f"round({subtotal} * 0.4, 2)",
            "margin_percent": "0.4",
            "create_uid": "1",
            "write_uid": "1",
            "create_date": "l.date_order",
            "write_date": "l.date_order",
        },
        """FROM (SELECT o.id AS order_id, o.partner_id, o.user_id, o.date_order,
                        s AS seq, 1 + floor(random() * 5)::int AS qty,
                        1 + floor(random() * %(np)s)::int AS pidx
                   FROM sale_order o
                   CROSS JOIN LATERAL generate_series(
                       1, substring(o.origin FROM 7)::int) s
                  WHERE o.origin LIKE 'bench:%%') l
           JOIN bench_products bp ON bp.idx = l.pidx""",
        {"company": company_id, "currency": currency_id, "np": n_products},
    )
    cr.execute(
        """UPDATE sale_order o
              SET amount_untaxed = s.total, amount_total = s.total, origin = NULL
             FROM (SELECT order_id, sum(price_subtotal) AS total
                     FROM sale_order_line GROUP BY order_id) s
            WHERE s.order_id = o.id AND o.origin LIKE 'bench:%'"""
    )
    return n_orders, count


def insert_touchpoints(cr, n_customers, first_partner, type_ids, company_id):
    """TOUCHPOINTS_PER_CUSTOMER per customer over YEARS years, plus
    HEAVY_TOUCHPOINTS for the first customer (the one whose form is timed)."""
    cr.execute("SELECT setseed(0.3)")
    bounds, acc = [], 0.0
    for xmlid, share in TOUCHPOINT_MIX:
        acc += share
        bounds.append((acc, type_ids[xmlid]))
    case = (
        "CASE "
        + " ".join(f"WHEN r < {b:.4f} THEN {tid}" for b, tid in bounds[:-1])
        + f" ELSE {bounds[-1][1]} END"
    )
    select = f"""FROM (SELECT x.partner_id, x.date, {case} AS type_id
                         FROM (SELECT %(first)s + (g - 1) / %(per)s AS partner_id,
                                      random() AS r,
                                      (now() - interval '1 hour'
                                       - random() * interval '{YEARS} years'
                                      )::timestamp(0) AS date
                                 FROM generate_series(1, %(total)s) g
                               UNION ALL
                               SELECT %(first)s, random(),
                                      (now() - interval '1 hour'
                                       - random() * interval '{YEARS} years'
                                      )::timestamp(0)
                                 FROM generate_series(1, %(heavy)s)) x) t
                JOIN res_partner p ON p.id = t.partner_id
                JOIN customer_touchpoint_type tt ON tt.id = t.type_id"""
    count = insert_select(
        cr,
        "customer_touchpoint",
        {
            "partner_id": "t.partner_id",
            "type_id": "t.type_id",
            "channel": "tt.channel",
            "weight": "tt.weight",
            "user_id": "p.user_id",
            "company_id": "%(company)s",
            "origin": "CASE WHEN tt.channel IN ('printed_mail', 'email') "
            "THEN 'mailing' ELSE 'activity' END",
            "direction": "'outbound'",
            "summary": "'Bench ' || tt.channel",
            "date": "t.date",
            "create_uid": "coalesce(p.user_id, 1)",
            "write_uid": "1",
            "create_date": "t.date",
            "write_date": "t.date",
        },
        select,
        {
            "first": first_partner,
            "per": TOUCHPOINTS_PER_CUSTOMER,
            "total": n_customers * TOUCHPOINTS_PER_CUSTOMER,
            "heavy": HEAVY_TOUCHPOINTS,
            "company": company_id,
        },
    )
    sync_last_touchpoint(cr)
    return count


def sync_last_touchpoint(cr):
    # the customers have no tier yet: every contact by us counts
    cr.execute(
        """UPDATE res_partner p SET last_touchpoint_date = t.last,
                                    last_cadence_contact_date = t.last_ours
             FROM (SELECT partner_id, max(date) AS last,
                          max(date) FILTER (WHERE direction = 'outbound')
                              AS last_ours
                     FROM customer_touchpoint GROUP BY partner_id) t
            WHERE t.partner_id = p.id"""
    )


@contextmanager
def bulk_load(cr, tables, timer):
    """Load ``tables`` fast: their secondary indexes are dropped and built
    again at the end (one sorted build each instead of millions of inserts
    into indexes larger than the shared buffers), and, when the role may (a
    superuser), the foreign keys are not checked row by row (the generated
    rows reference existing rows by construction)."""
    cr.execute(
        """SELECT i.indexname, i.indexdef
             FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
              AND i.indexdef NOT LIKE 'CREATE UNIQUE %%'
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                               WHERE c.conname = i.indexname)""",
        [list(tables)],
    )
    indexes = cr.fetchall()
    for name, _definition in indexes:
        cr.execute(f'DROP INDEX "{name}"')
    cr.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    superuser = cr.fetchone()[0]
    if superuser:
        cr.execute("SET LOCAL session_replication_role = replica")
    try:
        yield
    finally:
        if superuser:
            cr.execute("SET LOCAL session_replication_role = origin")
        cr.execute("SET LOCAL maintenance_work_mem = '512MB'")
        with timer("indexes built"):
            for _name, definition in indexes:
                cr.execute(definition)


# ---------------------------------------------------------------------------
# entry point
# ---------------------------------------------------------------------------


def generate(env, customers):
    """Generate everything for ``customers`` customers; commits at the end.
    Returns a dict of counts and per-part timings."""
    cr = env.cr
    timer = Timer()
    t0 = time.perf_counter()
    company = env.ref("base.main_company")
    with timer("salespeople+products (ORM)"):
        users = create_salespeople(env)
        machines = MACHINES if consumables_installed(env) else 0
        products, pairs = create_products(env, machines=machines)
        env.flush_all()
    type_ids = {
        xmlid: env.ref(f"customer_followup.touchpoint_type_{xmlid}").id
        for xmlid, _share in TOUCHPOINT_MIX
    }
    with bulk_load(cr, BULK_TABLES, timer):
        with timer("customers"):
            first = insert_customers(cr, customers, users.ids, env.ref("base.jp").id)
        with timer("orders+lines"):
            n_orders, n_lines = insert_orders(
                cr, customers, first, products.ids, company.id, company.currency_id.id
            )
        with timer("touchpoints"):
            n_touchpoints = insert_touchpoints(
                cr, customers, first, type_ids, company.id
            )
    n_registrations = 0
    with timer("registrations (if installed)"):
        n_registrations = registrations_hook(env, customers, first, pairs, company)
    with timer("analyze"):
        env.invalidate_all()
        cr.execute("ANALYZE")
    cr.commit()
    return {
        "customers": customers,
        "first_partner_id": first,
        "heavy_partner_id": first,
        "orders": n_orders,
        "order_lines": n_lines,
        "touchpoints": n_touchpoints,
        "registrations": n_registrations,
        "seconds": round(time.perf_counter() - t0, 1),
        "parts": {label: round(s, 1) for label, s in timer.steps},
    }


# ---------------------------------------------------------------------------
# hooks for the models being developed in other branches: adapt here
# ---------------------------------------------------------------------------

RULE_MODEL = "product.consumable.rule"
REGISTRATION_MODEL = "customer.product.registration"
REPLACEMENT_MODEL = "customer.replacement"
# the reminder intervals of the generated rules, months
RULE_INTERVALS = [3, 6, 12, 24]


def consumables_installed(env):
    return RULE_MODEL in env and REGISTRATION_MODEL in env


def create_rules(env, pairs, company):
    """One rule per machine: replace its filter every 3-24 months."""
    Rule = env[RULE_MODEL]
    fields = Rule._fields
    vals_list = []
    for i, (machine, part) in enumerate(pairs):
        vals = {
            "product_tmpl_id": machine.product_tmpl_id.id,
            "part_product_id": part.id,
            "interval_months": RULE_INTERVALS[i % len(RULE_INTERVALS)],
            "window_months": 2,
            "lead_days": 14,
            "quantity": 1,
            "company_id": company.id,
        }
        if "channel" in fields and fields["channel"].type == "selection":
            channels = [
                key for key, _label in fields["channel"]._description_selection(env)
            ]
            vals["channel"] = "email" if "email" in channels else channels[0]
        vals_list.append({k: v for k, v in vals.items() if k in fields})
    return Rule.create(vals_list)


def registrations_hook(env, customers, first_partner, pairs, company):
    """REGISTRATIONS_PER_CUSTOMER registrations of machines with a rule; purchase
    dates chosen so that DUE_FRACTION of the first cycles are due for a reminder
    today and the others later. Returns the number of registrations (0 when the
    consumables models are not installed)."""
    if not consumables_installed(env) or not pairs:
        return 0
    rules = create_rules(env, pairs, company)
    env.flush_all()
    cr = env.cr
    cr.execute("DROP TABLE IF EXISTS bench_rules")
    cr.execute(
        "CREATE TEMP TABLE bench_rules (idx int, product_id int, interval_months int,"
        " lead_days int)"
    )
    for idx, (rule, (machine, _part)) in enumerate(zip(rules, pairs, strict=True)):
        cr.execute(
            "INSERT INTO bench_rules VALUES (%s, %s, %s, %s)",
            [
                idx,
                machine.id,
                getattr(rule, "interval_months", 12) or 12,
                getattr(rule, "lead_days", 14) or 0,
            ],
        )
    n = int(customers * REGISTRATIONS_PER_CUSTOMER)
    cr.execute("SELECT setseed(0.5)")
    # due: the first reminder (purchase + interval - lead) fell in the last 20
    # days; not due: it falls between tomorrow and one interval from now.
    purchase = f"""CASE WHEN random() < {DUE_FRACTION}
        THEN (current_date - make_interval(months => r.interval_months)
              + make_interval(days => r.lead_days))::date
             - (floor(random() * 20))::int
        ELSE (current_date - make_interval(months => r.interval_months)
              + make_interval(days => r.lead_days + 1))::date
             + (floor(random() * (28 * r.interval_months - r.lead_days - 2)))::int
        END"""
    columns = {
        "partner_id": f"{first_partner} + (g - 1) * 2",
        "product_id": "r.product_id",
        "serial": "'BSN' || lpad(g::text, 8, '0')",
        "purchase_date": f"least(({purchase})::date, current_date)",
        "quantity": "1",
        "state": "'active'",
        "origin": "'manual'",
        "company_id": str(int(company.id)),
        "active": "true",
        "create_uid": "1",
        "write_uid": "1",
        "create_date": "now()",
        "write_date": "now()",
    }
    table = env[REGISTRATION_MODEL]._table
    count = insert_select(
        cr,
        table,
        columns,
        f"""FROM generate_series(1, %(n)s) g
            JOIN bench_rules r ON r.idx = g %% {len(pairs)}""",
        {"n": n},
    )
    plan_cycles_hook(env)
    return count


def plan_cycles_hook(env):
    """Create the replacement cycles of the generated registrations with the
    addon's own planning method when there is one."""
    if REPLACEMENT_MODEL not in env:
        return
    registrations = env[REGISTRATION_MODEL].search([("serial", "=like", "BSN%")])
    for method in (
        "_plan_first_cycles",
        "_plan_replacements",
        "_plan_cycles",
        "_generate_replacements",
        "action_plan_replacements",
    ):
        if hasattr(registrations, method):
            for start in range(0, len(registrations), 5000):
                getattr(registrations[start : start + 5000], method)()
                env.flush_all()
                env.invalidate_all()
            return
    _logger.warning(
        "generate: no cycle planning method found on %s: adapt plan_cycles_hook",
        REGISTRATION_MODEL,
    )


def main():
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--addons-path", default=None)
    args = parser.parse_args()
    odoo_args = ["-d", args.database, "--log-level=warn"]
    if args.addons_path:
        odoo_args.append(f"--addons-path={args.addons_path}")
    odoo.tools.config.parse_config(odoo_args)
    logging.getLogger("benchmarks").setLevel(logging.INFO)
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        print(generate(env, args.customers))


if __name__ == "__main__":
    main()
