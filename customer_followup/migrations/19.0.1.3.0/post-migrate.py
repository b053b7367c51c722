"""19.0.1.3.0: the follow-up scores moved from a column of res_partner to the
narrow table of customer.followup.score (one record per scored customer,
linked from the customer); the column is dropped once they are copied."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        SELECT 1
          FROM information_schema.columns
         WHERE table_schema = current_schema()
           AND table_name = 'res_partner'
           AND column_name = 'followup_score'
        """
    )
    if not cr.fetchone():
        return
    cr.execute(
        """
        INSERT INTO customer_followup_score (partner_id, score)
        SELECT p.id, p.followup_score
          FROM res_partner p
         WHERE p.followup_score IS NOT NULL
           AND NOT EXISTS (SELECT 1
                             FROM customer_followup_score cs
                            WHERE cs.partner_id = p.id)
        """
    )
    cr.execute(
        """
        UPDATE res_partner p
           SET followup_score_id = cs.id
          FROM customer_followup_score cs
         WHERE cs.partner_id = p.id
           AND p.followup_score_id IS DISTINCT FROM cs.id
        """
    )
    cr.execute("ALTER TABLE res_partner DROP COLUMN followup_score")
