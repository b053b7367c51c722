"""A year in the life of a shop running customer_followup (issue 25).

``scripts/simulate.py`` builds a throwaway database with the addon, generates
a shop (``shop``), then runs it day after day on a frozen clock in the shop's
timezone (``engine``): the customers order by their habits plus a known
effect of the contacts they received (``world``), the salespeople do their
activities, and every scheduled action of the addon runs as the cron runner
would. The invariants (``invariants``) are checked every day; the report
(``report``) compares the control group's estimate with the true uplift.
"""
