from . import customer_followup_campaign
from . import customer_followup_campaign_piece
from . import mailing_trace
