"""Check the reference deployment of scripts/cluster.sh: log in on the first
HTTP server, open the addon's read screens over JSON-RPC on both (the session
is shared through the data_dir), then show which server ran their queries:
the replica's and the primary's pg_stat_statements, reset before. Fails when
the replica ran none of them, or when an Odoo log shows a read-only request
retried on the primary.

Usage: python3 scripts/cluster_check.py --db DB --primary-port P
       --replica-port R --logs DIR HTTP_PORT [HTTP_PORT...]
(PGHOST and PGUSER name the clusters' socket folder and role.)
"""

import argparse
import http.cookiejar
import json
import pathlib
import sys
import urllib.error
import urllib.request

import psycopg2

RETRY = "retrying with a read/write cursor"
# a query of the overview only (its tiers' yearly points)
OVERVIEW_QUERY = '%SUM("customer_touchpoint"."weight")%'


def stats(port, db, reset=False):
    with psycopg2.connect(dbname=db, port=port) as cnx, cnx.cursor() as cr:
        if reset:
            cr.execute("SELECT pg_stat_statements_reset()")
            return None
        cr.execute(
            """SELECT coalesce(sum(calls) FILTER (WHERE query ILIKE %s), 0),
                      coalesce(sum(calls) FILTER (WHERE query ILIKE 'select%%'), 0)
                 FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
                WHERE d.datname = current_database()""",
            [OVERVIEW_QUERY],
        )
        return cr.fetchone()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    def __init__(self, jar, port):
        self.base = f"http://127.0.0.1:{port}"
        cookies = urllib.request.HTTPCookieProcessor(jar)
        self.opener = urllib.request.build_opener(cookies)
        self.page_opener = urllib.request.build_opener(cookies, NoRedirect)

    def json(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params})
        request = urllib.request.Request(
            self.base + path,
            body.encode(),
            {"Content-Type": "application/json"},
        )
        with self.opener.open(request, timeout=300) as response:
            answer = json.load(response)
        if answer.get("error"):
            raise SystemExit(f"{path}: {answer['error']['data']['message']}")
        return answer["result"]

    def call(self, model, method, args, kwargs=None):
        return self.json(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def get(self, path):
        """The status of a page; followed only to its language's URL."""
        try:
            with self.page_opener.open(self.base + path, timeout=300) as response:
                return response.status
        except urllib.error.HTTPError as error:
            location = error.headers.get("Location") or ""
            if location.endswith(path) and location != path:
                return self.get(location.removeprefix(self.base))
            return error.code


def read_screens(client):
    """The read screens of the addon, as the web client opens them."""
    shown = []
    overview = client.call("customer.followup.overview", "get_overview", [])
    shown.append(f"overview ({len(overview['sections'])} sections)")
    fields = client.call(
        "customer.followup.control.report", "fields_get", [], {"attributes": ["type"]}
    )
    control = client.call(
        "customer.followup.control.report",
        "onchange",
        [[], {}, [], dict.fromkeys(fields, {})],
    )
    shown.append(f"control group ({control['value'].get('contacted_count')} contacted)")
    effect = client.call(
        "customer.followup.effect.report",
        "formatted_read_group",
        [[], ["tier_id"], ["points:sum", "revenue:sum"]],
    )
    shown.append(f"effect report ({len(effect)} tiers)")
    campaigns = client.call(
        "customer.followup.campaign", "search_read", [[("state", "=", "draft")], ["id"]]
    )
    if campaigns:
        client.call(
            "customer.followup.campaign",
            "web_read",
            [[campaigns[0]["id"]], {"preview_html": {}}],
        )
        # the preview recomputed as the campaign's form is edited
        client.call(
            "customer.followup.campaign",
            "onchange",
            [
                [campaigns[0]["id"]],
                {"preparation_days": 30},
                ["preparation_days"],
                {"preview_html": {}, "preparation_days": {}},
            ],
        )
        shown.append("campaign preview (read, edited)")
    shown.append(f"My Products: HTTP {client.get('/my/products')}")
    orders = client.call(
        "sale.order",
        "search_read",
        [
            [("followup_short_code", "!=", False), ("access_token", "!=", False)],
            ["followup_short_code"],
        ],
        {"limit": 1},
    )
    if orders:
        shown.append(
            f"short link: HTTP {client.get('/q/' + orders[0]['followup_short_code'])}"
        )
    return shown


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--primary-port", type=int)
    parser.add_argument("--replica-port", type=int)
    parser.add_argument("--logs", required=True)
    parser.add_argument("ports", nargs="+")
    args = parser.parse_args()
    servers = [("primary", args.primary_port), ("replica", args.replica_port)]
    if not args.replica_port:  # --dev=replica: the log tells
        servers = []
    for _name, port in servers:
        stats(port, args.db, reset=True)
    jar = http.cookiejar.CookieJar()
    first = Client(jar, args.ports[0])
    user = first.json(
        "/web/session/authenticate",
        {"db": args.db, "login": "admin", "password": "admin"},
    )
    print(f"logged in on port {args.ports[0]} as {user['username']}")
    for port in args.ports:
        shown = read_screens(Client(jar, port))
        print(f"port {port} (same session): " + ", ".join(shown))
    failed = False
    for name, port in servers:
        overview, selects = stats(port, args.db)
        print(
            f"{name} (port {port}): {selects} SELECT calls, "
            f"{overview} of the overview's points query"
        )
        if name == "replica" and not overview:
            print("FAILED: the replica ran none of the overview's queries")
            failed = True
    for log in sorted(pathlib.Path(args.logs).glob("*.log")):
        retried = [
            line
            for line in log.read_text(errors="replace").splitlines()
            # Odoo's warning, and its access log's cursor mode of a retry
            if RETRY in line or line.rstrip().endswith(" ro->rw")
        ]
        for line in retried:
            print(f"FAILED: {log.name}: {line}")
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
