from . import test_consumable_rule
from . import test_product_registration
from . import test_replacement_reminder
from . import test_hagaki_report
