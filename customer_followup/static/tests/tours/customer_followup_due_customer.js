import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("customer_followup_due_customer", {
    steps: () => [
        {
            content: "Open the overdue customer from the follow-up list",
            trigger: ".o_data_row td[name='complete_name']:contains('Tour Due Bakery')",
            run: "click",
        },
        {
            content: "The customer is overdue",
            trigger: ".o_field_widget[name='followup_status']:contains('Overdue')",
        },
        {
            trigger: ".o_notebook a[name='customer_followup']",
            run: "click",
        },
        {
            content: "Log the call",
            trigger: "button[name='action_log_touchpoint']",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='type_id'] input",
            run: "edit Phone",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Phone call')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='summary'] input",
            run: "edit Courtesy call, nothing to sell",
        },
        {
            content: "Write down what the customer said",
            trigger: ".modal .o_field_widget[name='feedback'] .odoo-editor-editable",
            run: "editor Uses the cooker every day and would like a bigger lid",
        },
        {
            trigger: ".modal footer button.btn-primary",
            run: "click",
        },
        {
            content: "The next follow-up moved: the customer is on track again",
            trigger: ".o_field_widget[name='followup_status']:contains('On Track')",
        },
    ],
});
