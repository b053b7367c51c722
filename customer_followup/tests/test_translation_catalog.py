from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import PoFileReader, TranslationModuleReader


@tagged("post_install", "-at_install")
class TestTranslationCatalog(TransactionCase):
    """The shipped catalog holds every term Odoo extracts from the addon, and
    the Japanese one translates each of them."""

    def _catalog(self, name):
        path = file_path(f"customer_followup/i18n/{name}")
        return {entry["src"]: entry["value"] for entry in PoFileReader(path)}

    def test_pot_and_ja_po_cover_every_extracted_term(self):
        extracted = {
            source
            for module, _type, _name, _res_id, source, _value, _comments in (
                TranslationModuleReader(self.env.cr, modules=["customer_followup"])
            )
            if module == "customer_followup" and source
        }
        pot = self._catalog("customer_followup.pot")
        ja = self._catalog("ja.po")
        self.assertFalse(sorted(extracted - set(pot)), "terms missing from the .pot")
        self.assertFalse(sorted(set(pot) - set(ja)), "terms missing from ja.po")
        # a term written the same in Japanese is left empty, as Odoo exports it
        self.assertFalse(
            sorted(src for src, value in ja.items() if not value and src != "ID"),
            "untranslated terms in ja.po",
        )
