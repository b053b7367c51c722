import { registry } from "@web/core/registry";

// The customer opens the reminder quotation from the mail's link, signs it
// and pays it with Odoo's demo payment provider (test mode).
registry.category("web_tour.tours").add("customer_followup_portal_pay", {
    steps: () => [
        {
            content: "The reminder quotation asks for a signature and a payment",
            trigger: "a[data-bs-target='#modalaccept']:contains('Sign & Pay')",
            run: "click",
        },
        {
            trigger: ".modal .o_web_sign_name_and_signature input",
            run: "fill Joel Willis",
        },
        {
            trigger: ".modal canvas.o_web_sign_signature",
            run: "canvasNotEmpty",
        },
        {
            content: "Sign",
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Signed: the payment form opens, with the demo provider",
            trigger: ".modal input[name='customer_input']",
            run: "edit 4242424242424242",
        },
        {
            content: "Pay",
            trigger: ".modal button[name='o_payment_submit_button']:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Paid: the quotation is now an order",
            trigger: "#introduction h2:contains('Sales Order')",
        },
    ],
});
