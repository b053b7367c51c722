"""Run one benchmark step in this (fresh) process and print its figures as JSON.

    python3 benchmarks/measure_step.py <database> <step> [--customers N]
        [--addons-path PATH]

Steps: generate, tiers, tiers_floor, prepare_tiers_rerun, tiers_rerun,
prepare_planner, planner_floor, planner, reminders_floor, reminders, form,
groupby, naive_tiers, effect_refresh, effect. Each step runs in its own
process so that its peak memory (``ru_maxrss``) is its own; ``base_mib`` is
the resident memory before the step (Odoo and the registry), ``peak_mib`` the
process peak.
"""

import argparse
import json
import logging
import os
import resource
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import generate as gen
import hooks
import my_day_step
import naive

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger("benchmarks.measure")

CRONS = {
    "tiers": "customer_followup.ir_cron_compute_tiers",
    "planner": "customer_followup.ir_cron_plan_followups",
    "reminders": "customer_followup.ir_cron_replacement_reminders",
    "effect_refresh": "customer_followup.ir_cron_refresh_effect_report",
    "reorder": "customer_followup.ir_cron_reorder_intervals",
    "slipping": "customer_followup.ir_cron_slipping_mail",
    "campaigns": "customer_followup.ir_cron_campaigns",
}
MAX_CRON_RUNS = 200


Skip = hooks.Skip


def current_rss_mib():
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Measure:
    """Wall time and SQL queries (all cursors of this thread) of a block."""

    def __enter__(self):
        thread = threading.current_thread()
        thread.query_count = 0
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t0
        self.queries = threading.current_thread().query_count


def env_of(cr, uid=SUPERUSER_ID):
    return api.Environment(cr, uid, {})


# ---------------------------------------------------------------------------
# crons
# ---------------------------------------------------------------------------


def run_cron(registry, xmlid):
    """Trigger the cron as the scheduler would (``method_direct_trigger``: own
    transaction, ``_commit_progress`` time budget) and trigger it again while its
    progress reports remaining records, so the whole backlog is measured."""
    with registry.cursor() as cr:
        cron = env_of(cr).ref(xmlid, raise_if_not_found=False)
        if not cron:
            raise Skip("not installed")
        cron_id = cron.id
        cr.execute("SELECT COALESCE(max(id), 0) FROM ir_cron_progress")
        last_progress = cr.fetchone()[0]
    runs = 0
    with Measure() as measure:
        while runs < MAX_CRON_RUNS:
            runs += 1
            with registry.cursor() as cr:
                cron = env_of(cr)["ir.cron"].browse(cron_id)
                result = cron.method_direct_trigger()
                # True, or a notification (the slipping mail's *Run Manually*
                # says what it did); Odoo returns its error as an exception
                if result is not True and result.get("tag") == "display_exception":
                    raise RuntimeError(f"cron {xmlid} failed: {result['params']}")
            # a new transaction: the trigger's cursor has a snapshot (repeatable
            # read) from before the job committed its progress
            with registry.cursor() as cr:
                cr.execute(
                    "SELECT remaining FROM ir_cron_progress WHERE cron_id = %s "
                    "ORDER BY id DESC LIMIT 1",
                    [cron_id],
                )
                row = cr.fetchone()
            if not row or not row[0]:
                break
    # each call of the cron's method (Odoo calls it again while it reports
    # work remaining after its time budget) leaves one progress row
    with registry.cursor() as cr:
        cr.execute(
            "SELECT count(*) FROM ir_cron_progress WHERE cron_id = %s AND id > %s",
            [cron_id, last_progress],
        )
        calls = cr.fetchone()[0]
    return measure, {"cron_runs": runs, "cron_calls": calls}


def step_tiers(registry, args):
    with registry.cursor() as cr:
        info = {"customers": hooks.count_customers(env_of(cr))}
    measure, extra = run_cron(registry, CRONS["tiers"])
    with registry.cursor() as cr:
        info.update(extra, **hooks.tier_distribution(env_of(cr)))
    info["records"] = info["customers"]
    return measure, info


