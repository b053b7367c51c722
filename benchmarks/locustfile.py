"""The load of `make loadtest` (Locust, run by scripts/loadtest.sh in its own
venv): salespeople on the web client (JSON-RPC, as the web client calls it)
and portal customers on their pages, each logged in with their own account
(benchmarks/loadtest_prepare.py made them), spread over the HTTP servers.

- a salesperson opens the overview, My Day or the follow-up list, opens
  customers, logs contacts, marks activities done, previews a campaign;
- a portal customer opens My Products, registers a product, opens the
  reminder quotation by its short code and signs it.

Settings (environment): LOADTEST_USERS_FILE (logins, passwords, codes),
LOADTEST_HOSTS (the HTTP servers, one user in turn on each),
LOADTEST_RESULTS (the ids made and signed, for loadtest_check.py),
LOADTEST_MAX_REQUESTS (stop after that many requests), LOADTEST_SALESPEOPLE
and LOADTEST_PORTAL (how many of each: -u is their sum).
"""

import base64
import datetime
import itertools
import json
import os
import random
import re
import struct
import xml.etree.ElementTree as ET
import zlib
from collections import Counter

from locust import HttpUser, between, events, task

USERS = json.load(open(os.environ["LOADTEST_USERS_FILE"], encoding="utf-8"))
HOSTS = os.environ.get("LOADTEST_HOSTS", "").split()
HOST_CYCLE = itertools.cycle(HOSTS) if HOSTS else None
MAX_REQUESTS = int(os.environ.get("LOADTEST_MAX_REQUESTS") or 0)
# think time between two actions, seconds (min max)
WAIT_SALES = [float(x) for x in os.environ.get("LOADTEST_WAIT_SALES", "10 30").split()]
WAIT_PORTAL = [
    float(x) for x in os.environ.get("LOADTEST_WAIT_PORTAL", "30 90").split()
]
CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
PRODUCT_RE = re.compile(r'<option[^>]*value="(\d+)"')
ORDER_RE = re.compile(r"/my/orders/(\d+)")

# what the load made, for the checks afterwards
RESULTS = {"touchpoints": [], "signed_orders": [], "registrations": []}
ERRORS = Counter()
REQUESTS = {"count": 0}
SALES_LOGINS = itertools.cycle(USERS["salespeople"])
PORTAL_ACCOUNTS = itertools.cycle(USERS["portal"])


@events.request.add_listener
def count_requests(**_kwargs):
    REQUESTS["count"] += 1
    if MAX_REQUESTS and REQUESTS["count"] == MAX_REQUESTS:
        runner = RUNNER.get("runner")
        if runner:
            runner.quit()


RUNNER = {}


@events.init.add_listener
def keep_runner(environment, **_kwargs):
    RUNNER["runner"] = environment.runner


@events.quitting.add_listener
def write_results(**_kwargs):
    path = os.environ.get("LOADTEST_RESULTS")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump({**RESULTS, "errors": dict(ERRORS)}, out, indent=1)


def signature_png():
    """A small PNG, as the signature pad sends (base64, no data: prefix)."""
    width, height = 40, 10
    raw = b"".join(b"\x00" + bytes([0, 0, 0, 255] * width) for _ in range(height))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return base64.b64encode(png).decode()


SIGNATURE = signature_png()


def spec_from_arch(arch, models, model):
    """The specification the web client reads a view's records with."""

    def field_spec(node, model):
        spec = {}
        fields = models[model]["fields"]
        for child in node:
            if child.tag != "field":
                spec.update(field_spec(child, model))
                continue
            field = fields.get(child.get("name"))
            if not field:
                continue
            if field["type"] in ("many2one", "many2one_reference") and field.get(
                "relation"
            ):
                spec[child.get("name")] = {"fields": {"display_name": {}}}
            elif field["type"] in ("one2many", "many2many"):
                sub = next((c for c in child if c.tag in ("list", "kanban")), None)
                if sub is not None and field["relation"] in models:
                    spec[child.get("name")] = {
                        "fields": field_spec(sub, field["relation"]),
                        "limit": int(sub.get("limit") or 40),
                        "order": "",
                    }
                else:
                    spec[child.get("name")] = {"fields": {"display_name": {}}}
            else:
                spec[child.get("name")] = {}
        return spec

    return field_spec(ET.fromstring(arch), model)


