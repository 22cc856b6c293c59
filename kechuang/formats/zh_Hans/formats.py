# Dates are shown as ISO (YYYY-MM-DD) everywhere, as in every import template and export.
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
MONTH_DAY_FORMAT = "m-d"
YEAR_MONTH_FORMAT = "Y-m"
# Figures are grouped by three with "," as a bureau writes them (1,617; 785,883.52), not by four and
# without a separator as Django's zh_Hans default has it. Only filters that ask for grouping use it
# (`floatformat:"2g"`, `intcomma`, kechuang's `num`), so years and codes never get a comma.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
