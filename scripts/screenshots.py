"""Take the README's screenshots from a running demo server (``make run``).

    pip install playwright   # uses Debian's /usr/bin/chromium, downloads nothing
    python3 scripts/screenshots.py [--base URL] [--out docs/screenshots]

Needs poppler-utils (pdftoppm) for the postcard PDF.
"""

import argparse
import html
import json
import subprocess
import tempfile
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def login(page, base, user, password):
    page.goto(f"{base}/web/login")
    page.fill("input[name=login]", user)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("domcontentloaded")


def rpc(page, base, model, method, *args, **kwargs):
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {"model": model, "method": method, "args": args, "kwargs": kwargs},
    }
    response = page.request.post(
        f"{base}/web/dataset/call_kw",
        data=json.dumps(payload),
        headers={"Content-Type": "application/json"},
    )
    answer = response.json()
    if "error" in answer:
        print(f"skipped {model}.{method}: {answer['error']['data']['message']}")
        return []
    return answer["result"]


def backend_shot(
    page, base, path, out, wait=".o_action_manager .o_action", click=None, height=None
):
    """``path`` of the backend as the logged-in user sees it; ``height``: a
    taller window, for a form whose content scrolls inside the page."""
    size = page.viewport_size
    if height:
        page.set_viewport_size({"width": size["width"], "height": height})
    page.goto(f"{base}{path}")
    page.wait_for_selector(wait, timeout=60000)
    if click:
        page.click(click)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(out))
    print("saved", out)
    page.set_viewport_size(size)


def caught_mail_shot(page, mail_catcher, path, wanted):
    """The newest mail the demo's mail catcher received for which
    ``wanted(mail)`` holds, as its reader sees it; False when there is none
    (`make run` sends Odoo's mail queue there, and Odoo deletes the mails it
    sent)."""
    with urllib.request.urlopen(f"{mail_catcher}/email") as response:
        caught = [mail for mail in json.load(response) if wanted(mail)]
    if not caught:
        return False
    mail = max(caught, key=lambda mail: mail["date"])
    page.set_content(
        f"<div style='max-width:720px;margin:16px auto;font-family:sans-serif'>"
        f"<p><b>{html.escape(mail['subject'])}</b></p>{mail['html']}</div>"
    )
    page.wait_for_timeout(500)
    page.screenshot(path=str(path), full_page=True)
    print("saved", path)
    return True


def reminders_by_quotation(page, base):
    """The reminded cycles (id, quotation, source), one list per quotation:
    a reminder of several parts is one quotation."""
    cycles = rpc(
        page,
        base,
        "customer.replacement",
        "search_read",
        [["quotation_id", "!=", False], ["reminded_date", "!=", False]],
        fields=["quotation_id", "source"],
        order="id",
    )
    per_quotation = {}
    for cycle in cycles:
        per_quotation.setdefault(cycle["quotation_id"][0], []).append(cycle)
    return list(per_quotation.values())


def reminder_shot(page, base, out, sfx, mail_catcher):
    """The first reminder mail of one part (one cycle, one quotation), found
    in the mail catcher by the subject of its copy in the cycle's chatter."""
    alone = [
        group[0]["id"]
        for group in reminders_by_quotation(page, base)
        if len(group) == 1 and group[0]["source"] == "rule"
    ]
    copies = alone and rpc(
        page,
        base,
        "mail.message",
        "search_read",
        [
            ["model", "=", "customer.replacement"],
            ["res_id", "=", min(alone)],
            ["message_type", "=", "email_outgoing"],
        ],
        fields=["subject"],
        limit=1,
    )
    if not copies or not caught_mail_shot(
        page,
        mail_catcher,
        out / f"reminder_mail{sfx}.png",
        lambda mail: mail["subject"] == copies[0]["subject"],
    ):
        print("no reminder mail of one part in the mail catcher")


