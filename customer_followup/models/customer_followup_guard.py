from odoo import api, models

from .value_range import ValueRange


class CustomerFollowupGuard(models.AbstractModel):
    """What users may write on the follow-up models.

    - Values of the fields with a ``ValueRange`` are checked before they reach
      the database, with the range's translated message.
    - The fields in ``_followup_system_fields`` are the addon's own analysis
      output (scores, planner notes, computed dates): only the addon's code,
      as superuser, writes them; over RPC or in a form they are read-only."""

    _name = "customer.followup.guard"
    _description = "Follow-up Value Guard"

    _followup_system_fields = ()

    @api.model
    def _followup_value_ranges(self):
        return [
            table_object
            for table_object in self._table_objects.values()
            if isinstance(table_object, ValueRange)
        ]

    @api.model
    def _check_followup_ranges(self, vals):
        for value_range in self._followup_value_ranges():
            if value_range.field_name in vals:
                value_range.check(self, vals[value_range.field_name])

    def _has_field_access(self, field, operation):
        if (
            operation == "write"
            and field.name in self._followup_system_fields
            and not self.env.su
        ):
            return False
        return super()._has_field_access(field, operation)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_followup_ranges(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_followup_ranges(vals)
        return super().write(vals)