def step_tiers_floor(registry, args):
    """The floor of the tier cron: its score query alone, executed and
    fetched, in the same database state."""
    with registry.cursor() as cr:
        env = env_of(cr)
        with Measure() as measure:
            rows = hooks.score_floor(env)
    return measure, {"records": rows}


def step_prepare_tiers_rerun(registry, args):
    with registry.cursor() as cr, Measure() as measure:
        info = hooks.prepare_tiers_rerun(env_of(cr))
    return measure, info


def step_tiers_rerun(registry, args):
    """The daily re-run of the tier cron after about 1 % of the customers
    changed (``prepare_tiers_rerun``)."""
    measure, info = run_cron(registry, CRONS["tiers"])
    with registry.cursor() as cr:
        env = env_of(cr)
        info.update(
            tier_changes=hooks.count_tier_changes(env), **hooks.tier_distribution(env)
        )
    info["records"] = info["tier_changes"]
    return measure, info


def step_prepare_planner(registry, args):
    """Move the last touchpoints so that DUE_FRACTION of the customers are due
    within the planner's horizon (not a measured target)."""
    with registry.cursor() as cr:
        env = env_of(cr)
        if not env.ref(CRONS["planner"], raise_if_not_found=False):
            raise Skip("not installed")
        with Measure() as measure:
            info = hooks.planner_due_hook(env, args.customers)
    return measure, info


def step_planner(registry, args):
    with registry.cursor() as cr:
        env = env_of(cr)
        if not env.ref(CRONS["planner"], raise_if_not_found=False):
            raise Skip("not installed")
        info = {"due": hooks.count_planner_due(env)}
        activities = hooks.count(env, "mail_activity")
    measure, extra = run_cron(registry, CRONS["planner"])
    with registry.cursor() as cr:
        info.update(
            extra,
            activities_created=hooks.count(env_of(cr), "mail_activity") - activities,
        )
    info["records"] = (
        info["due"] if info["due"] is not None else info["activities_created"]
    )
    return measure, info


def step_planner_floor(registry, args):
    """The floor of the planner: the activities it would create for the due
    customers (decided by its own dry run, with its texts) created in one
    batched call, then rolled back so that the planner step finds the same
    due customers."""
    with registry.cursor() as cr:
        env = env_of(cr)
        if not env.ref(CRONS["planner"], raise_if_not_found=False):
            raise Skip("not installed")
        vals_list = hooks.planner_floor_vals(env)
        env.flush_all()
        hooks.planner_floor_warm(env, vals_list)
        with Measure() as measure:
            created = hooks.planner_floor(env, vals_list)
        cr.rollback()
    return measure, {"records": created}


def step_reminders_floor(registry, args):
    """The floor of the reminder cron: the quotations of the cycles it would
    remind in one batched create, and their mails queued in one batch, then
    rolled back so that the reminder step finds the same due cycles."""
    with registry.cursor() as cr:
        env = env_of(cr)
        if not env.ref(CRONS["reminders"], raise_if_not_found=False):
            raise Skip("not installed")
        cycles, vals_list, mail_cycles = hooks.reminders_floor_data(env)
        env.flush_all()
        with Measure() as measure:
            info = hooks.reminders_floor(env, cycles, vals_list, mail_cycles)
        cr.rollback()
    info["records"] = len(cycles)
    return measure, info


def step_reminders(registry, args):
    with registry.cursor() as cr:
        env = env_of(cr)
        if not env.ref(CRONS["reminders"], raise_if_not_found=False):
            raise Skip("not installed")
        info = {"due": hooks.count_reminders_due(env)}
        before = {
            t: hooks.count(env, t)
            for t in ("mail_mail", "sale_order", "customer_touchpoint")
        }
    measure, extra = run_cron(registry, CRONS["reminders"])
    with registry.cursor() as cr:
        env = env_of(cr)
        info.update(extra)
        for table, n in before.items():
            info[f"{table}_created"] = hooks.count(env, table) - n
        info["mails_sent"] = hooks.count(env, "mail_mail", "state = 'sent'")
    info["records"] = info["due"]
    return measure, info


