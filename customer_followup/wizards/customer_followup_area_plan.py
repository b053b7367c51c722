from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..models.value_range import ValueRange


class CustomerFollowupAreaPlan(models.TransientModel):
    """Plan by area: a salesperson's planned visits of the coming weeks,
    with the day proposed for each so that neighbours are visited on the
    same day (customer.followup.planner._plan_visits_by_area); applying
    moves the visits."""

    _name = "customer.followup.area.plan"
    _inherit = ["customer.followup.guard"]
    _description = "Plan Visits by Area"

    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        required=True,
        default=lambda self: self.env.user,
        domain=[("share", "=", False)],
    )
    weeks = fields.Integer(
        string="Weeks Ahead",
        required=True,
        default=4,
        help="The planned visits of the coming weeks (from tomorrow) to gather "
        "by area.",
    )
    can_choose_user = fields.Boolean(
        string="Can Choose the Salesperson", compute="_compute_can_choose_user"
    )
    line_ids = fields.One2many(
        "customer.followup.area.plan.line", "wizard_id", string="Visits"
    )
    proposed = fields.Boolean(readonly=True)
    moved_count = fields.Integer(string="Visits Moved", compute="_compute_moved")
    message = fields.Char(readonly=True)

    _weeks_range = ValueRange("weeks", 1, 12)

    @api.depends_context("uid")
    def _compute_can_choose_user(self):
        # a salesperson limited to own documents plans their own visits
        self.can_choose_user = self.env["res.partner"]._followup_sees_all_customers()

    @api.depends("line_ids.moved")
    def _compute_moved(self):
        for wizard in self:
            wizard.moved_count = len(wizard.line_ids.filtered("moved"))

    def _check_salesperson(self):
        self.ensure_one()
        self.check_access("write")
        if (
            self.user_id != self.env.user
            and not self.env["res.partner"]._followup_sees_all_customers()
        ):
            raise AccessError(self.env._("You can plan your own visits only."))

    def _period(self):
        today = self.env.company._followup_today()
        return (
            fields.Date.add(today, days=1),
            fields.Date.add(today, days=7 * self.weeks),
        )

    def _visits(self, first, last):
        """The salesperson's open planned visits due from ``first`` to
        ``last`` (read as superuser: the caller's access is checked)."""
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "res.partner"),
                    ("followup_planned", "=", True),
                    ("user_id", "=", self.user_id.id),
                    ("followup_touchpoint_type_id.channel", "=", "visit"),
                    ("date_deadline", ">=", first),
                    ("date_deadline", "<=", last),
                ],
                order="date_deadline, id",
            )
        )

    def _proposal(self):
        """[line values] of the visits of the period with their proposed day."""
        first, last = self._period()
        visits = (
            self.env["customer.followup.planner"]
            .sudo()
            ._plan_visits_by_area(self._visits(first, last), first, last)
        )
        return [
            {
                "activity_id": visit.activity.id,
                "partner_id": visit.activity.res_id,
                "area": visit.area,
                "old_date": visit.old_day,
                "new_date": visit.day,
            }
            for visit in visits
        ]

    def _write_proposal(self, vals_list, message=False):
        self.line_ids.unlink()
        self.write(
            {
                "line_ids": [fields.Command.create(vals) for vals in vals_list],
                "proposed": True,
                "message": message,
            }
        )

    def _action_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "name": self.env._("Plan Visits by Area"),
            "context": {"dialog_size": "extra-large"},
        }

    def action_propose(self):
        self._check_salesperson()
        vals_list = self._proposal()
        self._write_proposal(
            vals_list,
            False
            if vals_list
            else self.env._(
                "No planned visit of %(user)s in these weeks.", user=self.user_id.name
            ),
        )
        return self._action_reopen()

    def action_apply(self):
        """Move the visits as proposed; if the planned visits changed since
        (a visit done or moved, a new one planned), the new proposal is shown
        instead, to be applied in turn."""
        self._check_salesperson()
        vals_list = self._proposal()
        current = {
            (vals["activity_id"], vals["old_date"], vals["new_date"])
            for vals in vals_list
        }
        shown = {
            (line.activity_id.id, line.old_date, line.new_date)
            for line in self.line_ids
        }
        if current != shown:
            self._write_proposal(
                vals_list,
                self.env._(
                    "The planned visits changed since the proposal: here is the "
                    "new one."
                ),
            )
            return self._action_reopen()
        for line in self.line_ids.filtered("moved"):
            # the planner's fields: the day counted against the capacity too
            line.activity_id.sudo().write(
                {"date_deadline": line.new_date, "followup_plan_date": line.new_date}
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s visits moved.", count=self.moved_count
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }


class CustomerFollowupAreaPlanLine(models.TransientModel):
    _name = "customer.followup.area.plan.line"
    _description = "Plan Visits by Area: Visit"
    _order = "new_date, area, partner_id, id"

    wizard_id = fields.Many2one(
        "customer.followup.area.plan", required=True, ondelete="cascade"
    )
    # what the proposal wrote: not for users to change
    activity_id = fields.Many2one(
        "mail.activity", "Visit", ondelete="cascade", readonly=True
    )
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    area = fields.Char(readonly=True)
    old_date = fields.Date("Planned For", readonly=True)
    new_date = fields.Date("Proposed Day", readonly=True)
    moved = fields.Boolean(compute="_compute_moved", store=True)

    @api.depends("old_date", "new_date")
    def _compute_moved(self):
        for line in self:
            line.moved = line.old_date != line.new_date
