from collections import defaultdict

from odoo import api, fields, models

from ..models.customer_followup_plan_line import PlanAction
from ..models.value_range import DATE_MAX, DATE_MIN, ValueRange

COUNTERS = {
    PlanAction.CREATE: "planned_count",
    PlanAction.DEFERRED: "deferred_count",
    PlanAction.SKIPPED: "skipped_count",
}


class CustomerFollowupWorkload(models.TransientModel):
    _name = "customer.followup.workload"
    _inherit = ["customer.followup.guard"]
    _description = "Follow-up Workload Preview"

    date_from = fields.Date(
        string="From", required=True, default=fields.Date.context_today
    )
    horizon_days = fields.Integer(string="Days Ahead", required=True, default=30)
    line_ids = fields.One2many(
        "customer.followup.workload.line", "wizard_id", string="Workload"
    )
    planned_count = fields.Integer(compute="_compute_totals")
    deferred_count = fields.Integer(compute="_compute_totals")
    skipped_count = fields.Integer(compute="_compute_totals")

    _date_from_range = ValueRange("date_from", DATE_MIN, DATE_MAX)
    _horizon_days_range = ValueRange("horizon_days", 0, 365)

    @api.depends("line_ids.planned_count", "line_ids.deferred_count")
    def _compute_totals(self):
        for wizard in self:
            wizard.planned_count = sum(wizard.line_ids.mapped("planned_count"))
            wizard.deferred_count = sum(wizard.line_ids.mapped("deferred_count"))
            wizard.skipped_count = sum(wizard.line_ids.mapped("skipped_count"))

    def _get_plan(self):
        """The planner's own decisions, in a dry run."""
        self.ensure_one()
        # Read-only dry run over every salesperson's workload.
        return (
            self.env["customer.followup.planner"]
            .sudo()
            ._plan(today=self.date_from, horizon_days=self.horizon_days, dry_run=True)
        )

    @api.model
    def _visible_plan_lines(self, plan_lines):
        """A salesperson limited to own documents previews their own workload
        and that of the customers without a salesperson."""
        if self.env["res.partner"]._followup_sees_all_customers():
            return plan_lines
        user = self.env.user
        return [
            line for line in plan_lines if line.partner.user_id in (user, user.browse())
        ]

    @api.model
    def _line_values(self, plan_lines):
        groups = defaultdict(
            lambda: {"planned_count": 0, "deferred_count": 0, "skipped_count": 0}
        )
        for line in plan_lines:
            groups[line.capacity_key][COUNTERS[line.action]] += 1
        usage = {}
        self.env["customer.followup.planner"].sudo()._load_capacity_usage(
            usage, {key for key in groups if key[0] and key[1]}
        )
        vals_list = []
        for (user_id, type_id, month), counts in sorted(
            groups.items(), key=lambda item: (item[0][2], item[0][0], item[0][1])
        ):
            vals_list.append(
                {
                    "user_id": user_id,
                    "touchpoint_type_id": type_id,
                    "month": month,
                    "used_count": usage.get((user_id, type_id, month), 0),
                    **counts,
                }
            )
        return vals_list

    def action_compute(self):
        self.ensure_one()
        self.line_ids.unlink()
        self.line_ids = [
            fields.Command.create(vals)
            for vals in self._line_values(self._visible_plan_lines(self._get_plan()))
        ]
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Workload Preview"),
        }


class CustomerFollowupWorkloadLine(models.TransientModel):
    _name = "customer.followup.workload.line"
    _description = "Follow-up Workload Preview Line"
    _order = "month, user_id, touchpoint_type_id"

    wizard_id = fields.Many2one(
        "customer.followup.workload", required=True, ondelete="cascade"
    )
    user_id = fields.Many2one("res.users", string="Salesperson")
    touchpoint_type_id = fields.Many2one("customer.touchpoint.type", string="Contact")
    month = fields.Date()
    planned_count = fields.Integer(string="To Plan")
    deferred_count = fields.Integer(string="Deferred")
    skipped_count = fields.Integer(string="Not Planned")
    capacity = fields.Integer(related="touchpoint_type_id.capacity_per_user_month")
    used_count = fields.Integer(
        string="Already Planned",
        help="Planned follow-ups of this salesperson, contact and month already "
        "scheduled or done when the preview was computed.",
    )
    load_percent = fields.Float(string="Load (%)", compute="_compute_load_percent")

    @api.depends("used_count", "planned_count", "capacity")
    def _compute_load_percent(self):
        for line in self:
            line.load_percent = (
                100.0 * (line.used_count + line.planned_count) / line.capacity
                if line.capacity
                else 0.0
            )
