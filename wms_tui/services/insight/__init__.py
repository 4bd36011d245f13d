"""Supervisor insight: the shift's numbers (``metrics``), the shift dashboard
(``dashboard``) and the reports to take away (``reports``), all read from the
event log and the orders. The rules (rates, percentiles, accuracy, the cut-off
pace projection, backorder ages) are pure functions in ``rules``."""
