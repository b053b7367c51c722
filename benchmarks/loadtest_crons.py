"""Keep the cron servers of `make cluster` busy: every ``--every`` seconds,
trigger every scheduled action of the addon (an ``ir_cron_trigger`` row due
now, and the NOTIFY that wakes the cron servers), as Odoo's own
``_trigger`` does. A trigger does not lock the job's row: a job under way
keeps running, and runs again once done. Stops on SIGTERM; prints how often
each job ran (from ``lastcall``).

Usage: python3 benchmarks/loadtest_crons.py --config var/cluster/odoo.conf
"""

import argparse
import configparser
import signal
import sys
import time

import psycopg2

ADDON = "customer_followup"


def connect(config_path, dbname=None):
    config = configparser.ConfigParser()
    config.read(config_path)
    options = config["options"]
    cnx = psycopg2.connect(
        host=options["db_host"],
        port=options["db_port"],
        user=options["db_user"],
        dbname=dbname or options["db_name"],
    )
    cnx.autocommit = True
    return cnx, options["db_name"]


def addon_crons(cr):
    cr.execute(
        """SELECT c.id, s.name->>'en_US' FROM ir_cron c
             JOIN ir_model_data d ON d.model = 'ir.cron' AND d.res_id = c.id
             JOIN ir_act_server s ON s.id = c.ir_actions_server_id
            WHERE d.module = %s AND c.active ORDER BY c.id""",
        [ADDON],
    )
    return cr.fetchall()


def sample_lock_waits(cr):
    """Print who waits for a lock, for how long, and what holds it: a
    request stuck behind a cron's transaction shows here."""
    cr.execute(
        """SELECT w.pid, round(extract(epoch FROM now() - w.query_start)),
                  left(regexp_replace(w.query, '\\s+', ' ', 'g'), 100),
                  b.pid, b.application_name,
                  round(extract(epoch FROM now() - b.xact_start)),
                  left(regexp_replace(b.query, '\\s+', ' ', 'g'), 100)
             FROM pg_stat_activity w
             JOIN LATERAL unnest(pg_blocking_pids(w.pid)) blocker(pid) ON true
             JOIN pg_stat_activity b ON b.pid = blocker.pid
            WHERE w.datname = current_database() AND w.wait_event_type = 'Lock'"""
    )
    for row in cr.fetchall():
        print(
            "LOCK WAIT pid %s waits %ss on: %s | held by pid %s (%s), "
            "transaction of %ss, last query: %s" % row,
            flush=True,
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--every", type=float, default=30)
    args = parser.parse_args()
    cnx, db_name = connect(args.config)
    # the cron servers LISTEN on the postgres database (Odoo's _notifydb)
    notify, _db_name = connect(args.config, "postgres")
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    with cnx.cursor() as cr:
        crons = addon_crons(cr)
        print(
            f"triggering {len(crons)} scheduled actions every {args.every} s",
            flush=True,
        )
        rounds = 0
        while not stop:
            cr.execute(
                """INSERT INTO ir_cron_trigger (cron_id, call_at, create_uid,
                                                write_uid, create_date, write_date)
                   SELECT id, now() AT TIME ZONE 'UTC', 1, 1,
                          now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                     FROM unnest(%s::int[]) id""",
                [[cron_id for cron_id, _name in crons]],
            )
            with notify.cursor() as notify_cr:
                notify_cr.execute("SELECT pg_notify('cron_trigger', %s)", [db_name])
            rounds += 1
            deadline = time.monotonic() + args.every
            while not stop and time.monotonic() < deadline:
                sample_lock_waits(cr)
                time.sleep(5)
        print(f"{rounds} rounds of triggers", flush=True)
    sys.exit(0)


if __name__ == "__main__":
    main()
