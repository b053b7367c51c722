from markupsafe import escape

from odoo import api, fields, models

from .product_consumable_rule import DELIVERY_DEFAULT_TYPES, fitting_touchpoint_type


class CustomerReplacementReminder(models.AbstractModel):
    """Sends the steps of the reminder ladder of due replacement cycles: a
    draft quotation for the part with the first step, then, at each step, an
    email, a postcard to print, an activity or an opportunity for the
    salesperson, and the touchpoint of the contact."""

    _name = "customer.replacement.reminder"
    _description = "Replacement reminders"

    # ------------------------------------------------------------------
    # Contact
    # ------------------------------------------------------------------

    @api.model
    def _choose_contact(self, cycle):
        """Return (touchpoint type, delivery, reason) of the next reminder
        step of ``cycle``: the step's, or the fallback's when the customer
        cannot be reached so (``reason`` says why, else False)."""
        touchpoint_type, delivery = self._planned_contact(
            cycle, cycle.reminder_step + 1
        )
        return self._fallback_contact(cycle, touchpoint_type, delivery)

    @api.model
    def _fallback_contact(self, cycle, touchpoint_type, delivery):
        """Return (touchpoint type, delivery, reason) of a reminder of
        ``cycle`` planned by ``touchpoint_type`` and ``delivery``: the contact
        policy's first allowed contact, the one the planner chooses too
        (``reason`` says why the planned one was not, else False). With none
        allowed, an empty touchpoint type and the reasons, joined."""
        policy = self.env["customer.followup.policy"]
        # the reasons in the language of this service's context
        chosen, reasons = policy._choose(
            cycle.with_env(self.env).partner_id,
            touchpoint_type,
            policy._reminder_candidates(),
        )
        if chosen == touchpoint_type:
            return touchpoint_type, delivery, False
        if not chosen:
            return chosen, False, reasons[0]
        return chosen, policy._reminder_delivery(chosen, delivery), reasons[0]

    @api.model
    def _planned_contact(self, cycle, number=1):
        """(touchpoint type, delivery) of reminder step ``number`` of
        ``cycle`` before fallbacks: the step of the rule's ladder, or the
        company's reorder reminder settings for a learned cycle."""
        if cycle.source == "learned":
            company = cycle.company_id
            delivery = company.followup_reorder_delivery
            return (
                fitting_touchpoint_type(
                    self.env, delivery, company.followup_reorder_touchpoint_type_id
                ),
                delivery,
            )
        step = cycle._step(number)
        return step.touchpoint_type_id, step.delivery

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    @api.model
    def _send_step(self, cycles, companions=None):
        """Send the next step of the ladder of ``cycles`` (due, part not
        bought, for a later step neither replied nor opted out), one code
        path for every step: its contact by the contact policy, the cycle's
        step, the chatter, then the delivery. Step 1 is the first reminder:
        it creates the quotation every later step refers to, and with no
        allowed contact it asks the salesperson to decide; a later step with
        no allowed contact stops the reminders."""
        if not cycles:
            return
        first = cycles.filtered(lambda c: not c.reminder_step)
        self._create_quotations(first, companions=companions)
        # the first reminder of a customer's cycles is one contact: the
        # leading cycle's
        leads = {cycle: group[:1] for group in self._groups(first) for cycle in group}
        today = self.env.company._followup_today()
        now = fields.Datetime.now()
        labels = dict(cycles._fields["delivery"]._description_selection(self.env))
        contacts = {}
        for cycle in cycles:
            number = cycle.reminder_step + 1
            if leads.get(cycle, cycle) != cycle:
                continue
            # a later step's stop is noted for the salesperson, in their
            # language
            chooser = self._for_salesperson(cycle) if number > 1 else self
            touchpoint_type, delivery, reason = chooser._choose_contact(cycle)
            if not touchpoint_type and number > 1:
                cycle._stop_escalation(
                    "unreachable", chooser._unreachable_note(cycle, reason)
                )
                continue
            if not touchpoint_type:
                ask = self.env.ref(DELIVERY_DEFAULT_TYPES["activity"], False)
                touchpoint_type = ask or self._planned_contact(cycle, number)[0]
                delivery = "activity"
            contacts[cycle] = (touchpoint_type, delivery, number)
            if reason:
                cycle.message_post(
                    body=self.env._(
                        "Reminder sent by %(channel)s instead of %(rule_channel)s: "
                        "%(reason)s.",
                        channel=labels[delivery],
                        rule_channel=labels[self._planned_contact(cycle, number)[1]],
                        reason=reason,
                    )
                )
        for cycle, lead in leads.items():
            if lead != cycle:
                contacts[cycle] = contacts[lead]
        by_delivery = {}
        sent = cycles.browse([cycle.id for cycle in contacts])
        for (touchpoint_type, delivery, number), step_cycles in sent.grouped(
            lambda c: contacts[c]
        ).items():
            vals = {
                "reminder_step": number,
                "reminder_step_date": now,
                "touchpoint_type_id": touchpoint_type.id,
                "delivery": delivery,
                # a postcard step is printed again
                "printed": False,
                "printed_date": False,
            }
            if number == 1:
                vals.update(state="reminded", reminded_date=today)
            step_cycles.write(vals)
            if number > 1:
                step_cycles._message_log_batch(
                    bodies={
                        cycle.id: escape(self._for_salesperson(cycle)._step_note(cycle))
                        for cycle in step_cycles
                    }
                )
            by_delivery.setdefault(delivery, cycles.browse())
            by_delivery[delivery] |= step_cycles
        self._deliver(sent, by_delivery)

    @api.model
    def _deliver(self, cycles, by_delivery):
        """Send the reminders of ``cycles``, grouped by delivery, and log the
        contacts that reach the customer now."""
        if mail_cycles := by_delivery.get("mail"):
            self._send_mails(mail_cycles)
        if activity_cycles := by_delivery.get("activity"):
            self._schedule_activities(activity_cycles)
        if lead_cycles := by_delivery.get("opportunity"):
            self._create_opportunities(lead_cycles)
        # Mails and printed reminders reach the customer now: log them.
        # Activities and opportunities only ask the salesperson to call; the
        # call logs its touchpoint when the activity is marked done.
        self._log_touchpoints(
            by_delivery.get("mail", cycles.browse())
            | by_delivery.get("print", cycles.browse())
        )

    @api.model
    def _groups(self, cycles):
        """``cycles`` as the reminders they make: the cycles of one quotation
        and touchpoint type are one reminder (a mail, a card, a call), its
        leading cycle first; a cycle without a quotation is one alone."""
        groups = []
        for (quotation, _type), group in cycles.grouped(
            lambda c: (c.quotation_id, c.touchpoint_type_id)
        ).items():
            if quotation:
                groups.append(self._lead_sorted(group))
            else:
                groups += list(group)
        return groups

    @api.model
    def _send_mails(self, cycles):
        """One mail per reminder: a reminder of several cycles names them all
        (the grouped mail, sent on its leading cycle)."""
        for quotation in cycles.quotation_id:
            quotation._portal_ensure_token()
        default_template = self.env.ref(
            "customer_followup.mail_template_replacement_reminder"
        )
        reorder_template = self.env.ref(
            "customer_followup.mail_template_reorder_reminder"
        )
        grouped_template = self.env.ref(
            "customer_followup.mail_template_grouped_reminder"
        )
        to_send = {}
        for group in self._groups(cycles):
            lead = group[:1]
            if len(group) > 1:
                template = grouped_template
            else:
                template = (
                    lead._step(lead.reminder_step).mail_template_id
                    or lead._step(1).mail_template_id
                    or (
                        reorder_template
                        if lead.source == "learned"
                        else default_template
                    )
                )
            to_send[template] = to_send.get(template, lead.browse()) | lead
        for template, leads in to_send.items():
            # a copy of each mail stays in the leading cycle's chatter once
            # the mail is sent and deleted, as Email Marketing's "keep message
            # copy": the salesperson sees what the customer was sent
            mails = template.send_mail_batch(
                leads.ids, force_send=False, email_values={"is_notification": True}
            )
            # the copy is signed by whom the mail is from, not by the cron
            for author, author_mails in mails.grouped(
                lambda mail: self._sender(cycles.browse(mail.res_id))
            ).items():
                author_mails.mail_message_id.author_id = author
            self.env["customer.followup.optout"]._decorate_mails(mails)

    @api.model
    def _sender(self, cycle):
        """Whom the reminder of ``cycle`` is from, as its mail's sender
        says: the customer's salesperson, else the company."""
        return cycle.partner_id.user_id.partner_id or cycle.company_id.partner_id

    @api.model
    def _schedule_activities(self, cycles):
        self._schedule_calls(
            [(group, group.quotation_id) for group in self._groups(cycles)]
        )

    @api.model
    def _create_opportunities(self, cycles):
        """One opportunity per reminder: a later step asks for a call on the
        opportunity of an earlier one."""
        groups = self._groups(cycles)
        self._schedule_calls(
            [(group, group.lead_id[:1]) for group in groups if group.lead_id]
        )
        groups = [group for group in groups if not group.lead_id]
        if not groups:
            return
        # like the quotations: no assignment mail per opportunity
        leads = (
            self.env["crm.lead"]
            .with_context(mail_auto_subscribe_no_notify=True)
            .create(
                [
                    {
                        "name": self._for_salesperson(group[:1])._summary(group),
                        "type": "opportunity",
                        "partner_id": group[:1].partner_id.id,
                        "user_id": group[:1].partner_id.user_id.id,
                        "company_id": group[:1].company_id.id,
                        "expected_revenue": group.quotation_id.amount_untaxed,
                        "date_deadline": min(group.mapped("due_date")),
                        "description": self._for_salesperson(group[:1])._note(group),
                    }
                    for group in groups
                ]
            )
        )
        for group, lead in zip(groups, leads, strict=True):
            group.lead_id = lead
        self._schedule_calls(list(zip(groups, leads, strict=True)))

    @api.model
    def _schedule_calls(self, cycles_records):
        """Ask the salesperson of each (cycles of one reminder, record) pair,
        in their language, to make the contact of the reminder's touchpoint
        type (a call unless the rule or step says otherwise), on the record:
        one batched creation, without an assignment mail per activity (the
        salesperson finds them in their activities, like the planner's)."""
        if not cycles_records:
            return
        call = self.env.ref("mail.mail_activity_data_call")
        today = self.env.company._followup_today()
        vals_list = []
        for cycles, record in cycles_records:
            cycle = cycles[:1]
            activity_type = cycle.touchpoint_type_id.activity_type_id
            if not activity_type or activity_type.res_model not in (
                False,
                record._name,
            ):
                activity_type = call
            summary, note = self._for_salesperson(cycle)._activity_texts(cycles)
            vals_list.append(
                {
                    "res_model_id": self.env["ir.model"]._get_id(record._name),
                    "res_id": record.id,
                    "activity_type_id": activity_type.id,
                    "automated": True,
                    "date_deadline": max(min(cycles.mapped("due_date")), today),
                    "summary": summary,
                    "note": note,
                    "user_id": self._salesperson(cycle).id,
                }
            )
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            vals_list
        )

    @api.model
    def _log_touchpoints(self, cycles):
        """One touchpoint per reminder: the customer was contacted once,
        however many parts the reminder names."""
        groups = self._groups(cycles.filtered("touchpoint_type_id"))
        touchpoints = self.env["customer.touchpoint"].create(
            [
                {
                    "partner_id": group[:1].partner_id.id,
                    "type_id": group[:1].touchpoint_type_id.id,
                    "user_id": group[:1].partner_id.user_id.id,
                    "summary": self._for_salesperson(group[:1])._summary(group),
                    "sale_order_id": group[:1].quotation_id.id,
                    "origin": "reminder",
                    "company_id": group[:1].company_id.id,
                }
                for group in groups
            ]
        )
        for group, touchpoint in zip(groups, touchpoints, strict=True):
            group.touchpoint_id = touchpoint

    # ------------------------------------------------------------------
    # Texts for the salesperson
    # ------------------------------------------------------------------

    @api.model
    def _salesperson(self, cycle):
        return cycle.partner_id.user_id or self.env.user

    @api.model
    def _for_salesperson(self, cycle):
        """The service in the language of the salesperson who reads the
        cycle's activities, opportunities and touchpoints."""
        reader = self.env["customer.followup.activity.text"]._for_reader(
            self._salesperson(cycle), cycle.company_id
        )
        context = reader.env.context
        return self.with_context(lang=context["lang"], tz=context["tz"])

    @api.model
    def _activity_texts(self, cycles):
        """(summary, note) of the salesperson's activity or opportunity of a
        reminder of ``cycles``, by the activity text builder: a reminder of
        several cycles lists them."""
        texts = self.env["customer.followup.activity.text"]
        if len(cycles) > 1:
            return texts._texts(
                facts=[self._note_text(cycle) for cycle in cycles],
                summary=self._summary(cycles),
            )
        return texts._texts(summary=self._summary(cycles), text=self._note_text(cycles))

    @api.model
    def _summary(self, cycles):
        if len(cycles) > 1:
            return self.env._(
                "Reminder of %(count)s items: %(items)s",
                count=len(cycles),
                items=", ".join(
                    cycles.with_env(self.env).part_product_id.mapped("name")
                ),
            )
        cycle = cycles
        if cycle.source == "learned":
            return self.env._(
                "Reorder of %(product)s",
                product=cycle.with_env(self.env).part_product_id.name,
            )
        part = cycle.with_env(self.env).part_product_id.name
        product = cycle.with_env(self.env).product_id.name
        # a part named after its product ("Safety Valve for Pressure Cooker
        # 6 L") says which product it is
        if product and product.casefold() in (part or "").casefold():
            return self.env._("Replace the %(part)s", part=part)
        return self.env._(
            "Replace the %(part)s of %(product)s", part=part, product=product
        )

    @api.model
    def _step_note(self, cycle):
        step = cycle.with_env(self.env)._step(cycle.reminder_step)
        labels = dict(step._fields["delivery"]._description_selection(self.env))
        return self.env._(
            "Reminder step %(step)s sent by %(channel)s (%(type)s): "
            "the part is not ordered yet.",
            step=cycle.reminder_step,
            channel=labels[step.delivery],
            type=step.touchpoint_type_id.display_name,
        )

    @api.model
    def _unreachable_note(self, cycle, reason):
        """Why the reminders of ``cycle`` stop before its next step."""
        step = cycle.with_env(self.env)._step(cycle.reminder_step + 1)
        return self.env._(
            "Reminders stopped before step %(step)s (%(type)s): %(reason)s.",
            step=cycle.reminder_step + 1,
            type=step.touchpoint_type_id.display_name,
            reason=reason,
        )

    @api.model
    def _note(self, cycles):
        """The reminder for the salesperson, as HTML."""
        return self._activity_texts(cycles)[1]

    @api.model
    def _note_text(self, cycle):
        """The reminder for the salesperson, as text (the builder escapes
        the names typed by users: customer, products)."""
        cycle = cycle.with_env(self.env)
        if cycle.source == "learned":
            return self.env._(
                "%(customer)s last bought %(product)s on %(date)s and usually "
                "reorders it after about %(days)s days: expected on %(due)s. "
                "Quotation: %(quotation)s.",
                customer=cycle.partner_id.name,
                product=cycle.part_product_id.display_name,
                date=cycle.start_date,
                days=(cycle.due_date - cycle.start_date).days,
                due=cycle.due_date,
                quotation=cycle.quotation_id.name,
            )
        return self.env._(
            "%(customer)s bought %(product)s on %(date)s; the %(part)s is due on "
            "%(due)s. Quotation: %(quotation)s.",
            customer=cycle.partner_id.name,
            product=cycle.product_id.display_name,
            date=cycle.registration_id.purchase_date,
            part=cycle.part_product_id.display_name,
            due=cycle.due_date,
            quotation=cycle.quotation_id.name,
        )
