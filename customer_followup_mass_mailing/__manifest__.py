# Copyright 2026 customer_followup contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Customer Follow-up: Email Marketing",
    "summary": "Campaign emails of Customer Follow-up sent as Email Marketing "
    "mailings, with their UTM campaign and statistics",
    "version": "19.0.1.1.0",
    "category": "Marketing/Email Marketing",
    "website": "https://github.com/customer-followup/customer_followup",
    "author": "customer_followup contributors",
    "maintainers": ["customer-followup"],
    "license": "LGPL-3",
    "development_status": "Beta",
    "installable": True,
    "auto_install": True,
    "depends": ["customer_followup", "mass_mailing"],
    "data": [
        "views/customer_followup_campaign_views.xml",
    ],
}
