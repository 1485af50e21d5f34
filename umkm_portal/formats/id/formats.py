# "28 November 2026", as docs/rules.md rule 12 asks; Django's own Indonesian format abbreviates months.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H.i"
TIME_FORMAT = "H.i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H.i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
