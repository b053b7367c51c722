from . import hagaki_layout
from . import hagaki_message
from . import report_replacement_hagaki
from . import report_campaign_batch
