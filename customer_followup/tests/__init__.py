from . import test_touchpoint
from . import test_activity_touchpoint
from . import test_touchpoint_access
from . import test_ui_tours
from . import test_followup_overview
from . import test_partner_merge