def step_campaign_preview(registry, args):
    """The preview of a campaign to every customer: its plan (tiers, budget,
    capacity, opt-outs) and the preview's tables, nothing written."""
    with registry.cursor() as cr:
        env = env_of(cr)
        campaign = hooks.campaign_create(env)
        env.flush_all()
        with Measure() as measure:
            html = campaign.preview_html
        customers = hooks.count_customers(env)
        cr.rollback()
    return measure, {"records": customers, "chars": len(html)}


def step_campaign_plan(registry, args):
    """Confirm a campaign to every customer: its plan, one piece each, the
    salespeople's activities and the scheduled mailing."""
    with registry.cursor() as cr:
        env = env_of(cr)
        campaign_id = hooks.campaign_create(env).id
        customers = hooks.count_customers(env)
    with Measure() as measure, registry.cursor() as cr:
        env_of(cr)["customer.followup.campaign"].browse(campaign_id).action_confirm()
    with registry.cursor() as cr:
        env = env_of(cr)
        info = {
            "records": customers,
            "pieces": hooks.campaign_pieces(env),
            "activities": hooks.count(env, "mail_activity"),
        }
    return measure, info


def step_campaign_emails_floor(registry, args):
    """The floor of the campaign cron's email logging: the same sent emails'
    touchpoints in one plain ``INSERT ... SELECT``, then rolled back so that
    the campaign step finds the same emails to log."""
    with registry.cursor() as cr:
        env = env_of(cr)
        if not env.ref(CRONS["campaigns"], raise_if_not_found=False):
            raise Skip("not installed")
        hooks.campaign_sent_traces(env, max(1, args.customers // 2))
        with Measure() as measure:
            rows = hooks.campaign_emails_floor(env)
        cr.rollback()
    return measure, {"records": rows}


def step_campaign_emails(registry, args):
    """The campaign's mailing sent half of the customers an email (at most
    50,000 at 100k): the campaign cron logs one touchpoint each."""
    with registry.cursor() as cr:
        env = env_of(cr)
        if not env.ref(CRONS["campaigns"], raise_if_not_found=False):
            raise Skip("not installed")
        sent = hooks.campaign_sent_traces(env, max(1, args.customers // 2))
        touchpoints = hooks.count(env, "customer_touchpoint")
    measure, info = run_cron(registry, CRONS["campaigns"])
    with registry.cursor() as cr:
        env = env_of(cr)
        info.update(
            sent=sent,
            touchpoints_created=hooks.count(env, "customer_touchpoint") - touchpoints,
        )
    info["records"] = sent
    return measure, info


# ---------------------------------------------------------------------------
# user interface
# ---------------------------------------------------------------------------


def spec_from_arch(arch, models, model):
    """The ``web_read`` specification the web client builds for a form arch."""
    from lxml import etree

    def field_spec(node, model):
        spec = {}
        fields = models[model]["fields"]
        for child in node:
            if not isinstance(child.tag, str):
                continue
            if child.tag != "field":
                spec.update(field_spec(child, model))
                continue
            name = child.get("name")
            field = fields.get(name)
            if not field:
                continue
            ftype = field["type"]
            if ftype in ("many2one", "many2one_reference") and field.get("relation"):
                spec[name] = {"fields": {"display_name": {}}}
            elif ftype in ("one2many", "many2many"):
                sub = next((c for c in child if c.tag in ("list", "kanban")), None)
                if sub is not None and field["relation"] in models:
                    spec[name] = {
                        "fields": field_spec(sub, field["relation"]),
                        "limit": int(sub.get("limit") or 40),
                        "order": "",
                    }
                else:
                    spec[name] = {"fields": {"display_name": {}}}
            else:
                spec[name] = {}
        return spec

    return field_spec(etree.fromstring(arch), model)


def step_form(registry, args):
    """Open the form of the customer with HEAVY_TOUCHPOINTS touchpoints as the
    administrator (record rules apply): ``get_views`` + ``web_read``, once to
    warm the caches (another customer), then measured."""
    with registry.cursor() as cr:
        env = env_of(cr, uid=2)
        partners = env["res.partner"].search(
            [("ref", "=like", gen.BENCH_REF + "%")], order="id", limit=2
        )
        heavy, other = partners[0].id, partners[1].id
    timings = {}
    for label, partner_id in (("cold", other), ("warm", heavy)):
        with registry.cursor() as cr:
            env = env_of(cr, uid=2)
            Partner = env["res.partner"].with_context(lang="en_US")
            with Measure() as measure:
                views = Partner.get_views([(False, "form")], {"toolbar": True})
                spec = spec_from_arch(
                    views["views"]["form"]["arch"], views["models"], "res.partner"
                )
                record = Partner.browse(partner_id).web_read(spec)
            timings[label] = measure
    touchpoints = len(record[0].get("touchpoint_ids") or [])
    return timings["warm"], {
        "touchpoints_of_customer": touchpoints,
        "cold_seconds": round(timings["cold"].seconds, 3),
        "cold_queries": timings["cold"].queries,
        "records": 1,
    }


def step_groupby(registry, args):
    """Group all touchpoints by month and type (pivot / grouped list)."""
    with registry.cursor() as cr:
        env = env_of(cr, uid=2)
        Touchpoint = env["customer.touchpoint"].with_context(lang="en_US")
        total = Touchpoint.search_count([])
        with Measure() as measure:
            groups = Touchpoint.formatted_read_group(
                [], ["date:month", "type_id"], ["__count", "weight:sum"]
            )
            listed = Touchpoint.web_read_group(
                [], ["date:month"], ["weight:sum"], limit=80
            )
    return measure, {
        "touchpoints": total,
        "groups": len(groups),
        "month_groups": listed["length"],
        "records": total,
    }


# the effect report's pivot screen: rows tier > channel, columns contacted or
# not, every measure, as the web client reads it (one GROUPING SETS query)
EFFECT_GROUPING_SETS = [
    [],
    ["tier_id"],
    ["tier_id", "channel"],
    ["contacted"],
    ["tier_id", "contacted"],
    ["tier_id", "channel", "contacted"],
]
EFFECT_MEASURES = [
    "__count",
    "contact_count:sum",
    "points:sum",
    "customer_count:sum",
    "order_share:sum",
    "revenue_share:sum",
    "revenue_per_point:avg",
    "revenue_per_customer:avg",
]


def step_effect_refresh(registry, args):
    """The nightly update of the effect report (its materialized view)."""
    measure, info = run_cron(registry, CRONS["effect_refresh"])
    with registry.cursor() as cr:
        cr.execute("SELECT COUNT(*) FROM customer_followup_effect_report")
        info["records"] = cr.fetchone()[0]
    return measure, info


def step_effect(registry, args):
    """Open the effect report: its pivot screen, then its graph by channel,
    as the sales manager (the record rules apply)."""
    with registry.cursor() as cr:
        env = env_of(cr, uid=2)
        Report = env["customer.followup.effect.report"].with_context(lang="en_US")
        with Measure() as measure:
            sets = Report.formatted_read_grouping_sets(
                [], EFFECT_GROUPING_SETS, EFFECT_MEASURES
            )
            graph = Report.formatted_read_group(
                [], ["channel"], ["revenue_per_point:avg"]
            )
        cr.execute("SELECT COUNT(*) FROM customer_followup_effect_report")
        rows = cr.fetchone()[0]
    return measure, {
        "records": rows,
        "groups": sum(len(groups) for groups in sets),
        "channels": len(graph),
    }


def step_naive_tiers(registry, args):
    with registry.cursor() as cr:
        env = env_of(cr)
        with Measure() as measure:
            info = naive.naive_tiers(env)
        cr.rollback()
    info["records"] = info["customers"]
    return measure, info


def step_generate(registry, args):
    with registry.cursor() as cr, Measure() as measure:
        info = gen.generate(env_of(cr), args.customers)
    return measure, info


def step_reorder_floor(registry, args):
    """The floor of the reorder interval cron: its learning query over all
    customers in one statement, without writing."""
    with registry.cursor() as cr:
        env = env_of(cr)
        with Measure() as measure:
            rows = hooks.reorder_floor(env)
    return measure, {"records": rows}


def step_reorder(registry, args):
    """The nightly reorder interval job over every customer (first run: all
    rows created)."""
    with registry.cursor() as cr:
        if not env_of(cr).ref(CRONS["reorder"], raise_if_not_found=False):
            raise Skip("not installed")
    measure, info = run_cron(registry, CRONS["reorder"])
    with registry.cursor() as cr:
        info["states"] = hooks.reorder_counts(env_of(cr))
    info["records"] = sum(info["states"].values())
    return measure, info


def step_slipping(registry, args):
    """The weekly "customers slipping away" mail: one mail per salesperson
    with customers on a list (the 10 generated salespeople) and one for the
    administrator, a sales manager, of all customers (after the tier, tier
    re-run and reorder steps, so that the lists have customers)."""
    with registry.cursor() as cr:
        env = env_of(cr)
        if not env.ref(CRONS["slipping"], raise_if_not_found=False):
            raise Skip("not installed")
        # the administrator (a sales manager) gets the mail of all customers
        admin = env.ref("base.user_admin")
        if not admin.email:
            admin.email = "admin@bench.example.com"
        mails = hooks.count(env, "mail_mail")
    measure, info = run_cron(registry, CRONS["slipping"])
    with registry.cursor() as cr:
        info["mails_created"] = hooks.count(env_of(cr), "mail_mail") - mails
    info["records"] = info["mails_created"]
    return measure, info


STEPS = {
    "my_day": lambda registry, args: my_day_step.step_my_day(
        registry, args, Measure, env_of, spec_from_arch
    ),
    "generate": step_generate,
    "tiers": step_tiers,
    "tiers_floor": step_tiers_floor,
    "prepare_tiers_rerun": step_prepare_tiers_rerun,
    "tiers_rerun": step_tiers_rerun,
    "prepare_planner": step_prepare_planner,
    "planner_floor": step_planner_floor,
    "planner": step_planner,
    "reminders_floor": step_reminders_floor,
    "reminders": step_reminders,
    "form": step_form,
    "groupby": step_groupby,
    "naive_tiers": step_naive_tiers,
    "effect_refresh": step_effect_refresh,
    "effect": step_effect,
    "reorder_floor": step_reorder_floor,
    "reorder": step_reorder,
    "slipping": step_slipping,
    "campaign_preview": step_campaign_preview,
    "campaign_plan": step_campaign_plan,
    "campaign_emails_floor": step_campaign_emails_floor,
    "campaign_emails": step_campaign_emails,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("database")
    parser.add_argument("step", choices=sorted(STEPS))
    parser.add_argument("--customers", type=int, default=0)
    parser.add_argument("--addons-path")
    args = parser.parse_args()
    registry = hooks.open_registry(args.database, args.addons_path)
    with registry.cursor() as cr:  # load what every request would have loaded
        env_of(cr)["res.partner"].search([], limit=1)
    base = current_rss_mib()
    result = {"step": args.step}
    try:
        measure, info = STEPS[args.step](registry, args)
    except Skip as skip:
        result.update(status="skipped", reason=str(skip))
    else:
        result.update(
            status="ok",
            seconds=round(measure.seconds, 3),
            queries=measure.queries,
            base_mib=round(base, 1),
            peak_mib=round(peak_rss_mib(), 1),
            info=info,
        )
    print("BENCH_RESULT " + json.dumps(result, default=str))


if __name__ == "__main__":
    main()
