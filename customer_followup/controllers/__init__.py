from . import portal
from . import sale_portal
from . import short_link
from . import optout