class OdooUser(HttpUser):
    abstract = True

    def __init__(self, environment):
        if HOST_CYCLE:
            self.host = next(HOST_CYCLE)
        super().__init__(environment)
        self.client.verify = False

    def rpc(self, path, params, name):
        """A JSON-RPC call; an error answered with HTTP 200 fails it too."""
        body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
        with self.client.post(
            path, json=body, name=name, catch_response=True, timeout=300
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return None
            try:
                answer = response.json()
            except ValueError:
                response.failure("not JSON")
                return None
            if answer.get("error"):
                error = answer["error"].get("data", {})
                kind = error.get("name", "error").rsplit(".", 1)[-1]
                ERRORS[f"{name}: {kind}"] += 1
                response.failure(f"{kind}: {error.get('message', '')[:200]}")
                return None
            return answer.get("result")


class Salesperson(OdooUser):
    """A salesperson on the web client; half of them limited to their own
    customers (loadtest_prepare.py)."""

    fixed_count = int(os.environ.get("LOADTEST_SALESPEOPLE") or 50)
    wait_time = between(*WAIT_SALES)

    def call(self, model, method, args, kwargs=None, name=None):
        kwargs = dict(kwargs or {})
        kwargs.setdefault("context", {})
        kwargs["context"] = {**self.odoo_context, **kwargs["context"]}
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
            name or f"{model}.{method}",
        )

    def on_start(self):
        self.login = next(SALES_LOGINS)
        self.odoo_context = {"lang": "en_US", "tz": "Asia/Tokyo"}
        user = self.rpc(
            "/web/session/authenticate",
            {
                "db": os.environ.get("LOADTEST_DB_NAME", ""),
                "login": self.login,
                "password": USERS["password"],
            },
            "login (salesperson)",
        )
        if not user:
            self.stop()
            return
        self.uid = user["uid"]
        self.odoo_context = user.get("user_context") or self.odoo_context
        self.specs = {}
        for model, view_type, view_ref in (
            (
                "res.partner",
                "list",
                "customer_followup.view_partner_list_customer_followup",
            ),
            ("res.partner", "form", None),
            ("customer.followup.my.day", "kanban", None),
        ):
            context = {"list_view_ref": view_ref} if view_ref else {}
            views = self.call(
                model,
                "get_views",
                [],
                {
                    "views": [[False, view_type], [False, "search"]],
                    "options": {},
                    "context": context,
                },
                name=f"get_views {model} {view_type}",
            )
            if views:
                self.specs[(model, view_type)] = spec_from_arch(
                    views["views"][view_type]["arch"], views["models"], model
                )
        self.customer_ids = []

    @task(3)
    def overview(self):
        self.call("customer.followup.overview", "get_overview", [], name="overview")

    @task(3)
    def my_day(self):
        spec = self.specs.get(("customer.followup.my.day", "kanban"))
        if spec is not None:
            self.call(
                "customer.followup.my.day",
                "web_search_read",
                [],
                {
                    "domain": [["user_id", "=", self.uid]],
                    "specification": spec,
                    "limit": 80,
                    "count_limit": 10001,
                },
                name="My Day",
            )

    @task(3)
    def followup_list(self):
        spec = self.specs.get(("res.partner", "list"))
        if spec is None:
            return
        page = self.call(
            "res.partner",
            "web_search_read",
            [],
            {
                "domain": [
                    ["followup_tier_id", "!=", False],
                    ["user_id", "=", self.uid],
                ],
                "specification": spec,
                "order": "next_followup_date ASC",
                "offset": random.choice((0, 0, 80)),
                "limit": 80,
                "count_limit": 10001,
            },
            name="follow-up list",
        )
        if page and page["records"]:
            self.customer_ids = [record["id"] for record in page["records"]]

    def some_customer(self):
        if not self.customer_ids:
            self.followup_list()
        return random.choice(self.customer_ids) if self.customer_ids else None

    @task(4)
    def open_customer(self):
        spec = self.specs.get(("res.partner", "form"))
        partner_id = self.some_customer()
        if spec is not None and partner_id:
            self.call(
                "res.partner",
                "web_read",
                [[partner_id]],
                {"specification": spec},
                name="customer form",
            )

    @task(2)
    def log_contact(self):
        partner_id = self.some_customer()
        if not partner_id:
            return
        action = self.call(
            "res.partner",
            "action_log_touchpoint",
            [[partner_id]],
            name="log contact (dialog)",
        )
        if not action:
            return
        saved = self.call(
            "customer.touchpoint",
            "web_save",
            [
                [],
                {
                    "partner_id": partner_id,
                    "type_id": random.choice(USERS["touchpoint_type_ids"]),
                    "summary": "Load test: talked about the next order",
                },
            ],
            {"context": action["context"], "specification": {"display_name": {}}},
            name="log contact (save)",
        )
        if saved:
            RESULTS["touchpoints"].append(saved[0]["id"])

    @task(2)
    def activity_done(self):
        activities = self.call(
            "mail.activity",
            "search_read",
            [[["user_id", "=", self.uid], ["res_model", "=", "res.partner"]], ["id"]],
            {"limit": 20, "order": "date_deadline ASC"},
            name="activities (mine)",
        )
        if activities:
            self.call(
                "mail.activity",
                "action_feedback",
                [[random.choice(activities)["id"]]],
                {"feedback": "Done (load test)"},
                name="activity done",
            )

    @task(1)
    def campaign_preview(self):
        """The campaign's form as a salesperson opens it (read only): its
        preview, computed on the fly for every customer of its audience; a
        salesperson limited to their own documents does not see the
        manager's campaigns (the addon's record rules)."""
        if self.login in USERS["own_documents_only"]:
            return
        self.call(
            "customer.followup.campaign",
            "web_read",
            [[USERS["campaign_id"]]],
            {"specification": {"display_name": {}, "preview_html": {}}},
            name="campaign preview",
        )


