"""Rules of the addon switched off in the simulation's process only, to show
that the invariants catch them (``--break``): nothing is written to the
addon's code."""


def apply_break(registry, broken):
    if not broken:
        return
    if broken == "control":
        control = registry["customer.followup.control"]
        original = control._planner_candidates

        def planner_candidates(self, candidate_ids, today, write=True):
            # the draw is made and recorded, but its control group planned
            original(self, candidate_ids, today, write=write)
            return candidate_ids

        control._planner_candidates = planner_candidates
    elif broken == "budget":
        campaign = registry["customer.followup.campaign"]
        original = campaign._assign

        def assign(self, plan_line, candidate, budgets, *args):
            # the campaigns forget the yearly budgets
            return original(self, plan_line, candidate, {}, *args)

        campaign._assign = assign
        # and so does the planner
        planner = registry["customer.followup.planner"]
        planner._over_budget = lambda self, *args: False
    else:
        raise ValueError(broken)
