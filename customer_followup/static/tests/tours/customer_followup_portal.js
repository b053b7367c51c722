import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("customer_followup_portal", {
    url: "/my/products",
    steps: () => [
        {
            content: "The registered cooker and its due gasket are listed",
            trigger: ".o_followup_registration:contains('Portal Cooker') .o_followup_cycle:contains('Portal Gasket')",
        },
        {
            content: "Open the quotation for the gasket",
            trigger: ".o_followup_view_quotation",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Accept and sign",
            trigger: "a:contains('Sign')",
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
            content: "Confirm the order",
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The order is confirmed",
            trigger: "#quote_content:contains('Thank You')",
        },
    ],
});
