"""Plans, extract: a plan text (UTF-8, simplified or traditional) → a draft plan.yaml, with the reading rule as code.

The steps, one module each: ``text`` (lines, simplified and aligned to the original for quoting),
``numbers`` (the quantities of a clause; years, dates, ranks and clause numbers left out),
``indicators`` (indicator names → model variables, from ``indicators.yaml``), ``clauses``
(sentences, clauses and the target year each one speaks of), ``targets`` (one clause → goals or
past facts, through :mod:`simulator.plans.reading`), ``draft`` (the whole text → the draft
document and its counts). See docs/extract.md.
"""
