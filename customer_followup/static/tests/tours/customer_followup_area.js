import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("customer_followup_visit_outcome", {
    steps: () => [
        {
            content: "Mark the visit done from the chatter",
            trigger: ".o-mail-Activity:contains('Tour visit') .o-mail-Activity-markDone",
            run: "click",
        },
        {
            content: "The popover asks the visit's outcome",
            trigger: ".o-mail-ActivityMarkAsDone .o_followup_log_outcome",
            run: "click",
        },
        {
            content: "The customer has no need now",
            trigger: ".modal div[name='outcome_id'] label:contains('Reached, no need now')",
            run: "click",
        },
        {
            trigger: ".modal div[name='outcome_id'] input:checked",
        },
        {
            content: "Log it",
            trigger: ".modal button[name='action_log']",
            run: "click",
        },
        {
            content: "The visit is done",
            trigger: "body:not(:has(.modal)) .o-mail-Chatter:not(:has(.o-mail-Activity))",
        },
    ],
});

registry.category("web_tour.tours").add("customer_followup_plan_by_area", {
    steps: () => [
        {
            content: "Propose the days",
            trigger: ".modal button[name='action_propose']",
            run: "click",
        },
        {
            content: "The neighbour's visit moves to the day of the first one",
            trigger: ".modal .o_data_row:contains('Tour Neighbour'):contains('〒150')",
        },
        {
            content: "Apply",
            trigger: ".modal button[name='action_apply']",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('visits moved')",
        },
    ],
});
