from . import test_campaign_mailing
from . import test_campaign_mailing_language