def grouped_reminder_shot(page, base, out, sfx, mail_catcher):
    """The reminder mail of a customer with several parts due (one mail, one
    quotation naming each part)."""
    grouped = [
        [cycle["id"] for cycle in group]
        for group in reminders_by_quotation(page, base)
        if len(group) > 1
    ]
    if not grouped:
        print("no grouped reminder in this database")
        return
    # sent by `make run` to its mail catcher (and deleted from Odoo's queue)
    [cycle] = rpc(
        page,
        base,
        "customer.replacement",
        "read",
        max(grouped, key=len)[:1],
        ["partner_id"],
    )
    [partner] = rpc(
        page, base, "res.partner", "read", [cycle["partner_id"][0]], ["email"]
    )
    if not caught_mail_shot(
        page,
        mail_catcher,
        out / f"grouped_reminder_mail{sfx}.png",
        lambda mail: partner["email"] in [to["address"] for to in mail["to"]],
    ):
        print("the grouped reminder's mail is not in the mail catcher")


def my_day_shots(browser, page, base, out, sfx):
    """My Day on the desktop and on a phone (390x844), as the logged-in user."""
    path = "/odoo/action-customer_followup.action_customer_followup_my_day"
    wait = ".o_kanban_renderer"
    backend_shot(page, base, path, out / f"my_day{sfx}.png", wait=wait)
    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        storage_state=page.context.storage_state(),
    )
    backend_shot(
        phone.new_page(), base, path, out / f"my_day_phone{sfx}.png", wait=wait
    )
    phone.close()


def workload_shot(page, base, out, days):
    """The workload preview computed over ``days`` days ahead."""
    page.goto(f"{base}/odoo/action-customer_followup.action_customer_followup_workload")
    page.wait_for_selector(".modal .o_form_view", timeout=60000)
    page.fill(".modal div[name=horizon_days] input", str(days))
    page.click(".modal footer button[name=action_compute]")
    page.wait_for_selector(".modal .o_field_one2many .o_data_row", timeout=60000)
    page.mouse.move(5, 5)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(out))
    print("saved", out)


def campaign_shots(page, base, out, sfx):
    """The campaigns' response compared per channel, and the coming New Year
    greeting's preview."""
    backend_shot(
        page,
        base,
        "/odoo/action-customer_followup.action_customer_followup_campaign_report",
        out / f"campaign_response{sfx}.png",
        wait=".o_pivot",
    )
    draft = rpc(
        page,
        base,
        "customer.followup.campaign",
        "search",
        [["state", "=", "draft"], ["greeting", "=", "new_year"]],
        limit=1,
    )
    if draft:
        backend_shot(
            page,
            base,
            f"/odoo/action-customer_followup.action_customer_followup_campaign/{draft[0]}",
            out / f"campaign_preview{sfx}.png",
            wait=".o_form_view",
            click=".o_notebook a[name='preview']",
            # the budgets and the customers left out, below the tab
            height=1900,
        )


def portal_shots(browser, page, base, out, sfx):
    """The customer's side: "My products" of the portal user (山田 陽子) in
    her Japanese browser, and her reminder quotation opened from her mail by
    an English browser."""
    japanese = browser.new_context(
        locale="ja-JP", viewport={"width": 1200, "height": 860}
    )
    portal_page = japanese.new_page()
    login(portal_page, base, "portal", "portal")
    portal_page.goto(f"{base}/my/products")
    portal_page.wait_for_timeout(1500)
    portal_page.screenshot(path=str(out / f"portal_products{sfx}.png"))
    print("saved", out / f"portal_products{sfx}.png")
    japanese.close()

    # her reminder quotation, opened from the link of her mail by a browser
    # that asks for English: the portal answers in her language.
    customer = rpc(
        page,
        base,
        "res.users",
        "search_read",
        [["login", "=", "portal"]],
        ["partner_id"],
    )
    cycles = customer and rpc(
        page,
        base,
        "customer.replacement",
        "search_read",
        [
            ["partner_id", "=", customer[0]["partner_id"][0]],
            ["quotation_id", "!=", False],
            ["state", "=", "reminded"],
        ],
        ["quotation_id"],
        limit=1,
    )
    if cycles:
        quotation_id = cycles[0]["quotation_id"][0]
        token = rpc(page, base, "sale.order", "read", [quotation_id], ["access_token"])[
            0
        ]["access_token"]
        english = browser.new_context(
            locale="en-US", viewport={"width": 1200, "height": 1000}
        )
        quote_page = english.new_page()
        quote_page.goto(f"{base}/my/orders/{quotation_id}?access_token={token}")
        quote_page.wait_for_selector("#introduction", timeout=60000)
        quote_page.wait_for_timeout(1500)
        shot = out / f"portal_quotation_ja{sfx}.png"
        quote_page.screenshot(path=str(shot))
        print("saved", shot)
        english.close()


