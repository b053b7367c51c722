import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("customer_followup_my_day_phone", {
    steps: () => [
        {
            content: "My Day opens as cards on the phone, the late reorder first",
            trigger: ".o_kanban_record:first:contains('Tour Late Cafe'):contains('再注文遅れ')",
        },
        {
            content: "The call's card has the number to tap",
            trigger: ".o_kanban_record:contains('Tour Sushi') a[href^='tel:']",
        },
        {
            content: "Log the call's outcome",
            trigger: ".o_kanban_record:contains('Tour Sushi') button[name='action_log_outcome']",
            run: "click",
        },
        {
            content: "Nobody answered",
            trigger: ".modal div[name='outcome_id'] label:contains('不在')",
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
            content: "The call is done: tried again in two days, not today",
            trigger: ".o_kanban_renderer:not(:has(.modal)):not(:has(.o_kanban_record:contains('Tour Sushi')))",
        },
    ],
});

registry.category("web_tour.tours").add("customer_followup_my_day_list", {
    steps: () => [
        {
            content: "My Day as a list, the late reorder first",
            trigger: ".o_list_view .o_data_row:first:contains('Tour Late Cafe')",
        },
        {
            content: "A click on the line opens what it is about",
            trigger: ".o_data_row:contains('Tour Late Cafe') td[name='partner_id']",
            run: "click",
        },
        {
            content: "The customer, late to reorder, with My Day behind",
            trigger: ".o_form_view .o_breadcrumb:contains('Tour Late Cafe')",
        },
    ],
});
