"""The My Day screen as the salesperson with the most customers opens it
(issue 26): its kanban (the phone's view) and list, the first 80 lines and
their count, record rules applied. Worst case: every open activity of the
database made due (the planner's, a month early), the late reorders as the
nightly job left them; rolled back after the measure."""

MY_DAY = "customer.followup.my.day"


def step_my_day(registry, args, measure_cls, env_of, spec_from_arch):
    with registry.cursor() as cr:
        env = env_of(cr)
        cr.execute(
            """SELECT user_id, COUNT(*) FROM res_partner
                WHERE user_id IS NOT NULL AND id = commercial_partner_id
             GROUP BY user_id ORDER BY 2 DESC LIMIT 1"""
        )
        uid, customers = cr.fetchone()
        cr.execute(
            "UPDATE mail_activity SET date_deadline = "
            "LEAST(date_deadline, CURRENT_DATE) - 1 WHERE active"
        )
        MyDay = env_of(cr, uid=uid)[MY_DAY].with_context(lang="en_US")
        timings = {}
        for view_type in ("kanban", "list"):
            with measure_cls() as measure:
                views = MyDay.get_views([(False, view_type), (False, "search")])
                spec = spec_from_arch(
                    views["views"][view_type]["arch"], views["models"], MY_DAY
                )
                page = MyDay.web_search_read(
                    [("user_id", "=", uid)], spec, limit=80, count_limit=10001
                )
            timings[view_type] = (measure, page)
            env.invalidate_all()
        cr.rollback()
    measure, page = timings["kanban"]
    return measure, {
        "customers_of_salesperson": customers,
        "lines": page["length"],
        "records": page["length"],
        "list_seconds": round(timings["list"][0].seconds, 3),
        "list_queries": timings["list"][0].queries,
    }
