from collections import defaultdict

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL


class CustomerFollowupCampaignDelivery(models.AbstractModel):
    """What confirming a campaign makes: its pieces, the salespeople's
    activities, the printed batch and the emails."""

    _name = "customer.followup.campaign.delivery"
    _description = "Follow-up Campaign Delivery"

    def _create_pieces(self, chunks, today, send_date=None):
        """The pieces of a plan given a list of lines at a time (``_plan_chunks``:
        a campaign to every customer), the lines without a contact left out:
        each list's pieces and activities, then the emails of all of them at
        once. Returns the number of pieces created (0: nothing was)."""
        send_date = send_date or self.send_date
        email_ids = []
        count = 0
        for lines in chunks:
            planned = [line for line in lines if line.touchpoint_type]
            if not planned:
                continue
            count += len(planned)
            pieces = self._insert_pieces(planned, send_date)
            personal = pieces.filtered(lambda piece: piece.kind == "personal")
            if personal:
                self._create_activities(personal, today)
            email_ids += pieces.filtered(lambda piece: piece.kind == "email").ids
            pieces.invalidate_recordset()
        if email_ids:
            self._send_emails(
                self.env["customer.followup.campaign.piece"].browse(email_ids),
                send_date,
            )
        return count

    def _insert_pieces(self, lines, send_date):
        """The pieces of the plan ``lines``, inserted in one statement (a
        campaign to 100,000 customers)."""
        piece_model = self.env["customer.followup.campaign.piece"]
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO customer_followup_campaign_piece (
                    campaign_id, company_id, partner_id, tier_id,
                    touchpoint_type_id, kind, user_id, plan_date, send_date,
                    state, note, create_uid, create_date, write_uid, write_date)
                SELECT %(campaign)s, %(company)s, line.partner_id,
                       NULLIF(line.tier_id, 0), line.type_id, line.kind,
                       NULLIF(line.user_id, 0), line.plan_date, %(send_date)s,
                       'planned', NULLIF(line.note, ''), %(uid)s,
                       %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(partners)s::int[], %(tiers)s::int[],
                              %(types)s::int[], %(kinds)s::varchar[],
                              %(users)s::int[], %(dates)s::date[],
                              %(notes)s::varchar[])
                       AS line(partner_id, tier_id, type_id, kind, user_id,
                               plan_date, note)
             RETURNING id, partner_id
                """,
                campaign=self.id,
                company=self.company_id.id,
                send_date=send_date,
                uid=self.env.uid,
                now=self.env.cr.now(),
                partners=[line.partner.id for line in lines],
                tiers=[line.tier.id or 0 for line in lines],
                types=[line.touchpoint_type.id for line in lines],
                kinds=[line.kind for line in lines],
                users=[line.user.id or 0 for line in lines],
                dates=[line.plan_date for line in lines],
                notes=["; ".join(line.reasons) for line in lines],
            )
        )
        piece_ids = dict((partner_id, piece_id) for piece_id, partner_id in rows)
        self.invalidate_recordset(["piece_ids"])
        return piece_model.browse([piece_ids[line.partner.id] for line in lines])

    def _activity_facts(self, piece, data, products, phrases, date_text):
        """What the salesperson needs to write the card, in their language."""
        facts = [phrases["campaign"] % {"name": self._label()}]
        facts.append(
            self.env["customer.followup.activity.text"]._order_fact(
                data.get("order"), phrases, date_text
            )
        )
        if products:
            facts.append(phrases["products"] % {"products": ", ".join(products)})
        if piece.note:
            facts.append(piece.note)
        if phrases.get("posting"):
            facts.append(phrases["posting"])
        return facts

    def _create_activities(self, pieces, today):
        """One activity per personal piece for its salesperson, in their
        language, saying what to write about."""
        planner = self.env["customer.followup.planner"]
        data = planner._summary_data(pieces.partner_id.ids)
        products = defaultdict(list)
        for registration in (
            self.env["customer.product.registration"]
            .sudo()
            .search([("partner_id", "in", pieces.partner_id.ids)])
        ):
            products[registration.partner_id.id].append(
                registration.product_id.display_name
            )
        model_id = self.env["ir.model"]._get_id("res.partner")
        todo = self.env.ref("mail.mail_activity_data_todo")
        # the activities' document names, at once rather than one by one
        self.env["res.partner"].browse(pieces.partner_id.ids).mapped("display_name")
        vals_list = []
        builder = self.env["customer.followup.activity.text"]
        for piece in pieces:
            reader = builder._for_reader(piece.user_id, self.company_id)
            campaign = self.with_env(reader.env)
            phrases = {
                "campaign": campaign.env._("Campaign %(name)s"),
                **reader._order_phrases(),
                "products": campaign.env._("owns %(products)s"),
                "posting": campaign._posting_phrase(),
            }
            # the message the customer reads: in the customer's language
            message = self.with_context(
                lang=piece.partner_id.lang or self.env.lang
            ).message
            summary, note = reader._texts(
                campaign._activity_facts(
                    piece,
                    data.get(piece.partner_id.id, {}),
                    products[piece.partner_id.id],
                    phrases,
                    reader._date_formatter(),
                ),
                summary=campaign.env._("%(campaign)s: %(contact)s")
                % {
                    "campaign": campaign._label(),
                    "contact": piece.touchpoint_type_id.with_context(
                        lang=campaign.env.lang
                    ).name,
                },
                body=message or "",
            )
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": piece.partner_id.id,
                    "activity_type_id": (
                        piece.touchpoint_type_id.activity_type_id or todo
                    ).id,
                    "user_id": piece.user_id.id,
                    "date_deadline": piece.plan_date,
                    "summary": summary,
                    "note": note,
                }
            )
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )
        for piece, activity in zip(pieces, activities, strict=True):
            piece.activity_id = activity

    def _label(self):
        """The campaign as its salespeople read it, in the language of
        ``self``'s context: a template's campaign by the template's name and
        the year (年賀状 2027), else by its name."""
        template = self.template_id.with_context(lang=self.env.lang)
        if template and self.send_date:
            return self.env._(
                "%(name)s %(year)s", name=template.name, year=self.send_date.year
            )
        return self.name

    def _email_subject(self):
        """The emails' subject in the language of ``self``'s context: the
        campaign's, else its template's, else the name of its greeting or
        occasion; never the campaign's internal name."""
        if self.subject:
            return self.subject
        template = self.template_id.with_context(lang=self.env.lang)
        if template.subject:
            return template.subject
        if self.greeting:
            return dict(self._fields["greeting"]._description_selection(self.env))[
                self.greeting
            ]
        return dict(self._fields["occasion"]._description_selection(self.env))[
            self.occasion
        ]

    def action_mark_posted(self):
        """The printed batch is posted: log its pieces."""
        self.check_access("write")
        pieces = self.sudo().piece_ids.filtered(
            lambda p: p.kind == "printed" and p.state == "planned"
        )
        if not pieces:
            raise UserError(self.env._("No printed piece of the campaign is waiting."))
        pieces -= pieces._cancel_refused()
        if pieces:
            self.env["customer.followup.campaign.piece"]._log_done(
                pieces, user=self.env.user
            )
        return True

    def action_print_batch(self):
        self.ensure_one()
        self.check_access("read")
        pieces = self.piece_ids.filtered(
            lambda p: p.kind == "printed" and p.state != "cancelled"
        )
        pieces -= pieces.sudo()._cancel_refused()
        if not pieces:
            raise UserError(self.env._("The campaign has no printed piece."))
        # config=False: the cards do not use the company's document layout,
        # a company without one gets the PDF, not the layout wizard
        return self.env.ref(
            "customer_followup.action_report_campaign_batch"
        ).report_action(pieces, config=False)

    def action_print_cards_to_write(self):
        """The salespeople's postcards, printed with the design and the
        address, a space left for each salesperson's own line."""
        self.ensure_one()
        self.check_access("read")
        pieces = self.piece_ids.filtered(
            lambda p: (
                p.kind == "personal"
                and p.state == "planned"
                and p.touchpoint_type_id.channel == "postcard"
            )
        )
        if not pieces:
            raise UserError(
                self.env._("No handwritten card of the campaign is waiting.")
            )
        # config=False: the cards do not use the company's document layout,
        # a company without one gets the PDF, not the layout wizard
        return self.env.ref(
            "customer_followup.action_report_campaign_batch"
        ).report_action(pieces, config=False)