class PortalCustomer(OdooUser):
    """A customer in the portal: My Products, a product registered, the
    reminder's quotation opened by its short code, and signed."""

    fixed_count = int(os.environ.get("LOADTEST_PORTAL") or 200)
    wait_time = between(*WAIT_PORTAL)

    def on_start(self):
        account = next(PORTAL_ACCOUNTS)
        self.codes = list(account["codes"])
        self.unsigned = {}  # code -> (order id, access token)
        # a refused login (the CSRF check failing under a login storm) is a
        # failure; the customer tries again, as a person would
        for _attempt in range(3):
            page = self.client.get("/web/login", name="login page (portal)")
            csrf = CSRF_RE.search(page.text or "")
            answer = self.client.post(
                "/web/login",
                data={
                    "login": account["login"],
                    "password": USERS["password"],
                    "csrf_token": csrf.group(1) if csrf else "",
                    "redirect": "/my",
                },
                name="login (portal)",
            )
            if answer.ok and "/web/login" not in answer.url:
                break
        self.csrf = None
        self.products = []

    @task(4)
    def my_products(self):
        with self.client.get(
            "/my/products", name="My Products", catch_response=True
        ) as page:
            if "/web/login" in page.url:
                page.failure("not logged in")
                return
        if page.ok:
            csrf = CSRF_RE.search(page.text)
            self.csrf = csrf.group(1) if csrf else self.csrf
            self.products = PRODUCT_RE.findall(page.text) or self.products

    @task(1)
    def register_product(self):
        if not self.csrf or not self.products:
            self.my_products()
        if not self.csrf or not self.products:
            return
        serial = f"LT{random.getrandbits(40):010X}"
        bought = datetime.date.today() - datetime.timedelta(days=random.randint(1, 700))
        with self.client.post(
            "/my/products/register",
            data={
                "csrf_token": self.csrf,
                "product_id": random.choice(self.products),
                "purchase_date": bought.isoformat(),
                "serial": serial,
            },
            name="register a product",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif "message=registered" in response.url:
                RESULTS["registrations"].append(serial)
            else:
                # refused with a message (the daily limit): a page, no error
                ERRORS["register a product: refused"] += 1

    @task(3)
    def open_quotation(self):
        if not self.codes:
            return
        code = random.choice(self.codes)
        with self.client.get(
            f"/q/{code}", name="/q/<code>", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 410:  # signed: the offer is closed
                response.success()
                return
            if response.status_code not in (301, 302, 303):
                response.failure(f"HTTP {response.status_code}")
                return
            target = response.headers.get("Location", "")
        page = self.client.get(target, name="/my/orders/<id> (quotation)")
        found = ORDER_RE.search(page.url)
        token = re.search(r"access_token=([\w-]+)", target)
        if page.ok and found and token:
            self.unsigned[code] = (int(found.group(1)), token.group(1))

    @task(1)
    def sign(self):
        if not self.unsigned:
            self.open_quotation()
        if not self.unsigned:
            return
        code, (order_id, token) = next(iter(self.unsigned.items()))
        result = self.rpc(
            f"/my/orders/{order_id}/accept",
            {
                "access_token": token,
                "name": "Load Test Customer",
                "signature": SIGNATURE,
            },
            "sign the quotation",
        )
        if result is None:
            return
        del self.unsigned[code]
        if result.get("error"):
            ERRORS[f"sign the quotation: {result['error']}"] += 1
        else:
            RESULTS["signed_orders"].append(order_id)
