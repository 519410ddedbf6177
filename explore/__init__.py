"""Top shell, the explore app: a local web page where a plan's levers are sliders and every move answers
with P(met) and fan charts from the same sampled scenarios (``python run.py explore SCENARIO``).

Like run.py and reports/, a shell over simulator/: it imports the wings and reports' wording, and
nothing imports it.
"""
