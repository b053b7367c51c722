import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { Component, onWillStart, useState } from "@odoo/owl";

export class FollowupOverview extends Component {
    static template = "customer_followup.FollowupOverview";
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.state = useState({ data: null });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("customer.followup.overview", "get_overview", []);
    }

    openFigure(figure) {
        if (figure.action) {
            this.actionService.doAction(figure.action);
        }
    }
}

registry.category("actions").add("customer_followup.overview", FollowupOverview);
