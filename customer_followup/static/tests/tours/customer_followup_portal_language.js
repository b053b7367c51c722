import { registry } from "@web/core/registry";

// Texts of Odoo's portal page, sign dialog and chatter that an English
// browser must not see on a Japanese customer's quotation.
const ENGLISH = [
    "Full Name",
    "Accept & Sign",
    "Draw",
    "Load",
    "Sign & Pay",
    "Send message",
    "Log in",
    "Communication history",
    "The conversation is empty.",
    "Quotation",
    "Subtotal",
];

function englishLeft() {
    const modal = document.querySelector(".modal.show");
    const texts = [document.body.innerText];
    for (const host of document.querySelectorAll("*")) {
        if (host.shadowRoot) {
            texts.push(host.shadowRoot.textContent);
        }
    }
    if (modal) {
        texts.push(modal.innerText);
    }
    const text = texts.join("\n");
    return ENGLISH.filter((english) => new RegExp(`\\b${english.replace(/[&.]/g, "\\$&")}\\b`).test(text));
}

// An English browser opens a Japanese customer's quotation: the page, its
// chatter and the sign dialog are in Japanese.
registry.category("web_tour.tours").add("customer_followup_portal_language", {
    steps: () => [
        {
            content: "The quotation page is in Japanese",
            trigger: "a[data-bs-target='#modalaccept']:contains('承認して署名')",
        },
        {
            content: "No English on the page",
            trigger: "body",
            run() {
                const left = englishLeft();
                if (left.length) {
                    throw new Error(`English on the page: ${left.join(", ")}`);
                }
            },
        },
        {
            trigger: "a[data-bs-target='#modalaccept']",
            run: "click",
        },
        {
            content: "The sign dialog is in Japanese",
            trigger: ".modal .o_web_sign_name_and_signature:contains('氏名')",
        },
        {
            trigger: ".modal .o_web_sign_name_and_signature input",
            run: "fill 山田 陽子",
        },
        {
            trigger: ".modal canvas.o_web_sign_signature",
            run: "canvasNotEmpty",
        },
        {
            content: "No English in the dialog",
            trigger: ".modal .o_portal_sign_submit:enabled",
            run() {
                const left = englishLeft();
                if (left.length) {
                    throw new Error(`English in the sign dialog: ${left.join(", ")}`);
                }
            },
        },
    ],
});
