from odoo import api, fields, models


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

    @api.model_create_multi
    def create(self, vals_list):
        activities = super().create(vals_list)
        if self.env.context.get("followup_schedule_next"):
            activities._followup_plan_scheduled_next()
        return activities

    @api.onchange("activity_type_id")
    def _onchange_activity_type_id(self):
        result = super()._onchange_activity_type_id()
        proposal = self._followup_scheduled_next_proposal()
        if proposal and self.activity_type_id == proposal["activity_type"]:
            self.date_deadline = proposal["date_deadline"]
            self.user_id = proposal["user"]
            self.summary = proposal["summary"]
        return result

    def action_feedback_schedule_next(self, feedback=False, attachment_ids=None):
        """For a planned follow-up, the next activity proposed is the customer's
        next planned contact, due when the tier's cadence says (counted from
        the contact just logged), never before tomorrow."""
        self.check_access("write")
        followup = (
            len(self) == 1
            and self.followup_planned
            and self.res_model == "res.partner"
            and self.res_id
        )
        user = self.user_id
        action = super().action_feedback_schedule_next(
            feedback=feedback, attachment_ids=attachment_ids
        )
        if followup and action:
            context = dict(action.get("context") or {})
            context["followup_schedule_next"] = {"user_id": user.id}
            # a late follow-up done today: the delays of the other activity
            # types count from today, not from the missed deadline
            context["activity_previous_deadline"] = self.env.company._followup_today()
            # the done activity may be gone: the proposal reads the defaults
            proposal = (
                self.browse()
                .with_context(**context)
                ._followup_scheduled_next_proposal()
            )
            if proposal:
                context["default_activity_type_id"] = proposal["activity_type"].id
                action["context"] = context
        return action

    @api.model
    def _followup_next_contact(self, partner):
        """Return (touchpoint type, deadline) of the customer's next planned
        contact: the tier's contact, or the planner's fallback when the
        customer refuses it; due on the customer's next follow-up date, not
        before tomorrow. (empty type, False) when the tier plans no contact."""
        touchpoint_type = self.env["customer.touchpoint.type"]
        wanted = partner.followup_tier_id.touchpoint_type_id
        if not partner.active or not wanted:
            return touchpoint_type, False
        planner = self.env["customer.followup.planner"]
        touchpoint_type, _note = planner._resolve_touchpoint_type(
            partner, wanted, planner._types_by_channel()
        )
        tomorrow = fields.Date.add(self.env.company._followup_today(), days=1)
        deadline = max(partner.next_followup_date or tomorrow, tomorrow)
        return touchpoint_type, deadline

    def _followup_scheduled_next_proposal(self):
        """What "Done & Schedule Next" proposes after a planned follow-up (the
        context says which), for the activity being scheduled; None if it
        proposes nothing."""
        scheduled_next = self.env.context.get("followup_schedule_next")
        if not scheduled_next:
            return None
        res_model = self.res_model or self.env.context.get("default_res_model")
        res_id = self.res_id or self.env.context.get("default_res_id")
        if res_model != "res.partner" or not res_id:
            return None
        partner = self.env["res.partner"].browse(res_id).exists()
        if not partner:
            return None
        touchpoint_type, deadline = self._followup_next_contact(partner)
        if not touchpoint_type.activity_type_id:
            return None
        user = self.env["res.users"].browse(scheduled_next.get("user_id")).exists()
        return {
            "partner": partner,
            "touchpoint_type": touchpoint_type,
            "activity_type": touchpoint_type.activity_type_id,
            "date_deadline": deadline,
            "user": user if user.active else partner.user_id or self.env.user,
            "summary": self.env._(
                "Tier %(tier)s: %(contact)s",
                tier=partner.followup_tier_id.code,
                contact=touchpoint_type.name,
            ),
        }

    def _followup_plan_scheduled_next(self):
        """The customer's next contact scheduled with "Done & Schedule Next"
        is a planned follow-up, so that the planner does not plan another
        one and counts it against the capacity."""
        today = self.env.company._followup_today()
        for activity in self:
            proposal = activity._followup_scheduled_next_proposal()
            if (
                not proposal
                or not activity.active
                or activity.followup_planned
                or activity.activity_type_id != proposal["activity_type"]
            ):
                continue
            already_planned = self.sudo().search_count(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", activity.res_id),
                    ("followup_planned", "=", True),
                ],
                limit=1,
            )
            if already_planned:
                continue
            activity.sudo().write(
                {
                    "followup_planned": True,
                    "followup_touchpoint_type_id": proposal["touchpoint_type"].id,
                    "followup_plan_date": max(activity.date_deadline, today),
                }
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
        pieces = {
            piece.activity_id.id: piece
            for piece in self.env["customer.followup.campaign.piece"]
            .sudo()
            .search([("activity_id", "in", activities.ids), ("state", "=", "planned")])
        }
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
                    "origin": "campaign" if activity.id in pieces else "activity",
                    "campaign_id": (
                        pieces[activity.id].campaign_id.id
                        if activity.id in pieces
                        else False
                    ),
                    "company_id": (
                        (order or lead or partner).company_id.id or self.env.company.id
                    ),
                }
            )
        touchpoints = touchpoint_model.create(vals_list)
        if pieces:
            self.env["customer.followup.campaign.piece"]._mark_done_by(touchpoints)
        return touchpoints
