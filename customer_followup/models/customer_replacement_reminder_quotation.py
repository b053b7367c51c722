# One model, one file per concept (see the base model's docstring).
# pylint: disable=consider-merging-classes-inherited
from odoo import api, models
from odoo.fields import Command


class CustomerReplacementReminder(models.AbstractModel):
    """The reminder quotation: one per customer for all the cycles reminded
    together, one line per part (the line carries its cycle, so that ordering
    one part ends that cycle only), the reorders of regular products and a
    product often bought with the parts as optional products."""

    _inherit = "customer.replacement.reminder"

    @api.model
    def _quantity(self, cycle):
        return cycle.rule_id.quantity if cycle.rule_id else 1.0

    @api.model
    def _group_key(self, cycle):
        """The cycles reminded together: one customer's (the contacts of a
        company are the company), in one company."""
        return (cycle.partner_id.commercial_partner_id, cycle.company_id)

    @api.model
    def _lead_sorted(self, cycles):
        """The cycles of one reminder, the parts of registered products
        first, by model and due date: the first one leads (its contact is
        the reminder's, its record carries the mail)."""
        return cycles.sorted(
            lambda c: (
                c.source != "rule",
                c.product_id.display_name or "",
                c.registration_id.id,
                c.due_date,
                c.id,
            )
        )

    @api.model
    def _create_quotations(self, cycles, companions=None):
        """The quotation of the first reminder of ``cycles``: one per
        customer, with the short link printed on the postcard and given in
        the mail (``companions``: see ``_companions``)."""
        if not cycles:
            return
        payment_companies = self.env["sale.order"]._followup_payment_companies(
            cycles.company_id
        )
        groups = {
            key: self._lead_sorted(group)
            for key, group in cycles.grouped(self._group_key).items()
        }
        companions = self._companions(
            {
                key: group.filtered(lambda c: c.source == "rule") or group
                for key, group in groups.items()
            },
            companions,
        )
        vals_list = [
            self._prepare_quotation_vals(
                group,
                payment_companies=payment_companies,
                companion=companions.get(key),
            )
            for key, group in groups.items()
        ]
        codes = self.env["sale.order"]._followup_new_short_codes(len(vals_list))
        for vals, code in zip(vals_list, codes, strict=True):
            vals["followup_short_code"] = code
        # the salesperson hears of these quotations through the overview and
        # the activities, not one assignment mail per quotation
        quotations = (
            self.env["sale.order"]
            .with_context(mail_auto_subscribe_no_notify=True)
            .create(vals_list)
        )
        for group, quotation in zip(groups.values(), quotations, strict=True):
            group.quotation_id = quotation

    @api.model
    def _prepare_quotation_vals(self, cycles, payment_companies=None, companion=None):
        """The reminder quotation of ``cycles`` (one customer's) asks for what
        the company can take: a signature, and online payment where an
        enabled payment provider exists, so that every reminder can become
        an order. The parts are its lines; with parts, the reorders of
        regular products and the ``companion`` (product, part) are optional
        products, each section saying why."""
        lead = cycles[:1]
        partner, company = lead.partner_id, lead.company_id
        if payment_companies is None:
            payment_companies = self.env["sale.order"]._followup_payment_companies(
                company
            )
        parts = cycles.filtered(lambda c: c.source == "rule") or cycles
        reorders = cycles - parts
        customer = self.with_context(lang=partner.lang or self.env.lang)
        lines = [self._cycle_line(cycle) for cycle in parts]
        if reorders:
            lines.append(
                customer._optional_section(
                    customer.env._("Also due to reorder (optional)")
                )
            )
            lines += [self._cycle_line(cycle, optional=True) for cycle in reorders]
        if companion:
            product, part = companion
            lines.append(
                customer._optional_section(
                    customer.env._(
                        "Often bought together with the %(part)s (optional)",
                        part=part.with_env(customer.env).name,
                    )
                )
            )
            lines.append(
                Command.create({"product_id": product.id, "product_uom_qty": 0})
            )
        return {
            "partner_id": partner.id,
            "company_id": company.id,
            "user_id": partner.user_id.id,
            "require_signature": True,
            "require_payment": company in payment_companies,
            "followup_auto_payment": True,
            "origin": ", ".join(dict.fromkeys(self._origin(c) for c in cycles)),
            "order_line": lines,
        }

    @api.model
    def _cycle_line(self, cycle, optional=False):
        """The quotation line of ``cycle``; an optional one has no quantity
        until the customer adds it (Odoo's optional products)."""
        return Command.create(
            {
                "product_id": cycle.part_product_id.id,
                "product_uom_qty": 0 if optional else self._quantity(cycle),
                "followup_replacement_id": cycle.id,
            }
        )

    @api.model
    def _optional_section(self, title):
        return Command.create(
            {
                "display_type": "line_section",
                "name": title,
                "is_optional": True,
                "product_uom_qty": 0,
            }
        )

    @api.model
    def _origin(self, cycle):
        if cycle.source == "learned":
            return self.env._(
                "Reorder of %(product)s", product=cycle.part_product_id.display_name
            )
        return self.env._(
            "Replacement of %(product)s", product=cycle.product_id.display_name
        )
