"""What capturing touchpoints adds to sending a chatter message.

    python3 benchmarks/capture_post.py <database> [--posts 300] [--addons-path PATH]

The database needs customer_followup installed (any: a fresh one, or a
``bench_<scale>`` of ``run.py --keep-db``). In one transaction, rolled back at
the end, a salesperson posts from the chatter of 100 customers in turn (each
with 12 earlier touchpoints; in sudo, as the chatter's route does; mails
queued, not sent; the record cache emptied before each post, as a new request
has it): ``--posts`` emails to the customer, then notes and emails to another
partner, each with the addon's capture and without it (the capture method
replaced by a no-op for the "without" runs), alternately. Each post is timed
with its flush (the touchpoint, the customer's last contact and next
follow-up are written then). Prints the median and 90th percentile per case,
the queries per post, and the difference, as JSON and as a Markdown table.
"""

import argparse
import json
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import hooks

from odoo import SUPERUSER_ID, api

WARMUP = 20
CUSTOMERS = 100  # posts go round them, each with a history of touchpoints
HISTORY = 12
CASES = {
    "email": "an email to the customer (logs a touchpoint)",
    "note": "a note (logs none)",
    "other": "an email to another partner (logs none)",
}


def percentile(values, fraction):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(fraction * (len(values) - 1))))]


def post(env, customer, other, case):
    kwargs = {
        "email": {"subtype_xmlid": "mail.mt_comment", "partner_ids": customer.ids},
        "note": {"subtype_xmlid": "mail.mt_note", "partner_ids": []},
        "other": {"subtype_xmlid": "mail.mt_comment", "partner_ids": other.ids},
    }[case]
    thread = threading.current_thread()
    thread.query_count = 0
    start = time.perf_counter()
    customer.with_env(env).sudo().message_post(
        body="How is the new pressure cooker?", message_type="comment", **kwargs
    )
    env.flush_all()
    return (time.perf_counter() - start) * 1000.0, thread.query_count


def measure(registry, posts):
    capture_cls = registry["res.partner"]
    real_capture = capture_cls._followup_capture_message
    results = {}
    with registry.cursor() as cr:
        root = api.Environment(cr, SUPERUSER_ID, {})
        salesman = root["res.users"].create(
            {
                "name": "Bench Capture Salesman",
                "login": "bench_capture_salesman",
                "email": "bench.capture.salesman@example.com",
                "group_ids": [(6, 0, [root.ref("sales_team.group_sale_salesman").id])],
            }
        )
        customers = root["res.partner"].create(
            [
                {
                    "name": f"Bench Capture Customer {index}",
                    "email": f"bench.capture.{index}@example.com",
                    "user_id": salesman.id,
                }
                for index in range(CUSTOMERS)
            ]
        )
        email_type = root.ref("customer_followup.touchpoint_type_email")
        root["customer.touchpoint"].create(
            [
                {
                    "partner_id": customer.id,
                    "type_id": email_type.id,
                    "user_id": salesman.id,
                    "date": f"2025-{month:02d}-15 10:00:00",
                }
                for customer in customers
                for month in range(1, HISTORY + 1)
            ]
        )
        other = root["res.partner"].create(
            {"name": "Bench Capture Supplier", "email": "bench.supplier@example.com"}
        )
        env = api.Environment(
            cr,
            salesman.id,
            {"mail_notify_force_send": False, "tracking_disable": True},
        )
        touchpoints = root["customer.touchpoint"].search_count([])
        try:
            for case in CASES:
                timings = {"with": [], "without": []}
                queries = {"with": [], "without": []}
                for index in range(WARMUP + posts):
                    order = ("with", "without") if index % 2 else ("without", "with")
                    for mode in order:
                        capture_cls._followup_capture_message = (
                            real_capture
                            if mode == "with"
                            else lambda self, message, msg_values: False
                        )
                        env.invalidate_all()  # a request starts cold
                        customer = customers[index % CUSTOMERS]
                        ms, count = post(env, customer, other, case)
                        if index >= WARMUP:
                            timings[mode].append(ms)
                            queries[mode].append(count)
                capture_cls._followup_capture_message = real_capture
                results[case] = {
                    mode: {
                        "median_ms": round(statistics.median(timings[mode]), 2),
                        "p90_ms": round(percentile(timings[mode], 0.9), 2),
                        "queries": round(statistics.median(queries[mode]), 1),
                    }
                    for mode in ("with", "without")
                }
                results[case]["added_ms"] = round(
                    results[case]["with"]["median_ms"]
                    - results[case]["without"]["median_ms"],
                    2,
                )
            logged = root["customer.touchpoint"].search_count([]) - touchpoints
            results["touchpoints_logged"] = logged
        finally:
            capture_cls._followup_capture_message = real_capture
            cr.rollback()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database")
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--addons-path")
    args = parser.parse_args()
    registry = hooks.open_registry(args.database, args.addons_path)
    results = measure(registry, args.posts)
    print("BENCH_RESULT " + json.dumps(results))
    print()
    print(
        f"| Chatter message ({args.posts} posts each, median) | without capture "
        "| with capture | added | queries without / with |"
    )
    print("|---|---:|---:|---:|---:|")
    for case, label in CASES.items():
        res = results[case]
        print(
            f"| {label} | {res['without']['median_ms']:.2f} ms "
            f"| {res['with']['median_ms']:.2f} ms | {res['added_ms']:+.2f} ms "
            f"| {res['without']['queries']:g} / {res['with']['queries']:g} |"
        )


if __name__ == "__main__":
    main()
