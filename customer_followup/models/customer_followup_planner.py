from calendar import monthrange
from collections import defaultdict
from datetime import datetime, time, timedelta

import babel.dates
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import SQL, format_date, split_every
from odoo.tools.misc import babel_locale_parse, get_lang, posix_to_ldml

from .customer_followup_plan_line import CapacityBook, PlanAction, PlanLine

# customers per committed batch: fewer, larger batches write their activities
# faster, and a batch of 2,500 still takes about a second at 100,000 customers
PLAN_BATCH_SIZE = 2500


class CustomerFollowupPlanner(models.AbstractModel):
    """Plans the due customer follow-ups as activities.

    One code path for the daily cron and the workload preview: ``_plan_batch``
    decides, ``_apply_plan`` writes (never called in dry runs)."""

    _name = "customer.followup.planner"
    _description = "Customer Follow-up Planner"

    # ------------------------------------------------------------------
    # Candidates
    # ------------------------------------------------------------------

    @api.model
    def _candidate_ids(self, limit_date):
        """Tiered customers due by ``limit_date`` without an open planned
        follow-up, most important first (tier, days overdue, score)."""
        self.env["res.partner"].flush_model(
            [
                "active",
                "commercial_partner_id",
                "followup_tier_id",
                "next_followup_date",
                "followup_score_id",
            ]
        )
        self.env["customer.followup.score"].flush_model(["score"])
        self.env["customer.tier"].flush_model(["min_score", "touchpoint_type_id"])
        self.env["mail.activity"].flush_model(
            ["res_model", "res_id", "followup_planned", "active"]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT p.id
                  FROM res_partner p
                  JOIN customer_tier t ON t.id = p.followup_tier_id
             LEFT JOIN customer_followup_score cs ON cs.id = p.followup_score_id
                 WHERE p.id = p.commercial_partner_id
                   AND t.touchpoint_type_id IS NOT NULL
                   AND p.next_followup_date <= %(limit_date)s
                   AND NOT EXISTS (
                        SELECT 1
                          FROM mail_activity a
                         WHERE a.res_model = 'res.partner'
                           AND a.res_id = p.id
                           AND a.followup_planned
                           AND a.active)
              ORDER BY t.min_score DESC, p.next_followup_date,
                       cs.score DESC, p.id
                """,
                limit_date=limit_date,
            )
        )
        return [row[0] for row in rows]

    @api.model
    def _max_horizon_days(self, horizon_days=None):
        if horizon_days is not None:
            return horizon_days
        companies = self.env["res.company"].sudo().search([])
        return max(companies.mapped("followup_horizon_days") or [0])

    # ------------------------------------------------------------------
    # Decisions
    # ------------------------------------------------------------------

    @api.model
    def _types_by_channel(self):
        types = self.env["customer.touchpoint.type"].search(
            [("activity_type_id", "!=", False)]
        )
        by_channel = {}
        for touchpoint_type in types:
            by_channel.setdefault(touchpoint_type.channel, touchpoint_type)
        return by_channel

    @api.model
    def _over_budget(self, book, company, touchpoint_type, year):
        """Why ``touchpoint_type`` cannot be planned once more in ``year``
        for ``company`` (its yearly budget is used up), or False."""
        budget = touchpoint_type.yearly_budget
        if not budget:
            return False
        key = (company.id, touchpoint_type.id, year)
        if key not in book.budgets:
            book.budgets[key] = self.env["customer.followup.ledger"]._budget_used(
                company, touchpoint_type, year
            )[touchpoint_type.id]
        if book.budgets[key] < budget:
            return False
        return self.env._(
            "the yearly budget of %(budget)s %(type)s in %(year)s is used up",
            budget=budget,
            type=touchpoint_type.name,
            year=year,
        )

    @api.model
    def _resolve_touchpoint_type(
        self, partner, wanted, types_by_channel, over_budget=None
    ):
        """Return (touchpoint type or empty, note) for the tier's contact
        ``wanted``, by the contact policy's fallback chain among the contacts
        the planner can plan (allowed: the customer accepts it and its yearly
        budget, by ``over_budget``, is not used up)."""
        policy = self.env["customer.followup.policy"]
        if not policy._blocked_reason(partner, wanted) and not (
            over_budget and over_budget(wanted)
        ):
            return wanted, False
        candidates = self.env["customer.touchpoint.type"].browse(
            [t.id for t in types_by_channel.values()]
        )
        chosen, reasons = policy._choose(
            partner, wanted, candidates, blocked=over_budget
        )
        if chosen == wanted:
            return chosen, False
        if chosen:
            return chosen, self.env._(
                "%(wanted)s not allowed (%(reason)s): %(other)s instead",
                wanted=wanted.name,
                reason=reasons[0],
                other=chosen.name,
            )
        return chosen, self.env._(
            "Not planned: no allowed contact (%(reasons)s)",
            reasons=", ".join(reasons),
        )

    @api.model
    def _load_capacity_usage(self, usage, keys):
        """Fill ``usage[(user_id, type_id, month)]`` with the contacts counted
        against the capacity (the ledger's) for the given keys."""
        missing = [key for key in keys if key not in usage]
        if not missing:
            return
        for key in missing:
            usage[key] = 0
        months = sorted({key[2] for key in missing})
        used = self.env["customer.followup.ledger"]._capacity_used(
            {key[0] for key in missing},
            {key[1] for key in missing},
            months[0],
            fields.Date.end_of(months[-1], "month"),
        )
        for (user_id, type_id, day), count in used.items():
            key = (user_id, type_id, fields.Date.start_of(day, "month"))
            if key in usage and key in missing:
                usage[key] += count

    @api.model
    def _plan_batch(self, partners, today, horizon_days, book, types_by_channel):
        """Decide what to do for ``partners`` (already in priority order).

        Returns a list of ``PlanLine``; the ``CapacityBook`` ``book`` is
        updated with the follow-ups it plans."""
        lines = []
        partners.fetch(
            [
                "active",
                "user_id",
                "company_id",
                "email",
                "followup_tier_id",
                "next_followup_date",
                "followup_no_visit",
                "followup_no_call",
                "followup_no_postal",
            ]
        )
        pending = []
        current_company = self.env.company
        no_user = self.env["res.users"]
        no_type = self.env["customer.touchpoint.type"]
        for partner in partners:
            company = partner.company_id or current_company
            horizon = (
                horizon_days
                if horizon_days is not None
                else company.followup_horizon_days
            )
            horizon_end = today + timedelta(days=horizon)
            deadline = partner.next_followup_date
            if not deadline or deadline > horizon_end:
                continue
            line = PlanLine(
                partner=partner,
                user=no_user,
                touchpoint_type=no_type,
                deadline=deadline,
                plan_date=max(deadline, today),
            )
            lines.append(line)
            if not partner.active:
                line.note = self.env._("Not planned: archived customer")
                continue
            user = partner.user_id if partner.user_id.active else False
            notes = []
            if not user:
                user = company.followup_user_id
                if not user:
                    line.note = self.env._(
                        "Not planned: no salesperson and no fallback salesperson "
                        "in the settings"
                    )
                    continue
                notes.append(
                    self.env._("No salesperson: assigned to %(user)s", user=user.name)
                )
            touchpoint_type, type_note = self._resolve_touchpoint_type(
                partner,
                partner.followup_tier_id.touchpoint_type_id,
                types_by_channel,
                over_budget=lambda t, c=company, d=line.plan_date: self._over_budget(
                    book, c, t, d.year
                ),
            )
            if type_note:
                notes.append(type_note)
            line.note = "; ".join(notes) or False
            if not touchpoint_type:
                continue
            line.user, line.touchpoint_type = user, touchpoint_type
            if touchpoint_type.yearly_budget:
                budget_key = (company.id, touchpoint_type.id, line.plan_date.year)
                book.budgets[budget_key] = book.budgets.get(budget_key, 0) + 1
            pending.append((line, company, horizon_end))

        self._load_capacity_book(
            book,
            [line for line, _company, _end in pending],
            today,
            max((end for _line, _company, end in pending), default=today),
        )
        for line, company, horizon_end in pending:
            budget_key = (company.id, line.touchpoint_type.id, line.plan_date.year)
            self._schedule(line, company, today, horizon_end, book)
            if line.action != PlanAction.CREATE and budget_key in book.budgets:
                # deferred: its budget is not used
                book.budgets[budget_key] -= 1
        return lines

    @api.model
    def _working_days(self, user, company, first, last, book):
        """The working days from ``first`` to ``last`` (whole months) of the
        salesperson's calendar (or the company's; Monday to Friday without
        one), public holidays excluded, as {first day of month: [days]}."""
        calendar = user.resource_calendar_id or company.resource_calendar_id
        key = (calendar.id, company.id, first, last)
        if key not in book.working_days:
            span = [first + timedelta(days=n) for n in range((last - first).days + 1)]
            if calendar:
                unusual = calendar._get_unusual_days(
                    datetime.combine(first, time.min),
                    datetime.combine(last, time.max),
                    company,
                )
                days = [
                    day
                    for day in span
                    if not unusual.get(fields.Date.to_string(day), False)
                ]
            else:
                days = [day for day in span if day.weekday() < 5]
            by_month = defaultdict(list)
            for day in days:
                by_month[fields.Date.start_of(day, "month")].append(day)
            book.working_days[key] = dict(by_month)
        return book.working_days[key]

    @api.model
    def _load_capacity_book(self, book, lines, today, last_day):
        """Count in ``book`` what the capacity of the salespeople and contacts
        of ``lines`` has used (the ledger's), per day and month, from the
        first day of this month to the end of the month of ``last_day``."""
        pairs = {
            (line.user.id, line.touchpoint_type.id)
            for line in lines
            if line.touchpoint_type.capacity_per_user_month
        } - book.loaded
        if not pairs:
            return
        book.loaded |= pairs
        used = self.env["customer.followup.ledger"]._capacity_used(
            {pair[0] for pair in pairs},
            {pair[1] for pair in pairs},
            fields.Date.start_of(today, "month"),
            fields.Date.end_of(last_day, "month"),
        )
        for (user_id, type_id, day), count in used.items():
            if (user_id, type_id) not in pairs:
                continue
            month_key = (user_id, type_id, fields.Date.start_of(day, "month"))
            book.days[(user_id, type_id, day)] = count
            book.months[month_key] = book.months.get(month_key, 0) + count

    @api.model
    def _schedule(self, line, company, today, horizon_end, book):
        """Give ``line`` its day: the first working day from its due date (or
        today, for an overdue customer) up to ``horizon_end`` where the
        salesperson's capacity for the contact allows one more, the monthly
        capacity being divided over the working days of the month. A contact
        without capacity goes on the first working day. Never before today."""
        start = max(today, line.deadline)
        end = max(horizon_end, start)
        first = today.replace(day=1)
        last = end.replace(day=monthrange(end.year, end.month)[1])
        months = self._working_days(line.user, company, first, last, book)
        capacity = line.touchpoint_type.capacity_per_user_month
        user_id, type_id = line.user.id, line.touchpoint_type.id
        # months in order: the working days were filed day by day
        for month, month_days in months.items():
            for day in month_days:
                if day < start or day > horizon_end:
                    continue
                if capacity and (
                    book.months.get((user_id, type_id, month), 0) >= capacity
                    or book.days.get((user_id, type_id, day), 0)
                    >= book.day_quota(capacity, month_days, day)
                ):
                    continue
                if capacity:
                    month_key, day_key = (
                        (user_id, type_id, month),
                        (user_id, type_id, day),
                    )
                    book.months[month_key] = book.months.get(month_key, 0) + 1
                    book.days[day_key] = book.days.get(day_key, 0) + 1
                line.plan_date = day
                line.action = PlanAction.CREATE
                return
        if not capacity:
            # no working day left in the horizon (or none in the calendar)
            line.plan_date = start
            line.action = PlanAction.CREATE
            return
        line.action = PlanAction.DEFERRED
        reason_key = (type_id, user_id, horizon_end)
        if reason_key not in book.deferred_reasons:
            book.deferred_reasons[reason_key] = self.env._(
                "Deferred: the %(type)s capacity of %(user)s (%(capacity)s a month) "
                "is used up until %(date)s",
                type=line.touchpoint_type.name,
                user=line.user.name,
                capacity=capacity,
                date=format_date(self.env, horizon_end),
            )
        line.reason = book.deferred_reasons[reason_key]

    # ------------------------------------------------------------------
    # Activity summary
    # ------------------------------------------------------------------

    @api.model
    def _summary_data(self, partner_ids):
        """Last touchpoint, last order, open quotations and opportunities of the
        customers, in four queries."""
        data = {pid: {} for pid in partner_ids}
        if not partner_ids:
            return data
        # joined to the customers' list: "commercial_partner_id IN (...)"
        # of a thousand ids made PostgreSQL scan every partner
        id_list = list(partner_ids)
        self.env["customer.touchpoint"].flush_model(["partner_id", "date", "type_id"])
        self.env["sale.order"].flush_model(
            ["partner_id", "state", "date_order", "name"]
        )
        for pid, date, type_id in self.env.execute_query(
            SQL(
                """
                SELECT c.id, tp.date, tp.type_id
                  FROM unnest(%s::int[]) AS c(id)
                  JOIN LATERAL (
                        SELECT date, type_id
                          FROM customer_touchpoint
                         WHERE partner_id = c.id
                      ORDER BY date DESC, id DESC
                         LIMIT 1) tp ON TRUE
                """,
                id_list,
            )
        ):
            data[pid]["touchpoint"] = (date, type_id)
        for pid, name, date in self.env.execute_query(
            SQL(
                """
                SELECT c.id, so.name, so.date_order
                  FROM unnest(%s::int[]) AS c(id)
                  JOIN LATERAL (
                        SELECT so.name, so.date_order
                          FROM res_partner p
                          JOIN LATERAL (
                                SELECT name, date_order, id
                                  FROM sale_order
                                 WHERE partner_id = p.id AND state = 'sale'
                              ORDER BY date_order DESC, id DESC
                                 LIMIT 1) so ON TRUE
                         WHERE p.commercial_partner_id = c.id
                      ORDER BY so.date_order DESC, so.id DESC
                         LIMIT 1) so ON TRUE
                """,
                id_list,
            )
        ):
            data[pid]["order"] = (name, date)
        for pid, count in self.env.execute_query(
            SQL(
                """
                SELECT p.commercial_partner_id, COUNT(*)
                  FROM unnest(%s::int[]) AS c(id)
                  JOIN res_partner p ON p.commercial_partner_id = c.id
                  JOIN sale_order so ON so.partner_id = p.id
                 WHERE so.state IN ('draft', 'sent')
              GROUP BY p.commercial_partner_id
                """,
                id_list,
            )
        ):
            data[pid]["quotations"] = count
        self.env["crm.lead"].flush_model(
            ["partner_id", "type", "active", "probability", "name"]
        )
        for pid, names in self.env.execute_query(
            SQL(
                """
                SELECT p.commercial_partner_id, ARRAY_AGG(l.name ORDER BY l.id)
                  FROM unnest(%s::int[]) AS c(id)
                  JOIN res_partner p ON p.commercial_partner_id = c.id
                  JOIN crm_lead l ON l.partner_id = p.id
                 WHERE l.type = 'opportunity'
                   AND l.active
                   AND COALESCE(l.probability, 0) < 100
              GROUP BY p.commercial_partner_id
                """,
                id_list,
            )
        ):
            data[pid]["opportunities"] = names
        return data

    @api.model
    def _activity_phrases(self):
        """The phrases of the activity summaries in the context's language,
        translated once per plan instead of once per activity."""
        env = self.env
        return {
            "tier": env._("Tier %(tier)s: %(contact)s"),
            "due_since": env._("due since %(date)s (%(days)s days)"),
            "last_contact": env._("last contact %(days)s days ago (%(type)s)"),
            "never_contacted": env._("never contacted"),
            "last_order": env._("last order %(order)s on %(date)s"),
            "no_order": env._("no order in the window"),
            "quotations": env._("open quotations: %(count)s"),
            "opportunities": env._("open opportunity: %(names)s"),
            "types": {
                touchpoint_type.id: touchpoint_type.name
                for touchpoint_type in env["customer.touchpoint.type"]
                .with_context(active_test=False)
                .search([])
            },
            "dates": {},
            "date_format": self._date_format(),
        }

    @api.model
    def _date_format(self):
        """(babel locale, date pattern) of the context's language, as
        ``format_date`` finds them on each call."""
        lang = get_lang(self.env)
        locale = babel_locale_parse(lang.code)
        return locale, posix_to_ldml(lang.date_format, locale=locale)

    @api.model
    def _activity_texts(self, line, data, today, phrases=None):
        """Return (summary, note) of the activity for a ``PlanLine``, in the
        context's language (``phrases``: ``_activity_phrases`` of it)."""
        phrases = phrases or self._activity_phrases()
        dates = phrases["dates"]

        locale, pattern = phrases["date_format"]

        def date_text(value):
            if isinstance(value, datetime):
                value = fields.Datetime.context_timestamp(self, value).date()
            if value not in dates:
                dates[value] = babel.dates.format_date(
                    value, format=pattern, locale=locale
                )
            return dates[value]

        types = phrases["types"]
        parts = [
            phrases["tier"]
            % {
                "tier": line.partner.followup_tier_id.code,
                "contact": types.get(line.touchpoint_type.id, ""),
            }
        ]
        if line.deadline < today:
            parts.append(
                phrases["due_since"]
                % {
                    "date": date_text(line.deadline),
                    "days": (today - line.deadline).days,
                }
            )
        touchpoint = data.get("touchpoint")
        if touchpoint:
            parts.append(
                phrases["last_contact"]
                % {
                    "days": (
                        today - self.env.company._followup_date(touchpoint[0])
                    ).days,
                    "type": types.get(touchpoint[1], ""),
                }
            )
        else:
            parts.append(phrases["never_contacted"])
        order = data.get("order")
        if order:
            parts.append(
                phrases["last_order"] % {"order": order[0], "date": date_text(order[1])}
            )
        else:
            parts.append(phrases["no_order"])
        if data.get("quotations"):
            parts.append(phrases["quotations"] % {"count": data["quotations"]})
        if data.get("opportunities"):
            parts.append(
                phrases["opportunities"] % {"names": ", ".join(data["opportunities"])}
            )
        summary = " · ".join(parts)
        note = Markup(
            "<ul>%s</ul>" % "".join("<li>%s</li>" % escape(part) for part in parts)
        )
        if line.note:
            note += Markup("<p>%s</p>") % line.note
        return summary, note

    # ------------------------------------------------------------------
    # Writing
    # ------------------------------------------------------------------

    @api.model
    def _activity_vals(self, lines, today):
        """The values of the planned activities of ``lines`` (to create),
        each written for the salesperson who reads it, in their language."""
        data = self._summary_data([line.partner.id for line in lines])
        model_id = self.env["ir.model"]._get_id("res.partner")
        by_lang = defaultdict(list)
        shop_tz = self.env.company._followup_tz_name()
        for line in lines:
            reader = (line.user.lang or self.env.lang, line.user.tz or shop_tz)
            by_lang[reader].append(line)
        texts = {}
        for (lang, tz), lang_lines in by_lang.items():
            # written for the salesperson who reads it: their language and
            # timezone
            planner = self.with_context(lang=lang, tz=tz)
            phrases = planner._activity_phrases()
            for line in lang_lines:
                texts[id(line)] = planner._activity_texts(
                    line, data[line.partner.id], today, phrases
                )
        vals_list = []
        for line in lines:
            summary, note = texts[id(line)]
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": line.partner.id,
                    "activity_type_id": line.touchpoint_type.activity_type_id.id,
                    "user_id": line.user.id,
                    "date_deadline": line.plan_date,
                    "summary": summary,
                    "note": note,
                    "followup_planned": True,
                    "followup_touchpoint_type_id": line.touchpoint_type.id,
                    "followup_plan_date": line.plan_date,
                }
            )
        return vals_list

    @api.model
    def _apply_plan(self, lines, today):
        to_create = [line for line in lines if line.action == PlanAction.CREATE]
        if to_create:
            vals_list = self._activity_vals(to_create, today)
            self.env["mail.activity"].sudo().with_context(
                mail_activity_quick_update=True
            ).create(vals_list)
        by_values = defaultdict(list)
        for line in lines:
            partner = line.partner
            values = (line.reason or False, line.note or False)
            if values != (
                partner.followup_deferred_reason,
                partner.followup_plan_note,
            ):
                by_values[values].append(partner.id)
        for (reason, note), partner_ids in by_values.items():
            self.env["res.partner"].sudo().browse(partner_ids).write(
                {"followup_deferred_reason": reason, "followup_plan_note": note}
            )
        return len(to_create)

    @api.model
    def _clear_stale_notes(self, candidate_ids):
        stale = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("id", "not in", candidate_ids),
                    "|",
                    ("followup_deferred_reason", "!=", False),
                    ("followup_plan_note", "!=", False),
                ]
            )
        )
        stale.write({"followup_deferred_reason": False, "followup_plan_note": False})

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------

    @api.model
    def _plan(self, today=None, horizon_days=None, dry_run=True, cron=False):
        """Plan the follow-ups due within the horizon (the companies' settings
        unless ``horizon_days`` is given). Returns the ``PlanLine`` list; with
        ``dry_run`` nothing is written."""
        today = today or self.env.company._followup_today()
        limit_date = fields.Date.add(today, days=self._max_horizon_days(horizon_days))
        candidate_ids = self._candidate_ids(limit_date)
        candidate_ids = self.env["customer.followup.control"]._planner_candidates(
            candidate_ids, today, write=not dry_run
        )
        if not dry_run:
            self._clear_stale_notes(candidate_ids)
        partner_model = self.env["res.partner"].with_context(active_test=False)
        types_by_channel = self._types_by_channel()
        book = CapacityBook()
        all_lines = []
        remaining = len(candidate_ids)
        for batch_ids in split_every(PLAN_BATCH_SIZE, candidate_ids):
            partners = partner_model.browse(batch_ids)
            if not dry_run:
                # Another worker planning the same customers skips them.
                locked = partners.try_lock_for_update()
                planned = self.env["mail.activity"].search_fetch(
                    [
                        ("res_model", "=", "res.partner"),
                        ("res_id", "in", locked.ids),
                        ("followup_planned", "=", True),
                    ],
                    ["res_id"],
                )
                skip = set(planned.mapped("res_id"))
                partners = partners.filtered(
                    lambda p, locked=locked, skip=skip: p in locked and p.id not in skip
                )
            lines = self._plan_batch(
                partners, today, horizon_days, book, types_by_channel
            )
            all_lines += lines
            remaining -= len(batch_ids)
            if dry_run:
                continue
            self._apply_plan(lines, today)
            if cron and not self.env["ir.cron"]._commit_progress(
                len(batch_ids), remaining=remaining
            ):
                break
        return all_lines

    @api.model
    def _cron_plan_followups(self):
        self._plan(dry_run=False, cron=True)
