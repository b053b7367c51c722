from odoo import fields, models

# What each capture logs: (origin, direction, company setting that enables it)
CAPTURES = {
    "chatter": ("outbound", "followup_capture_chatter"),
    "reply": ("inbound", "followup_capture_replies"),
    "portal": ("inbound", "followup_capture_portal"),
}
# Context key set by the portal's quotation signature route: the message the
# route posts is the signature, not a reply.
SIGNATURE_CONTEXT_KEY = "followup_portal_signature"


class CustomerTouchpointCapture(models.AbstractModel):
    """Touchpoints captured from the messages of a customer's documents (the
    customer, its contacts, its orders and opportunities): the one rule of
    which message logs which touchpoint. The inheriting mail threads call
    ``_followup_capture_message`` from their own ``_message_post_after_hook``:
    mail.thread precedes this mixin in their MRO and does not call super().

    - An email written by an internal user with the customer (or one of its
      contacts) among the recipients: an outbound "chatter" touchpoint by its
      author. Marking done the email activity it answers adds to this
      touchpoint instead of logging another (see mail.activity).
    - A message of the customer (or one of its contacts), by email or in the
      portal: an inbound "reply" touchpoint, at most one per customer,
      document and day, for the document's salesperson.
    - The message of a quotation signed in the portal: an inbound "portal"
      touchpoint instead of a reply.

    Notes, notifications and the messages of done activities (which log their
    own touchpoint) log nothing. A message logs one touchpoint at most."""

    _name = "customer.touchpoint.capture"
    _description = "Touchpoint Capture from Messages"

    def _followup_capture_customer(self):
        """The customer the document is about (a commercial partner), or an
        empty recordset."""
        return self.partner_id.commercial_partner_id

    def _followup_capture_salesperson(self):
        return self.user_id or self._followup_capture_customer().user_id

    def _followup_capture_links(self):
        """Values linking a touchpoint to this document."""
        return {"sale_order_id": False, "lead_id": False}

    def _followup_capture_message(self, message, msg_values):
        # cheap checks first: notes, notifications and messages of activities
        # are dismissed without a query
        if msg_values.get("message_type") not in ("comment", "email"):
            return False
        if msg_values.get("mail_activity_type_id") or not msg_values.get("author_id"):
            return False
        comment_subtype = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        if msg_values.get("subtype_id") != comment_subtype:
            return False
        author = self.env["res.partner"].browse(msg_values["author_id"])
        if author.partner_share:
            capture = self._followup_capture_inbound(author)
        else:
            capture = self._followup_capture_outbound(author, msg_values)
        if not capture:
            return False
        origin, contact, user = capture
        company = self.env["res.company"].browse(
            msg_values.get("record_company_id") or self.env.company.id
        )
        direction, setting = CAPTURES[origin]
        if not company[setting]:
            return False
        return self._followup_capture_log(
            message, origin, direction, contact, user, company
        )

    def _followup_capture_outbound(self, author, msg_values):
        """("chatter", recipient, user) for an email that an internal user
        writes to the customer, else None."""
        partner_ids = msg_values.get("partner_ids")
        poster = self.env.user
        if not partner_ids or poster._is_superuser() or not poster._is_internal():
            return None
        recipient = self._followup_capture_recipient(partner_ids)
        if not recipient:
            return None
        if poster.partner_id == author:
            return "chatter", recipient, poster
        # e.g. a quotation sent from a template in its salesperson's name
        user = author.user_ids.filtered(lambda u: not u.share)[:1]
        return ("chatter", recipient, user) if user else None

    def _followup_capture_recipient(self, partner_ids):
        """The recipient that is the customer or one of its contacts, or
        None. Recipients that are the document's own partners (the usual
        case) cost no query; others are read, with the document's partners,
        in one query."""
        recipients = self.env["res.partner"].browse(partner_ids)
        known = self._followup_capture_partners()
        candidates = known & recipients
        if not candidates:
            candidates = recipients
            (known | recipients).mapped("commercial_partner_id")  # one fetch
        customer = self._followup_capture_customer()
        return next(
            (
                partner
                for partner in candidates
                if customer
                and partner.commercial_partner_id == customer
                and partner.partner_share
            ),
            None,
        )

    def _followup_capture_partners(self):
        """The partners of the document, most specific first."""
        return self.partner_id

    def _followup_capture_inbound(self, author):
        """("portal" or "reply", author, salesperson) for a message of the
        customer or one of its contacts, else None."""
        customer = self._followup_capture_customer()
        if not customer or author.commercial_partner_id != customer:
            return None
        origin = "portal" if self.env.context.get(SIGNATURE_CONTEXT_KEY) else "reply"
        return origin, author, self._followup_capture_salesperson()

    def _followup_capture_log(self, message, origin, direction, contact, user, company):
        # sudo: the author may be an employee without follow-up rights
        touchpoint_type = (
            self.env["customer.touchpoint.type"]
            .sudo()
            .browse(
                self.env["ir.model.data"]._xmlid_to_res_id(
                    "customer_followup.touchpoint_type_email", raise_if_not_found=False
                )
            )
        )
        if not touchpoint_type.active:
            return False
        customer = self._followup_capture_customer()
        Touchpoint = self.env["customer.touchpoint"].sudo()
        date = message.date or fields.Datetime.now()
        vals = dict(
            self._followup_capture_links(),
            partner_id=customer.id,
            contact_id=contact.id if contact and contact != customer else False,
            type_id=touchpoint_type.id,
            date=date,
            summary=self._followup_capture_summary(message, origin, contact),
            user_id=user.id or False,
            message_id=message.id,
            origin=origin,
            direction=direction,
            company_id=company.id,
        )
        if origin == "reply" and Touchpoint.search_count(
            [
                ("partner_id", "=", customer.id),
                ("origin", "=", "reply"),
                ("date", ">=", company._followup_moment(company._followup_date(date))),
                *[
                    (name, "=", value)
                    for name, value in self._followup_capture_links().items()
                ],
            ],
            limit=1,
        ):
            # one reply a day per document is enough for the ledger, and
            # a customer posting in the portal cannot flood it
            return False
        return Touchpoint.create(vals)

    def _followup_capture_summary(self, message, origin, contact):
        if origin == "portal":
            return self.env._(
                "%(document)s signed in the portal by %(name)s",
                document=self.display_name,
                name=contact.name,
            )
        subject = message.subject or self.display_name
        if origin == "reply":
            return self.env._("Reply: %(subject)s", subject=subject)
        return self.env._("Email: %(subject)s", subject=subject)
