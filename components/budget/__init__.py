"""Sections of the budget page (pages/budget.py), top to bottom.

- `funding`: the sync of every budget input from the plan, then the funding inputs;
- `kpis`: the plan's summary, KPIs and the runway chart;
- `team_cost`: what today's team costs a month;
- `hires`: the hiring timeline, its recommendation and its outcome;
- `compute`: training and serving compute, priced;
- `scenarios`: named variants of the plan, compared.

The inputs are fields (`fields`: read from the plan, parsed, validated, saved);
the finances' own are in `finance_fields`, the compute's in `compute_fields`.
"""
