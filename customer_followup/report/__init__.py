from . import hagaki_layout
from . import hagaki_message
from . import report_replacement_hagaki
from . import report_campaign_batch
from . import customer_followup_effect_report
from . import customer_followup_control_report
from . import customer_followup_campaign_report
from . import customer_replacement_report
