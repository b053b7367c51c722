import { registry } from "@web/core/registry";

// A salesperson's first morning after the planner ran: the follow-ups are
// today's (or the next working day's) work, none is late on the day it was
// planned.
const contacts = ".o-mail-ActivityGroup[data-model_name='res.partner']";

registry.category("web_tour.tours").add("customer_followup_first_morning", {
    steps: () => [
        {
            content: "Open the activities of the systray",
            trigger: ".o_menu_systray i[aria-label='Activities']",
            run: "click",
        },
        {
            content: "The planned follow-ups are there, none of them late",
            trigger: `${contacts}:has(span.text-muted:contains('0 Late'))`,
        },
        {
            content: "Open today's follow-ups (or the next working day's)",
            trigger: `${contacts} span.btn-link:contains('Today'), ${contacts} span.btn-link:contains('Future')`,
            run: "click",
        },
        {
            content: "The customers to contact are listed",
            trigger: ".o_data_row, .o_kanban_record:not(.o_kanban_ghost), .o_activity_view",
        },
    ],
});
