import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("customer_followup_log_touchpoint", {
    steps: () => [
        {
            content: "Open the Follow-up tab of the customer",
            trigger: ".o_notebook a[name='customer_followup']",
            run: "click",
        },
        {
            content: "Log a touchpoint",
            trigger: "button[name='action_log_touchpoint']",
            run: "click",
        },
        {
            content: "Choose the phone call type",
            trigger: ".modal .o_field_widget[name='type_id'] input",
            run: "edit Phone",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Phone call')",
            run: "click",
        },
        {
            content: "Say what the call was about",
            trigger: ".modal .o_field_widget[name='summary'] input",
            run: "edit Asked how the new rice cooker works",
        },
        {
            content: "Log it",
            trigger: ".modal footer button.btn-primary",
            run: "click",
        },
        {
            content: "The touchpoint is in the customer's ledger",
            trigger:
                ".o_field_widget[name='followup_visible_touchpoint_ids'] td:contains('Asked how the new rice cooker works')",
        },
        {
            content: "The smart button counts it",
            trigger: "button[name='action_view_touchpoints'] .o_stat_value:contains('1')",
        },
    ],
});
