"""The invariants of the simulation (simulation/invariants.py) checked on the
database of `make loadtest`, with the simulation's own queries: those that
need no simulated world (reminded once, capacity, yearly budget, one
touchpoint per campaign piece, open activities), and that nothing the load
did was lost: every touchpoint it logged, every registration it made, every
quotation it signed (confirmed, with the signature's touchpoint).

``before`` keeps the reminders' steps before the load (a step sent again
during it is a violation); ``after`` checks, and prints JSON.

Usage: python3 benchmarks/loadtest_check.py --config var/cluster/odoo.conf
           before STATE | after STATE RESULTS
(RESULTS: what the locustfile wrote: the ids it created or signed.)
"""

import argparse
import configparser
import datetime
import json
import os
import pickle
import sys
from collections import defaultdict
from types import SimpleNamespace

import psycopg2

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from simulation.invariants import CHECKS, Checker  # noqa: E402

# the simulation's checks that read the database only
CHECKED = (
    "reminded_once",
    "capacity",
    "yearly_budget",
    "piece_one_touchpoint",
    "open_activities",
)


def connect(config_path):
    config = configparser.ConfigParser()
    config.read(config_path)
    options = config["options"]
    return psycopg2.connect(
        host=options["db_host"],
        port=options["db_port"],
        user=options["db_user"],
        dbname=options["db_name"],
    )


def checker(cr):
    """The simulation's checker on this database: its world reduced to the
    customers' salespeople (the bound of open activities); no refusals."""
    cr.execute(
        """SELECT id, user_id FROM res_partner
            WHERE user_id IS NOT NULL AND id = commercial_partner_id"""
    )
    sim = SimpleNamespace(
        user_of=dict(cr.fetchall()),
        refusals={},
        budget_used=defaultdict(dict),
    )
    return Checker(sim), SimpleNamespace(cr=cr)


def run_checks(check, env, day):
    check.check_reminded_once(env, day)
    check.check_capacity(env, day)
    check.check_budget(env, day)
    check.check_piece_touchpoints(env, day)
    check.check_open_activities(env, day)


def lost(cr, results):
    """What the load made and the database does not have."""
    found = {}
    ids = results.get("touchpoints", [])
    cr.execute("SELECT count(*) FROM customer_touchpoint WHERE id = ANY(%s)", [ids])
    found["touchpoints logged"] = (len(ids), cr.fetchone()[0])
    signed = results.get("signed_orders", [])
    cr.execute(
        "SELECT count(*) FROM sale_order WHERE id = ANY(%s) AND state = 'sale'",
        [signed],
    )
    found["quotations signed, confirmed"] = (len(signed), cr.fetchone()[0])
    cr.execute(
        """SELECT count(DISTINCT sale_order_id) FROM customer_touchpoint
            WHERE sale_order_id = ANY(%s) AND origin = 'portal'""",
        [signed],
    )
    found["quotations signed, their touchpoint"] = (len(signed), cr.fetchone()[0])
    serials = results.get("registrations", [])
    cr.execute(
        """SELECT count(*) FROM customer_product_registration
            WHERE serial = ANY(%s) AND origin = 'portal'""",
        [serials],
    )
    found["products registered"] = (len(serials), cr.fetchone()[0])
    return {
        label: {"made": made, "found": have, "lost": made - have}
        for label, (made, have) in found.items()
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("when", choices=("before", "after"))
    parser.add_argument("state")
    parser.add_argument("results", nargs="?")
    args = parser.parse_args()
    day = datetime.date.today()
    with connect(args.config) as cnx, cnx.cursor() as cr:
        check, env = checker(cr)
        if args.when == "before":
            run_checks(check, env, day)
            with open(args.state, "wb") as out:
                pickle.dump(
                    {"cycle_steps": check.cycle_steps, "violations": check.violations},
                    out,
                )
            return
        with open(args.state, "rb") as state:
            before = pickle.load(state)  # noqa: S301 (written by the run above)
        check.cycle_steps = before["cycle_steps"]
        # violations already there before the load are not the load's
        check.seen = {(v["check"], v["records"]) for v in before["violations"]}
        run_checks(check, env, day)
        results = {}
        if args.results and os.path.exists(args.results):
            with open(args.results, encoding="utf-8") as data:
                results = json.load(data)
        counts, first = check.summary()
        print(
            json.dumps(
                {
                    "invariants": {
                        name: {
                            "label": CHECKS[name],
                            "violations": counts.get(name, 0),
                            "first": first.get(name),
                        }
                        for name in CHECKED
                    },
                    "before_load": len(before["violations"]),
                    "lost": lost(cr, results),
                },
                default=str,
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
