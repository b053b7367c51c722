import { ActivityMarkAsDone } from "@mail/core/web/activity_markasdone_popover";
import { patch } from "@web/core/utils/patch";

// the records whose activities log a touchpoint when done
const FOLLOWUP_MODELS = ["res.partner", "sale.order", "crm.lead"];

/** A call marked done from the chatter or the activities asks its outcome. */
patch(ActivityMarkAsDone.prototype, {
    get followupAsksOutcome() {
        const { activity_category, res_model } = this.props.activity;
        return activity_category === "phonecall" && FOLLOWUP_MODELS.includes(res_model);
    },

    async onClickFollowupOutcome() {
        const { id, res_id, res_model } = this.props.activity;
        const thread = this.env.services["mail.store"].Thread.insert({
            model: res_model,
            id: res_id,
        });
        const onActivityChanged = this.props.onActivityChanged;
        if (this.props.close) {
            this.props.close();
        }
        const action = await this.env.services.orm.call(
            "mail.activity",
            "action_followup_log_outcome",
            [[id]]
        );
        await this.env.services.action.doAction(action, {
            onClose: () => {
                onActivityChanged(thread);
                thread.fetchNewMessages();
            },
        });
    },
});
