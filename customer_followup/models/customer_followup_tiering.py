# One model, one file per concept (see the base model's file).
# pylint: disable=consider-merging-classes-inherited
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL, split_every
from odoo.tools.mail import generate_tracking_message_id

from .customer_followup_scoring import SCORE_BATCH_SIZE


class CustomerFollowupTiering(models.AbstractModel):
    """The tiers derived from the scores (see customer_followup_scoring.py):
    the best tier a score reaches, the tier changes, their chatter log, and
    the nightly cron that rescores and applies them within its time budget."""

    _inherit = "customer.followup.scoring"

    # ------------------------------------------------------------------
    # Tiers
    # ------------------------------------------------------------------

    @api.model
    def _best_tier_sql(self, score, condition=None):
        """Subquery (id, cadence_days, cadence_min_weight) of the best active
        tier that ``score``
        reaches (the highest minimum score), if ``condition`` holds."""
        return SQL(
            """
            SELECT ct.id, ct.cadence_days, ct.cadence_min_weight
              FROM customer_tier ct
             WHERE ct.active AND %s >= ct.min_score AND %s
          ORDER BY ct.min_score DESC, ct.sequence, ct.id
             LIMIT 1
            """,
            score,
            condition or SQL("TRUE"),
        )

    @api.model
    def _tier_target_query(self):
        """Rows (partner_id, current tier, target tier, cadence of the target
        tier) of the scored, unlocked customers whose tier differs from the
        best active tier their score reaches."""
        return SQL(
            """
            SELECT p.id, p.followup_tier_id, t.id, t.cadence_days
              FROM res_partner p
         LEFT JOIN customer_followup_score cs ON cs.id = p.followup_score_id
         LEFT JOIN LATERAL (%s) t ON TRUE
             WHERE p.id = p.commercial_partner_id
               AND NOT COALESCE(p.followup_tier_locked, FALSE)
               AND (cs.score > 0
                    OR p.followup_strategic
                    OR p.followup_tier_id IS NOT NULL)
               AND t.id IS DISTINCT FROM p.followup_tier_id
            """,
            self._best_tier_sql(SQL("cs.score")),
        )

    @api.model
    def _get_followup_tier_changes(self):
        """Return [(partner_id, old tier id, new tier id)] of the tier changes
        the last rescoring left to write (``tier_pending``), as they stand
        now: a customer whose tier was locked or changed since is left out."""
        self._flush_scoring_inputs()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT *
                  FROM (%s) AS c(id, old_tier_id, tier_id, cadence_days)
                 WHERE c.id IN (SELECT partner_id
                                  FROM customer_followup_score
                                 WHERE tier_pending)
              ORDER BY 1
                """,
                self._tier_target_query(),
            )
        )
        return [(pid, old or False, new or False) for pid, old, new, _cadence in rows]

    @api.model
    def _first_classification_in_sql(self):
        """Whether the first tiers can be written in SQL: the only stored
        fields computed from ``followup_tier_id`` are the last contact that
        counts and the next follow-up date (written by the same UPDATE)."""
        partner_model = self.env["res.partner"]
        return partner_model._followup_only_stored_dependents(
            [partner_model._fields["followup_tier_id"]],
            ("last_cadence_contact_date", "next_followup_date"),
        )

    @api.model
    def _write_tier_changes(self, changes):
        """Write [(partner_id, old tier id, new tier id)] through the ORM (the
        next follow-up dates follow), then log the changes of a tier in the
        chatter in one batch (first classifications are not logged)."""
        by_tier = defaultdict(list)
        for partner_id, _old_tier_id, tier_id in changes:
            by_tier[tier_id].append(partner_id)
        partner_model = self.env["res.partner"].with_context(tracking_disable=True)
        for tier_id, partner_ids in by_tier.items():
            partner_model.browse(partner_ids).write({"followup_tier_id": tier_id})
        self._log_tier_changes([change for change in changes if change[1]])
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                """
                UPDATE customer_followup_score
                   SET tier_pending = FALSE
                 WHERE tier_pending AND partner_id = ANY(%s)
                """,
                [change[0] for change in changes],
            )
        )
        self.env["customer.followup.score"].invalidate_model(["tier_pending"])

    @api.model
    def _log_tier_changes(self, changes):
        """Post the tracking message of each tier change, as the tracking of
        ``followup_tier_id`` would (a note with the old and new tier, by the
        same author, with the same values), but inserted in one statement
        instead of one message per customer: ``mail.message.create`` spends
        most of its time keeping the caches of every mail.thread model up to
        date, which a batch job does not need. The tracking values are built
        by ``mail.tracking.value`` itself, once per pair of tiers."""
        if not changes:
            return
        partners = self.env["res.partner"].browse([change[0] for change in changes])
        tiers = self.env["customer.tier"].with_context(active_test=False)
        col_info = partners.fields_get(
            ["followup_tier_id"],
            attributes=("string", "type", "selection", "currency_field"),
        )["followup_tier_id"]
        tracking_model = self.env["mail.tracking.value"]
        trackings = {
            pair: tracking_model._create_tracking_values(
                tiers.browse(pair[0]),
                tiers.browse(pair[1]),
                "followup_tier_id",
                col_info,
                partners[:1],
            )
            for pair in {(old, new) for _partner_id, old, new in changes}
        }
        author_id, email_from = partners._message_compute_author()
        reply_to = self.env["mail.thread"]._notify_get_reply_to(
            default=email_from, author_id=author_id
        )[False]
        self.env["mail.message"].flush_model()
        self.env["mail.tracking.value"].flush_model()
        self.env.execute_query(
            SQL(
                """
                WITH c AS MATERIALIZED (
                    SELECT nextval('mail_message_id_seq') AS id, c.*
                      FROM unnest(%(partner_ids)s::int[], %(message_ids)s::varchar[],
                                  %(field_ids)s::int[],
                                  %(old_ids)s::int[], %(new_ids)s::int[],
                                  %(old_names)s::varchar[], %(new_names)s::varchar[])
                           AS c(partner_id, message_id, field_id, old_id, new_id,
                                old_name, new_name)
                ), messages AS (
                    INSERT INTO mail_message (
                        id, model, res_id, author_id, email_from, reply_to,
                        message_type, is_internal, subtype_id,
                        email_add_signature, body, message_id, date,
                        create_uid, create_date, write_uid, write_date)
                    SELECT c.id, 'res.partner', c.partner_id, %(author_id)s,
                           %(email_from)s, %(reply_to)s, 'notification', TRUE,
                           %(subtype_id)s, FALSE, '', c.message_id, %(date)s,
                           %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM c
                )
                INSERT INTO mail_tracking_value (
                    mail_message_id, field_id, old_value_integer,
                    new_value_integer, old_value_char, new_value_char,
                    create_uid, create_date, write_uid, write_date)
                SELECT c.id, c.field_id, c.old_id, c.new_id, c.old_name,
                       c.new_name, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM c
                """,
                partner_ids=[change[0] for change in changes],
                message_ids=[
                    generate_tracking_message_id("message-notify") for _c in changes
                ],
                field_ids=[trackings[c[1:]]["field_id"] for c in changes],
                old_ids=[
                    trackings[c[1:]]["old_value_integer"] or None for c in changes
                ],
                new_ids=[
                    trackings[c[1:]]["new_value_integer"] or None for c in changes
                ],
                old_names=[trackings[c[1:]]["old_value_char"] for c in changes],
                new_names=[trackings[c[1:]]["new_value_char"] for c in changes],
                author_id=author_id or None,
                email_from=email_from or None,
                reply_to=reply_to or None,
                subtype_id=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                date=fields.Datetime.now(),
                uid=self.env.uid,
                now=self.env.cr.now(),
            )
        )
        partners.invalidate_recordset(["message_ids"])

    @api.model
    def _recompute_followup_tiers(self, today=None, cron=False, rescore=True):
        """Write the new scores (unless ``rescore`` is False), the first tiers,
        then the tier changes in batches; return the number of tier changes
        found.

        With ``cron``, each step reports its progress through
        ``ir.cron._commit_progress`` (which commits) and the work stops when
        it answers that the time budget is used: the runner calls again and
        the next call (``rescore=False``) only finds the customers whose tier
        is still to change. Without ``cron`` nothing is committed here
        (outside a cron run ``_commit_progress`` would commit, so it is not
        called)."""
        first = 0
        if rescore:
            _scores, first, changes = self._write_followup_scores(
                today, first_tiers=self._first_classification_in_sql()
            )
        else:
            changes = self._get_followup_tier_changes()
        cron_model = self.env["ir.cron"]
        if (
            first
            and cron
            and not cron_model._commit_progress(first, remaining=len(changes))
        ):
            return first + len(changes)
        remaining = len(changes)
        for batch in split_every(SCORE_BATCH_SIZE, changes):
            self._write_tier_changes(batch)
            remaining -= len(batch)
            if cron and not cron_model._commit_progress(
                len(batch), remaining=remaining
            ):
                break
        return first + len(changes)

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------

    @api.model
    def _cron_resumes(self):
        """Whether this call of the cron continues a run stopped by its time
        budget (its previous call reported remaining tier changes): the scores
        are already written then."""
        return bool(self.env["ir.cron"]._followup_left_over())

    @api.model
    def _cron_compute_tiers(self):
        self._recompute_followup_tiers(cron=True, rescore=not self._cron_resumes())
