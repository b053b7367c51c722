"""Postal addresses as letters write them: a Japanese address as written in
Japan, any other as its country's format writes it."""

import unicodedata


def japanese_address_lines(partner):
    """Prefecture, city and street on one line, the building on the next."""
    first = "".join(
        part for part in (partner.state_id.name, partner.city, partner.street) if part
    )
    return [line for line in (first, partner.street2) if line]


def one_line_address(partner, recipient=None):
    """``partner``'s postal address on one line (a sender's address): in
    Japan 〒 and the postal code first, then the address as written in
    Japan (prefecture, city, street, building); elsewhere as the country's
    format writes it. The country is left out for a ``recipient`` in the
    same country, and for an address in Japanese script unless the
    recipient lives abroad."""
    japanese = has_japanese_script([partner.city or "", partner.street or ""])
    country = partner.country_id
    in_japan = japanese or country.code == "JP"
    if japanese:
        lines = ["".join(japanese_address_lines(partner))]
    else:
        lines = [
            line.strip()
            for line in partner._display_address(without_company=True).splitlines()
            if line.strip() and not (in_japan and line.strip() == partner.zip)
        ]
    if lines and in_japan and partner.zip:
        lines[0] = f"〒{unicodedata.normalize('NFKC', partner.zip)} {lines[0]}"
    abroad = recipient and recipient.country_id and recipient.country_id != country
    if country and lines and lines[-1] == country.name and not abroad and recipient:
        lines.pop()
    elif country and japanese and abroad:
        lines.append(country.name)
    return ", ".join(lines)


def has_japanese_script(lines):
    return any(
        unicodedata.east_asian_width(char) in "WF" for line in lines for char in line
    )
