# Copyright 2026 customer_followup contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Odoo's at_install tests, run again after loading (test helper)",
    "summary": "Used only by `make test-odoo`: runs the at_install tests of the "
    "modules customer_followup extends once every module is loaded",
    "version": "19.0.1.0.0",
    "category": "Hidden/Tests",
    "author": "customer_followup contributors",
    "website": "https://github.com/customer-followup/customer_followup",
    "license": "LGPL-3",
    "depends": ["mail", "portal", "sale_management", "crm", "sale_crm"],
    "data": [],
    "installable": True,
}
