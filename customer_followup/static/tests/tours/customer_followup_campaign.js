import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("customer_followup_campaign", {
    steps: () => [
        {
            content: "Look at what the campaign would create",
            trigger: ".o_notebook a[name='preview']",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='preview_html']:contains('Pieces per contact and tier')",
        },
        {
            content: "Confirm the campaign",
            trigger: ".o_statusbar_buttons button[name='action_confirm']",
            run: "click",
        },
        {
            trigger: ".modal footer button.btn-primary",
            run: "click",
        },
        {
            content: "The campaign is planned",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Planned')",
        },
        {
            trigger: ".o_notebook a[name='pieces']",
            run: "click",
        },
        {
            content: "Its pieces are listed",
            trigger: ".o_field_widget[name='piece_ids'] .o_data_row",
        },
    ],
});