def hagaki_pages(page, base, cycle_id, report="report_replacement_hagaki"):
    """The address side and the message side of a postcard (a cycle's, or a
    campaign piece's with ``report="report_campaign_batch"``), side by side in
    one image."""
    from PIL import Image  # noqa: PLC0415 - Odoo's dependency, only needed here

    pdf = page.request.get(f"{base}/report/pdf/customer_followup.{report}/{cycle_id}")
    with tempfile.TemporaryDirectory() as tmp:
        pdf_path = Path(tmp) / "hagaki.pdf"
        pdf_path.write_bytes(pdf.body())
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "110",
                "-f",
                "1",
                "-l",
                "2",
                str(pdf_path),
                str(Path(tmp) / "side"),
            ],
            check=True,
        )
        sides = [
            Image.open(path).convert("RGB")
            for path in sorted(Path(tmp).glob("side*.png"))
        ]
        gap = 24
        image = Image.new(
            "RGB",
            (
                sum(side.width for side in sides) + gap * (len(sides) + 1),
                max(side.height for side in sides) + 2 * gap,
            ),
            (210, 210, 210),
        )
        left = gap
        for side in sides:
            image.paste(side, (left, gap))
            left += side.width + gap
        return image


def hagaki_shots(page, base, out, sfx):
    """Both sides of a postcard to a Japanese customer (hagaki.png) and to a
    customer abroad (hagaki_foreign.png)."""
    with_quotation = [["quotation_id", "!=", False]]
    for name, country in (("hagaki", ["=", "JP"]), ("hagaki_foreign", ["!=", "JP"])):
        domain = [*with_quotation, ["partner_id.country_id.code", *country]]
        cycle = rpc(
            page,
            base,
            "customer.replacement",
            "search",
            [*domain, ["delivery", "=", "print"]],
            limit=1,
        ) or rpc(page, base, "customer.replacement", "search", domain, limit=1)
        if cycle:
            hagaki_pages(page, base, cycle[0]).save(out / f"{name}{sfx}.png")
            print("saved", out / f"{name}{sfx}.png")


def greeting_card_shots(page, base, out, sfx):
    """Both sides of a New Year and of a summer greeting card to a Japanese
    customer of the demo shop (hagaki_new_year.png, hagaki_summer.png): a
    printed card, else a handwritten one (printed with a blank for the
    salesperson's line)."""
    for name, greeting in (
        ("hagaki_new_year", "new_year"),
        ("hagaki_summer", "summer"),
    ):
        campaigns = rpc(
            page,
            base,
            "customer.followup.campaign",
            "search",
            [["greeting", "=", greeting]],
            order="send_date desc",
        )
        domain = [
            ["campaign_id", "in", campaigns],
            ["partner_id.lang", "=", "ja_JP"],
            ["partner_id.country_id.code", "=", "JP"],
        ]
        piece = rpc(
            page,
            base,
            "customer.followup.campaign.piece",
            "search",
            [*domain, ["kind", "=", "printed"]],
            limit=1,
        ) or rpc(
            page,
            base,
            "customer.followup.campaign.piece",
            "search",
            [*domain, ["kind", "=", "personal"]],
            limit=1,
        )
        if piece:
            image = hagaki_pages(page, base, piece[0], report="report_campaign_batch")
            image.save(out / f"{name}{sfx}.png")
            print("saved", out / f"{name}{sfx}.png")


