"""19.0.1.6.0: a reminder quotation's line names the cycle it reminds of
(one quotation may remind of several): the lines of the quotations sent
before carry their cycle's part."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE sale_order_line line
           SET followup_replacement_id = cycle.id
          FROM customer_replacement cycle
         WHERE cycle.quotation_id = line.order_id
           AND cycle.part_product_id = line.product_id
           AND line.followup_replacement_id IS NULL
        """
    )
