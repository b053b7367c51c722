# Copyright 2026 customer_followup contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Customer Follow-up",
    "summary": "Touchpoint ledger, ABCD customer tiers, capacity-aware follow-up "
    "planning and replacement-part reminders for repeat customers",
    "version": "19.0.1.3.0",
    "category": "Sales/CRM",
    "website": "https://github.com/customer-followup/customer_followup",
    "author": "customer_followup contributors",
    "maintainers": ["customer-followup"],
    "license": "LGPL-3",
    "development_status": "Beta",
    "application": True,
    "installable": True,
    "depends": ["sale_management", "crm", "mail"],
    "data": [
        "security/customer_followup_security.xml",
        "security/ir.model.access.csv",
        "data/customer_touchpoint_type_data.xml",
        "views/customer_touchpoint_type_views.xml",
        "views/customer_touchpoint_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/crm_lead_views.xml",
        "views/customer_followup_overview_views.xml",
        "views/portal_templates.xml",
        "data/customer_tier_data.xml",
        "data/customer_followup_tier_cron_data.xml",
        "views/customer_tier_views.xml",
        "views/res_partner_followup_views.xml",
        "wizards/customer_followup_workload_views.xml",
        "views/res_config_settings_views.xml",
        "data/mail_template_data.xml",
        "data/customer_followup_replacement_cron_data.xml",
        "report/customer_replacement_reports.xml",
        "views/product_consumable_rule_views.xml",
        "views/customer_product_registration_views.xml",
        "views/customer_replacement_views.xml",
        "views/customer_followup_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "customer_followup/static/src/**/*",
        ],
        "web.assets_tests": [
            "customer_followup/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/customer_followup_consumables_demo.xml",
        "demo/customer_followup_demo.xml",
    ],
}
