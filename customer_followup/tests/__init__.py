from . import test_tier_scoring
from . import test_followup_planner
from . import test_workload_preview
