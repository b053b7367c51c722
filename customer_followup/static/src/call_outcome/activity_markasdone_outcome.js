import { ActivityMarkAsDone } from "@mail/core/web/activity_markasdone_popover";
import { patch } from "@web/core/utils/patch";

/** A call or a visit marked done from the chatter or the activities asks
 * its outcome (the server says which: followup_asks_outcome). */
patch(ActivityMarkAsDone.prototype, {
    get followupAsksOutcome() {
        return Boolean(this.props.activity.followup_asks_outcome);
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
