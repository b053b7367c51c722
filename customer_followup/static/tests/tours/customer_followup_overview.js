import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("customer_followup_overview", {
    steps: () => [
        {
            content: "The overview shows the tiers",
            trigger: ".o_followup_overview h4:contains('Tiers')",
        },
        {
            content: "Drill down into the overdue customers of tier B",
            trigger:
                ".o_followup_row:has(.o_followup_row_title:contains('B ·')) .o_followup_figure:contains('Overdue')",
            run: "click",
        },
        {
            content: "The overdue customer is listed",
            trigger: ".o_list_renderer .o_data_row:contains('Tour Due Bakery')",
        },
        {
            content: "The list holds only overdue customers",
            trigger: ".o_list_renderer:not(:has(.o_data_row:contains('Tour Happy Cafe')))",
        },
    ],
});
