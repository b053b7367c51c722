from . import customer_followup_workload
