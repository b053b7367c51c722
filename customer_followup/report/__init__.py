from . import report_replacement_hagaki
