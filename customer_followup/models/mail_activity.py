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

    def _followup_captured_emails(self, activities, type_by_activity_type):
        """The emails the user wrote from the chatter to the customers of the
        email activities being done, since the oldest of them was created,
        not yet linked to an activity (latest first)."""
        email_activity_types = {
            touchpoint_type.activity_type_id
            for touchpoint_type in type_by_activity_type.values()
            if touchpoint_type.channel == "email"
        }
        email_activities = activities.filtered(
            lambda a: a.activity_type_id in email_activity_types
        )
        if not email_activities:
            return self.env["customer.touchpoint"]
        partners = self.env["res.partner"]
        for activity in email_activities:
            partners |= activity._followup_touchpoint_links()[0] or partners
        return (
            self.env["customer.touchpoint"]
            .sudo()
            .search(
                [
                    ("origin", "=", "chatter"),
                    ("activity_id", "=", False),
                    ("user_id", "=", self.env.user.id),
                    ("partner_id", "in", partners.commercial_partner_id.ids),
                    ("date", ">=", min(email_activities.mapped("create_date"))),
                ]
            )
        )

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
        already_logged = set(
            touchpoint_model.search(
                [("activity_id", "in", activities.ids)]
            ).activity_id.ids
        )
        emails = self._followup_captured_emails(activities, type_by_activity_type)
        vals_list = []
        for activity in activities:
            touchpoint_type = type_by_activity_type.get(activity.activity_type_id)
            if not touchpoint_type or activity.id in already_logged:
                continue
            partner, order, lead = activity._followup_touchpoint_links()
            if not partner:
                continue
            email = next(
                (
                    touchpoint
                    for touchpoint in emails
                    if touchpoint.partner_id == partner.commercial_partner_id
                    and touchpoint.date >= activity.create_date
                    and not touchpoint.activity_id
                ),
                None,
            )
            if email:
                # the email written from the chatter for this activity is the
                # contact: the activity completes it instead of logging another
                email.write(
                    {"activity_id": activity.id, "feedback": feedback or email.feedback}
                )
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
