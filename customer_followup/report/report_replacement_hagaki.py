from odoo import api, models
from odoo.tools import format_amount, format_date


class ReportReplacementHagaki(models.AbstractModel):
    """The replacement postcard (hagaki): the address side of each card
    followed by its message side (the order duplex postcard printers take),
    the sentences in the language of each customer."""

    _name = "report.customer_followup.report_replacement_hagaki"
    _description = "Replacement Postcard (hagaki)"

    @api.model
    def _get_report_values(self, docids, data=None):
        # one card per reminder: the cycles of one quotation are named on
        # the card of their leading cycle
        reminder = self.env["customer.replacement.reminder"]
        docs = self.env["customer.replacement"].browse(
            [
                group[:1].id
                for group in reminder._groups(
                    self.env["customer.replacement"].browse(docids)
                )
            ]
        )
        hagaki = self.env["customer.followup.hagaki"]
        for quotation in docs.quotation_id:
            quotation._followup_ensure_short_code()
        return {
            "doc_ids": docs.ids,
            "doc_model": "customer.replacement",
            "docs": docs,
            "hagaki_texts": {doc.id: self._hagaki_texts(doc) for doc in docs},
            "address_sides": {
                doc.id: hagaki._address_side(doc.partner_id, doc.company_id)
                for doc in docs
            },
            "qr_codes": {
                doc.id: hagaki._qr_data_uri(doc.quotation_id._get_followup_short_url())
                for doc in docs
                if doc.quotation_id
            },
            "sheet_style": hagaki._sheet_style(),
        }

    @api.model
    def _hagaki_texts(self, cycle):
        """Whole sentences of the postcard, in the customer's language: a QWeb
        report would cut them at every dynamic value, and Japanese puts the
        date and the product before the verb."""
        cycle = cycle.with_context(lang=cycle.partner_id.lang or self.env.lang)
        env = cycle.env
        together = cycle._reminded_together()
        if len(together) > 1:
            texts = self._hagaki_grouped_texts(together)
        elif cycle.source == "learned":
            texts = self._hagaki_reorder_texts(cycle)
        else:
            texts = self._hagaki_replacement_texts(cycle)
        quotation = cycle.quotation_id
        if quotation:
            company = cycle.company_id
            amount = quotation.currency_id._convert(
                quotation.amount_total,
                company.currency_id,
                company,
                company._followup_date(quotation.date_order),
            )
            texts["price"] = env._(
                "Price: %(price)s",
                price=format_amount(env, amount, company.currency_id),
            )
            texts["order"] = env._(
                "Scan the QR code or open this address to see the quotation and "
                "order online, or call us:"
            )
            texts["url"] = quotation._get_followup_short_url()
            texts["code"] = env._(
                "Order code %(code)s", code=quotation.followup_order_code
            )
            texts["quotation"] = env._("Quotation %(name)s", name=quotation.name)
        return texts

    @api.model
    def _hagaki_replacement_texts(self, cycle):
        env = cycle.env
        product, part = cycle.product_id, cycle.part_product_id
        purchase = format_date(env, cycle.registration_id.purchase_date)
        texts = {
            "title": env._("Time to replace the %(part)s", part=part.name),
            "due": env._(
                "Its %(part)s should be replaced every %(months)s months: "
                "it is due on %(date)s.",
                part=part.name,
                months=cycle.rule_id.interval_months,
                date=format_date(env, cycle.due_date),
            ),
        }
        if product.default_code:
            texts["bought"] = env._(
                "You bought a %(product)s (model %(model)s) on %(date)s.",
                product=product.name,
                model=product.default_code,
                date=purchase,
            )
        else:
            texts["bought"] = env._(
                "You bought a %(product)s on %(date)s.",
                product=product.name,
                date=purchase,
            )
        if part.default_code:
            texts["part"] = env._(
                "The part for your model: %(part)s (ref. %(ref)s)",
                part=part.name,
                ref=part.default_code,
            )
        else:
            texts["part"] = env._("The part for your model: %(part)s", part=part.name)
        return texts

    @api.model
    def _hagaki_reorder_texts(self, cycle):
        """The texts of a reorder reminder of a replenishable product."""
        env = cycle.env
        product = cycle.part_product_id
        texts = {
            "title": env._("Time to reorder %(product)s", product=product.name),
            "bought": env._(
                "You last ordered %(product)s on %(date)s.",
                product=product.name,
                date=format_date(env, cycle.start_date),
            ),
            "due": env._(
                "From your previous orders, you will soon need more: around %(date)s.",
                date=format_date(env, cycle.due_date),
            ),
        }
        if product.default_code:
            texts["part"] = env._(
                "%(product)s (ref. %(ref)s)",
                product=product.name,
                ref=product.default_code,
            )
        else:
            texts["part"] = product.name
        return texts

    @api.model
    def _hagaki_grouped_texts(self, cycles):
        """The texts of a reminder of several cycles: one line per part and
        per reorder (optional products when there are parts), and the
        product often bought with the parts."""
        env = cycles.env
        parts = cycles.filtered(lambda c: c.source == "rule")
        items = [
            env._(
                "%(part)s for your %(product)s: due on %(date)s",
                part=cycle.part_product_id.name,
                product=cycle.product_id.name,
                date=format_date(env, cycle.due_date),
            )
            for cycle in parts
        ]
        for cycle in cycles - parts:
            values = {
                "product": cycle.part_product_id.name,
                "date": format_date(env, cycle.due_date),
            }
            if parts:
                items.append(
                    env._(
                        "%(product)s, to reorder around %(date)s (optional)", **values
                    )
                )
            else:
                items.append(env._("%(product)s, to reorder around %(date)s", **values))
        texts = {"title": env._("Time to replace or reorder"), "items": items}
        contents = cycles[:1]._grouped_reminder_contents()
        if companions := contents["companions"]:
            texts["part"] = env._(
                "Often bought together with these parts: %(products)s (optional)",
                products=", ".join(companions.mapped("name")),
            )
        return texts
