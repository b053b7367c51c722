from . import customer_touchpoint_type
from . import customer_touchpoint
from . import customer_touchpoint_mixin
from . import res_partner
from . import mail_activity
from . import sale_order
from . import crm_lead
from . import customer_followup_demo
