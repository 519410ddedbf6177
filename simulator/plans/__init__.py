"""The plans wing: plan.yaml → Plan; results → goal values; attainment (the one P(met))."""
