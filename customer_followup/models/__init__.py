from . import customer_touchpoint_type
from . import customer_touchpoint
from . import customer_touchpoint_mixin
from . import res_partner
from . import mail_activity
from . import sale_order
from . import crm_lead
<<<<<<< HEAD
from . import customer_tier
from . import res_company
from . import res_config_settings
from . import customer_followup_planner
=======
from . import customer_followup_demo
from . import customer_followup_overview
>>>>>>> main
