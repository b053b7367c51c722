"""19.0.1.1.0: registrations say where they come from."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE customer_product_registration
           SET origin = 'sale'
         WHERE sale_line_id IS NOT NULL
        """
    )
