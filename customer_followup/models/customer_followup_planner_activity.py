# One model, one file per concept (see the base model's docstring).
# pylint: disable=consider-merging-classes-inherited
from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL

from .customer_followup_orders import confirmed_orders_sql, open_quotations_sql
from .customer_followup_plan_line import PlanAction


class CustomerFollowupPlanner(models.AbstractModel):
    """Writes the plan: the planned activities, with their texts for the
    salesperson (the activity text builder's), and the customers' notes."""

    _inherit = "customer.followup.planner"

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
                                SELECT so.name, so.date_order, so.id
                                  FROM (%s) so
                                 WHERE so.buyer_id = p.id
                              ORDER BY so.date_order DESC, so.id DESC
                                 LIMIT 1) so ON TRUE
                         WHERE p.commercial_partner_id = c.id
                      ORDER BY so.date_order DESC, so.id DESC
                         LIMIT 1) so ON TRUE
                """,
                id_list,
                confirmed_orders_sql("name"),
            )
        ):
            data[pid]["order"] = (name, date)
        for pid, count in self.env.execute_query(
            SQL(
                """
                SELECT q.customer_id, COUNT(*)
                  FROM (%s) q
                 WHERE q.customer_id = ANY(%s)
              GROUP BY q.customer_id
                """,
                open_quotations_sql(),
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
            **env["customer.followup.activity.text"]._order_phrases(),
            "quotations": env._("open quotations: %(count)s"),
            "opportunities": env._("open opportunity: %(names)s"),
            "types": {
                touchpoint_type.id: touchpoint_type.name
                for touchpoint_type in env["customer.touchpoint.type"]
                .with_context(active_test=False)
                .search([])
            },
            "date_text": env["customer.followup.activity.text"]._date_formatter(),
        }

    @api.model
    def _activity_texts(self, line, data, today, phrases=None):
        """Return (summary, note) of the activity for a ``PlanLine``, in the
        context's language (``phrases``: ``_activity_phrases`` of it), by
        the activity text builder: the facts, then the plan's note."""
        phrases = phrases or self._activity_phrases()
        date_text = phrases["date_text"]
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
        parts.append(
            self.env["customer.followup.activity.text"]._order_fact(
                data.get("order"), phrases, date_text
            )
        )
        if data.get("quotations"):
            parts.append(phrases["quotations"] % {"count": data["quotations"]})
        if data.get("opportunities"):
            parts.append(
                phrases["opportunities"] % {"names": ", ".join(data["opportunities"])}
            )
        return self.env["customer.followup.activity.text"]._texts(
            parts, text=line.note or None
        )

    # ------------------------------------------------------------------
    # Writing
    # ------------------------------------------------------------------

    @api.model
    def _activity_vals(self, lines, today):
        """The values of the planned activities of ``lines`` (to create),
        each written for the salesperson who reads it, in their language."""
        data = self._summary_data([line.partner.id for line in lines])
        model_id = self.env["ir.model"]._get_id("res.partner")
        by_reader = defaultdict(list)
        builder = self.env["customer.followup.activity.text"]
        for line in lines:
            # written for the salesperson who reads it: their language and
            # timezone
            context = builder._for_reader(line.user).env.context
            by_reader[context["lang"], context["tz"]].append(line)
        texts = {}
        for (lang, tz), lang_lines in by_reader.items():
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
