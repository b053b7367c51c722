from odoo import fields, models


class MailActivity(models.Model):
    _name = "mail.activity"
    _inherit = ["mail.activity", "customer.followup.guard"]

    _followup_system_fields = (
        "followup_planned",
        "followup_touchpoint_type_id",
        "followup_plan_date",
    )

    followup_planned = fields.Boolean(
        string="Planned Follow-up",
        readonly=True,
        copy=False,
        help="Scheduled by the customer follow-up planner.",
    )
    followup_touchpoint_type_id = fields.Many2one(
        "customer.touchpoint.type",
        string="Planned Touchpoint Type",
        readonly=True,
        copy=False,
        ondelete="set null",
        index="btree_not_null",
    )
    followup_plan_date = fields.Date(
        string="Planned For",
        readonly=True,
        copy=False,
        help="Day the planner counted this follow-up against the monthly capacity.",
    )

    _followup_planned_unique = models.UniqueIndex(
        "(res_model_id, res_id) WHERE followup_planned AND active",
        "A customer has one open planned follow-up at most.",
    )

    def _action_done(self, feedback=False, attachment_ids=None):
        self._log_followup_touchpoints(feedback)
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)

    def _followup_touchpoint_links(self):
        """Return (partner, order, lead) the activity is about, or Nones."""
        self.ensure_one()
        if not self.res_model or not self.res_id:
            return None, None, None
        record = self.env[self.res_model].sudo().browse(self.res_id).exists()
        if not record:
            return None, None, None
        if self.res_model == "res.partner":
            return record, None, None
        if self.res_model == "sale.order":
            return record.partner_id, record, None
        if self.res_model == "crm.lead":
            return record.partner_id, None, record
        return None, None, None

    def _log_followup_touchpoints(self, feedback):
        touchpoint_model = self.env["customer.touchpoint"].sudo()
        activities = self.filtered(
            lambda a: (
                a.active
                and a.res_model in ("res.partner", "sale.order", "crm.lead")
                and a.activity_type_id
            )
        )
        if not activities:
            return touchpoint_model
        types = (
            self.env["customer.touchpoint.type"]
            .sudo()
            .search([("activity_type_id", "in", activities.activity_type_id.ids)])
        )
        type_by_activity_type = {t.activity_type_id: t for t in types}
        logged = touchpoint_model.search([("activity_id", "in", activities.ids)])
        if feedback:
            # e.g. the email written from the chatter for this activity: the
            # feedback of the done activity completes that touchpoint
            logged.filtered(lambda t: not t.feedback).feedback = feedback
        already_logged = set(logged.activity_id.ids)
        vals_list = []
        for activity in activities:
            touchpoint_type = type_by_activity_type.get(activity.activity_type_id)
            if not touchpoint_type or activity.id in already_logged:
                continue
            partner, order, lead = activity._followup_touchpoint_links()
            if not partner:
                continue
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "type_id": touchpoint_type.id,
                    "user_id": self.env.user.id,
                    "summary": activity.summary or touchpoint_type.name,
                    "feedback": feedback or False,
                    "sale_order_id": order.id if order else False,
                    "lead_id": lead.id if lead else False,
                    "activity_id": activity.id,
                    "origin": "activity",
                    "company_id": (
                        (order or lead or partner).company_id.id or self.env.company.id
                    ),
                }
            )
        return touchpoint_model.create(vals_list)
