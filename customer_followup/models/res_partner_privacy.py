# One model, one file per concept (see the base model's file).
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.tools import SQL

# The customer's personal data and the analysis the addon adds to it: only
# the customer's salesperson, the leaders of that salesperson's teams and the
# follow-up (or sales) managers see them. The tier stays visible to all.
PRIVATE_FIELDS = (
    "followup_mourning_date",
    "followup_customer_since",
    "followup_score",
    "followup_score_id",
    "followup_strategic",
    "next_followup_date",
    "followup_status",
    "last_touchpoint_date",
    "last_cadence_contact_date",
    "followup_deferred_reason",
    "followup_plan_note",
    "followup_control_until",
)


class ResPartner(models.Model):
    """Other users read these fields as empty (a list of customers stays a
    list, not an access error), cannot search, group, sort or aggregate on
    them beyond the customers they may see, and export them empty. Customers
    without a salesperson are everybody's, as in the record rules."""

    _inherit = "res.partner"

    followup_private_hidden = fields.Boolean(
        string="Follow-up Data Hidden",
        compute="_compute_followup_private_hidden",
        help="Technical: the user does not see this customer's follow-up "
        "data (the screens say so instead of showing empty values).",
    )

    @api.depends("user_id", "commercial_partner_id.user_id")
    @api.depends_context("uid")
    def _compute_followup_private_hidden(self):
        hidden = self._followup_private_hidden()
        for partner in self:
            partner.followup_private_hidden = partner in hidden

    @api.model
    def _followup_private_open(self):
        """Whether the user sees the private data of every customer."""
        return self.env.su or self.env.user.has_group(
            "customer_followup.group_followup_manager"
        )

    @api.model
    def _followup_private_owners(self):
        """The salespeople whose customers' private data the user sees: the
        user and the members of the teams the user leads."""
        members = (
            self.env["crm.team.member"]
            .sudo()
            .search([("crm_team_id.user_id", "=", self.env.uid)])
            .user_id
        )
        return self.env.user | members

    def _followup_private_hidden(self):
        """The records of ``self`` whose private data the user does not see."""
        if self._followup_private_open():
            return self.browse()
        owners = self._followup_private_owners()
        return self.filtered(
            lambda partner: (
                (owner := partner.sudo().commercial_partner_id.user_id)
                and owner not in owners
            )
        )

    @api.model
    def _followup_private_sql(self, alias):
        """SQL condition: the user sees the private data of the row."""
        return SQL(
            "%s IN (SELECT p.id FROM res_partner p "
            "WHERE p.user_id IS NULL OR p.user_id IN %s)",
            SQL.identifier(alias, "commercial_partner_id"),
            tuple(self._followup_private_owners().ids),
            to_flush=[self._fields["user_id"], self._fields["commercial_partner_id"]],
        )

    def _field_to_sql(self, alias, field_expr, query=None):
        sql = super()._field_to_sql(alias, field_expr, query)
        if field_expr.split(".")[0] in PRIVATE_FIELDS and not (
            self._followup_private_open()
        ):
            sql = SQL(
                "(CASE WHEN %s THEN %s END)", self._followup_private_sql(alias), sql
            )
        return sql

    def _fetch_query(self, query, fields):
        # the cache holds the true values, whoever reads first
        if self.env.su or not any(field.name in PRIVATE_FIELDS for field in fields):
            return super()._fetch_query(query, fields)
        return (
            super(ResPartner, self.sudo())
            ._fetch_query(query, fields)
            .with_env(self.env)
        )

    @api.model
    def _followup_private_empty(self, fname):
        return {"float": 0.0, "integer": 0}.get(self._fields[fname].type, False)

    def _read_format(self, fnames, load="_classic_read"):
        result = super()._read_format(fnames, load=load)
        private = [fname for fname in fnames if fname in PRIVATE_FIELDS]
        if not private or not result:
            return result
        hidden = set(self._followup_private_hidden()._ids)
        for values in result:
            if values["id"] in hidden:
                values.update(
                    (fname, self._followup_private_empty(fname)) for fname in private
                )
        return result

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        result = super().fields_get(allfields=allfields, attributes=attributes)
        if not self._followup_private_open():
            # not offered in the export dialog of who cannot see them all
            for fname in PRIVATE_FIELDS:
                if fname in result and (not attributes or "exportable" in attributes):
                    result[fname]["exportable"] = False
        return result

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        columns = [
            i for i, path in enumerate(fields) if path and path[0] in PRIVATE_FIELDS
        ]
        hidden = self._followup_private_hidden() if columns else self.browse()
        if not hidden:
            return super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
        lines = []
        for partner in self:
            rows = super(ResPartner, partner)._export_rows(
                fields, _is_toplevel_call=_is_toplevel_call
            )
            if partner in hidden:
                for row in rows:
                    for column in columns:
                        row[column] = ""
            lines += rows
        return lines
