import datetime

from odoo import fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date, formatLang

# Dates a person would recognise as real: nothing before 1900 or after 2200.
DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2200, 12, 31)


class ValueRange(models.Constraint):
    """The range of a numeric or date field, declared once on the model.

    It is a CHECK constraint in the database, and the guard mixin
    (``customer.followup.guard``) checks written values against it before
    they reach the database, so that a value out of range gets the same
    translated message that names the field and its range, never a raw
    database or overflow error."""

    def __init__(self, field_name, low, high):
        self.field_name = field_name
        self.low = low
        self.high = high
        self.model_name = None
        # dates compare as days, so that the whole last day of a range of a
        # datetime field is in it
        column = f"{field_name}::date" if isinstance(low, datetime.date) else field_name
        low_sql, high_sql = self._sql(low), self._sql(high)
        super().__init__(
            f"CHECK({field_name} IS NULL OR "
            f"({column} >= {low_sql} AND {column} <= {high_sql}))",
            self._message,
        )

    def __set_name__(self, owner, name):
        self.model_name = owner._name
        return super().__set_name__(owner, name)

    @staticmethod
    def _sql(value):
        if isinstance(value, datetime.date):
            return f"'{value.isoformat()}'"
        return repr(value)

    def _format(self, env, value):
        if isinstance(value, datetime.date):
            return format_date(env, value)
        decimals = "" if value == int(value) else repr(float(value)).split(".")[1]
        return formatLang(env, value, digits=len(decimals))

    def _message(self, env, diagnostics=None):
        field = env[self.model_name]._fields[self.field_name]
        return env._(
            "%(field)s must be between %(low)s and %(high)s.",
            field=field._description_string(env),
            low=self._format(env, self.low),
            high=self._format(env, self.high),
        )

    def check(self, model, value):
        """Raise the range's message when ``value`` (as written by a caller)
        lies outside the range or cannot be read as the field's type."""
        if value is False or value is None:
            return
        field = model._fields[self.field_name]
        try:
            if field.type == "date":
                value = fields.Date.to_date(value)
            elif field.type == "datetime":
                value = fields.Datetime.to_datetime(value).date()
            elif field.type == "integer":
                if value != int(value):
                    raise ValueError(value)
                value = int(value)
            else:
                value = float(value)
        except (TypeError, ValueError, OverflowError) as error:
            raise ValidationError(self._message(model.env)) from error
        if not self.low <= value <= self.high:
            raise ValidationError(self._message(model.env))


class MaxLength(ValueRange):
    """The longest text users may write in a Char or Text field, declared
    once on the model like a ``ValueRange``: a CHECK constraint (on every
    language of a translated field) and the guard's check before the
    database, with a translated message that names the field and its
    limit."""

    def __init__(self, field_name, high):
        self.field_name = field_name
        self.low = 0
        self.high = high
        self.model_name = None
        # the definition depends on the field (translated or not): see
        # get_definition
        models.Constraint.__init__(self, "", self._message)

    def get_definition(self, registry):
        field = registry[self.model_name]._fields[self.field_name]
        name = self.field_name
        if field.translate:
            # longer than high characters: matches "^.{high + 1}", written
            # in counts of at most 255 (PostgreSQL's limit of a repetition)
            chunks, rest = divmod(self.high + 1, 250)
            regex = "^" + f"(.{{250}}){{{chunks}}}" * bool(chunks) + f".{{{rest}}}"
            path = f'$.* ? (@ like_regex "{regex}" flag "s")'
            return f"CHECK({name} IS NULL OR NOT jsonb_path_exists({name}, '{path}'))"
        return f"CHECK({name} IS NULL OR char_length({name}) <= {self.high})"

    def _message(self, env, diagnostics=None):
        field = env[self.model_name]._fields[self.field_name]
        return env._(
            "%(field)s can hold at most %(high)s characters.",
            field=field._description_string(env),
            high=self.high,
        )

    def check(self, model, value):
        if value is False or value is None:
            return
        if not isinstance(value, str) or len(value) > self.high:
            raise ValidationError(self._message(model.env))
