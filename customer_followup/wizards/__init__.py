from . import base_partner_merge_automatic_wizard
from . import customer_followup_workload
from . import customer_followup_call_outcome_wizard
from . import customer_followup_area_plan
