from collections import defaultdict

from babel.dates import format_skeleton

from odoo import api, fields, models
from odoo.tools.misc import babel_locale_parse, get_lang

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
        string="From",
        required=True,
        default=lambda self: self.env.company._followup_today(),
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

    @api.depends(
        "line_ids.planned_count", "line_ids.deferred_count", "line_ids.skipped_count"
    )
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
    def _line_salesperson(self, line):
        """Who the line's customer is for: the planner's choice, or for a
        customer it does not plan, the salesperson (or the settings' fallback
        salesperson) it would have been given."""
        if line.user:
            return line.user
        partner = line.partner
        if partner.user_id.active:
            return partner.user_id
        return (partner.company_id or self.env.company).followup_user_id

    @api.model
    def _line_reason(self, line, user):
        if line.action == PlanAction.SKIPPED and line.partner.active and not user:
            return self.env._(
                "Not planned: no salesperson. Give these customers a salesperson, "
                "or set the fallback salesperson in Settings > Sales > Customer "
                "follow-up > Follow-up planner."
            )
        if line.action == PlanAction.SKIPPED:
            return line.note or False
        return line.reason or False

    @api.model
    def _line_values(self, plan_lines):
        groups = defaultdict(
            lambda: {
                "planned_count": 0,
                "deferred_count": 0,
                "skipped_count": 0,
                "partner_ids": [],
            }
        )
        reasons = {}
        for line in plan_lines:
            user = self._line_salesperson(line)
            reason = self._line_reason(line, user)
            # the customers not planned are grouped by why
            key = (
                user.id,
                line.touchpoint_type.id,
                line.month,
                reason if line.action == PlanAction.SKIPPED else False,
            )
            groups[key][COUNTERS[line.action]] += 1
            groups[key]["partner_ids"].append(line.partner.id)
            if reason and not reasons.get(key):
                reasons[key] = reason
        usage = {}
        self.env["customer.followup.planner"].sudo()._load_capacity_usage(
            usage, {key[:3] for key in groups if key[0] and key[1]}
        )
        users = self.env["res.users"].browse({key[0] for key in groups if key[0]})
        names = {user.id: user.name for user in users}
        vals_list = []
        for key, counts in sorted(
            groups.items(),
            key=lambda item: (
                item[0][2],
                not item[0][0],
                names.get(item[0][0], ""),
                item[0][1] or 0,
                item[0][3] or "",
            ),
        ):
            user_id, type_id, month, _skip_reason = key
            partner_ids = counts.pop("partner_ids")
            vals_list.append(
                {
                    "user_id": user_id,
                    "touchpoint_type_id": type_id,
                    "month": month,
                    "used_count": usage.get((user_id, type_id, month), 0),
                    "reason": reasons.get(key, False),
                    "partner_ids": [fields.Command.set(partner_ids)],
                    **counts,
                }
            )
        return vals_list

    def _action_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "name": self.env._("Workload Preview"),
            "context": {"dialog_size": "extra-large"},
        }

    def action_compute(self):
        self.ensure_one()
        self.check_access("write")
        self.line_ids.unlink()
        self.line_ids = [
            fields.Command.create(vals)
            for vals in self._line_values(self._visible_plan_lines(self._get_plan()))
        ]
        return self._action_reopen()


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
    month_label = fields.Char(string="Month Name", compute="_compute_labels")
    capacity_label = fields.Char(string="Capacity", compute="_compute_labels")
    salesperson = fields.Char(string="Salesperson Name", compute="_compute_labels")
    load_percent = fields.Float(string="Load (%)", compute="_compute_load_percent")
    reason = fields.Text(
        help="Why the customers of the line are deferred or not planned, and "
        "what plans them."
    )
    partner_ids = fields.Many2many("res.partner", string="Customers")

    @api.depends("capacity", "load_percent", "user_id", "month")
    def _compute_labels(self):
        locale = babel_locale_parse(get_lang(self.env).code)
        for line in self:
            # "November 2026", "2026年11月": the locale's own month and year
            line.month_label = (
                format_skeleton("yMMMM", line.month, locale=locale)
                if line.month
                else False
            )
            line.capacity_label = (
                f"{line.capacity:,} ({line.load_percent:.0f} %)"
                if line.capacity
                else self.env._("unlimited")
            )
            line.salesperson = line.user_id.name or self.env._("No salesperson")

    @api.depends("used_count", "planned_count", "capacity")
    def _compute_load_percent(self):
        for line in self:
            line.load_percent = (
                100.0 * (line.used_count + line.planned_count) / line.capacity
                if line.capacity
                else 0.0
            )

    def action_open_partners(self):
        self.ensure_one()
        self.check_access("read")
        domain = [("id", "in", self.partner_ids.ids)]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customers"),
            "res_model": "res.partner",
            "domain": domain,
            "views": [(False, "list"), (False, "form")],
            "context": {"active_test": False},
            "target": "current",
        }
