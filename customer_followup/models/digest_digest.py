from odoo import fields, models
from odoo.exceptions import AccessError


class DigestDigest(models.Model):
    """The overview's key figures in Odoo's periodic digest: contacts made,
    their points, regulars late to reorder and replacement
    parts ordered, each over the digest's periods."""

    _inherit = "digest.digest"

    kpi_followup_contacts = fields.Boolean(string="Follow-up Contacts")
    kpi_followup_contacts_value = fields.Integer(
        compute="_compute_kpi_followup_contacts_value"
    )
    kpi_followup_points = fields.Boolean(string="Follow-up Points")
    kpi_followup_points_value = fields.Float(
        compute="_compute_kpi_followup_points_value"
    )
    kpi_followup_late_reorders = fields.Boolean(string="Regulars Late to Reorder")
    kpi_followup_late_reorders_value = fields.Integer(
        compute="_compute_kpi_followup_late_reorders_value"
    )
    kpi_followup_parts_ordered = fields.Boolean(string="Replacement Parts Ordered")
    kpi_followup_parts_ordered_value = fields.Integer(
        compute="_compute_kpi_followup_parts_ordered_value"
    )

    def _check_followup_kpi_access(self):
        if not self.env.user.has_group("customer_followup.group_followup_user"):
            raise AccessError(
                self.env._("Do not have access, skip this data for user's digest email")
            )

    def _compute_kpi_followup_contacts_value(self):
        self._check_followup_kpi_access()
        self._calculate_company_based_kpi(
            "customer.touchpoint",
            "kpi_followup_contacts_value",
            date_field="date",
            additional_domain=[("direction", "=", "outbound")],
        )

    def _compute_kpi_followup_points_value(self):
        self._check_followup_kpi_access()
        self._calculate_company_based_kpi(
            "customer.touchpoint",
            "kpi_followup_points_value",
            date_field="date",
            additional_domain=[("direction", "=", "outbound")],
            sum_field="weight",
        )

    def _compute_kpi_followup_late_reorders_value(self):
        """The regulars late to reorder at the end of the period, counted as
        the weekly mail and the overview list them (a purchase moves the
        late date): not only those who became late in the period."""
        self._check_followup_kpi_access()
        _start, end, companies = self._get_kpi_compute_parameters()
        # the shop's day the period ends; read outside a digest's mail (its
        # form, a list), the digest has no period: today
        company = self.env.company
        end_day = (
            company._followup_date(fields.Datetime.to_datetime(end))
            if end
            else company._followup_today()
        )
        counts = dict(
            self.env["customer.reorder.interval"]._read_group(
                [
                    ("company_id", "in", companies.ids),
                    ("late_date", "<", end_day),
                ],
                ["company_id"],
                ["__count"],
            )
        )
        for digest in self:
            company = digest.company_id or self.env.company
            digest.kpi_followup_late_reorders_value = counts.get(company, 0)

    def _compute_kpi_followup_parts_ordered_value(self):
        self._check_followup_kpi_access()
        self._calculate_company_based_kpi(
            "customer.replacement",
            "kpi_followup_parts_ordered_value",
            date_field="order_id.date_order",
            additional_domain=[("state", "=", "ordered")],
        )

    def _compute_kpis_actions(self, company, user):
        res = super()._compute_kpis_actions(company, user)
        menu = self.env.ref("customer_followup.menu_followup_root").id
        res.update(
            kpi_followup_contacts=f"customer_followup.action_customer_touchpoint"
            f"?menu_id={menu}",
            kpi_followup_points=f"customer_followup.action_customer_touchpoint"
            f"?menu_id={menu}",
            kpi_followup_late_reorders="customer_followup."
            f"action_customer_reorder_interval?menu_id={menu}",
            kpi_followup_parts_ordered="customer_followup."
            f"action_customer_replacement?menu_id={menu}",
        )
        return res