def reorder_and_slipping_shots(page, base, out, sfx, mail_catcher, email):
    """The learned reorder intervals (first salesperson's group open) and the
    weekly "customers slipping away" mail to ``email`` (`make run` ran its
    scheduled action and sent it to the mail catcher; it mails nobody twice
    a week): the mail to that reader that links to customers."""
    backend_shot(
        page,
        base,
        "/odoo/action-customer_followup.action_customer_reorder_interval",
        out / f"reorder_intervals{sfx}.png",
        click=".o_group_header",
    )
    if not caught_mail_shot(
        page,
        mail_catcher,
        out / f"slipping_mail{sfx}.png",
        lambda mail: (
            email in [to["address"] for to in mail["to"]]
            and "/odoo/res.partner/" in (mail["html"] or "")
        ),
    ):
        print("no slipping mail in the mail catcher")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="http://localhost:8069")
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--lang", default="en_US", help="backend language, e.g. ja_JP")
    parser.add_argument("--suffix", default="")
    parser.add_argument(
        "--only-portal", action="store_true", help="only the customer portal's shots"
    )
    parser.add_argument(
        "--login", default="admin:admin", help="backend user:password (demo:demo)"
    )
    parser.add_argument(
        "--only-hagaki", action="store_true", help="only the postcards' two sides"
    )
    parser.add_argument(
        "--mail-catcher",
        default="http://localhost:1080",
        help="the mail catcher of `make run` (the mails the demo sent)",
    )
    parser.add_argument(
        "--only-day",
        action="store_true",
        help="only My Day (desktop and phone) and the grouped reminder mail",
    )
    parser.add_argument(
        "--only-campaigns",
        action="store_true",
        help="only the campaign response and the coming New Year greeting",
    )
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    base, sfx = args.base, args.suffix

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1400, "height": 860})
        user, password = args.login.split(":", 1)
        login(page, base, user, password)
        me = rpc(page, base, "res.users", "search", [["login", "=", user]])
        my_lang = rpc(page, base, "res.users", "read", me, ["lang"])[0]["lang"]
        if args.only_portal or args.only_hagaki:
            if args.only_portal:
                portal_shots(browser, page, base, out, sfx)
            if args.only_hagaki:
                hagaki_shots(page, base, out, sfx)
                greeting_card_shots(page, base, out, sfx)
            browser.close()
            return
        rpc(page, base, "res.users", "write", me, {"lang": args.lang})

        if args.only_day:
            my_day_shots(browser, page, base, out, sfx)
            grouped_reminder_shot(page, base, out, sfx, args.mail_catcher)
            rpc(page, base, "res.users", "write", me, {"lang": my_lang})
            browser.close()
            return
        if args.only_campaigns:
            campaign_shots(page, base, out, sfx)
            rpc(page, base, "res.users", "write", me, {"lang": my_lang})
            browser.close()
            return
        backend_shot(
            page,
            base,
            "/odoo/action-customer_followup.action_followup_overview",
            out / f"overview{sfx}.png",
            wait=".o_followup_overview h4",
        )
        workload_shot(page, base, out / f"workload{sfx}.png", days=120)
        backend_shot(
            page,
            base,
            "/odoo/action-customer_followup.action_followup_customers?view_type=kanban",
            out / f"customers{sfx}.png",
        )
        backend_shot(
            page,
            base,
            "/odoo/action-customer_followup.action_followup_customers?view_type=activity",
            out / f"planner_activities{sfx}.png",
        )
        # the logged-in salesperson's best customer
        key = rpc(
            page,
            base,
            "res.partner",
            "search",
            [["user_id", "in", me], ["followup_tier_id", "!=", False]],
            order="followup_score desc, id",
            limit=1,
        )
        if key:
            backend_shot(
                page,
                base,
                f"/odoo/res.partner/{key[0]}",
                out / f"customer{sfx}.png",
                wait=".o_form_view",
                click=".o_notebook a[name='customer_followup']",
            )
        backend_shot(
            page,
            base,
            "/odoo/action-customer_followup.action_customer_replacement",
            out / f"replacement_cycles{sfx}.png",
        )
        campaign_shots(page, base, out, sfx)

        reminder_shot(page, base, out, sfx, args.mail_catcher)

        hagaki_shots(page, base, out, sfx)
        greeting_card_shots(page, base, out, sfx)

        backend_shot(
            page,
            base,
            "/odoo/action-customer_followup.action_customer_followup_effect_report",
            out / f"effect_report{sfx}.png",
            wait=".o_pivot table",
        )
        backend_shot(
            page,
            base,
            "/odoo/action-customer_followup.action_customer_followup_control_report",
            out / f"control_group{sfx}.png",
            wait=".o_form_view",
        )

        email = rpc(page, base, "res.users", "read", me, ["email"])[0]["email"]
        reorder_and_slipping_shots(page, base, out, sfx, args.mail_catcher, email)
        my_day_shots(browser, page, base, out, sfx)
        grouped_reminder_shot(page, base, out, sfx, args.mail_catcher)

        rpc(page, base, "res.users", "write", me, {"lang": my_lang})

        portal_shots(browser, page, base, out, sfx)
        browser.close()


if __name__ == "__main__":
    main()
