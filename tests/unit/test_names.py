"""simulator.names: the one reader of ``var`` / ``var[elem, …]`` and of result ids."""

import pytest

from simulator.names import normalise, split_name, to_id


@pytest.mark.parametrize("name, expected", [
    ("gdp", ("gdp", ())),
    (" value_added[ tertiary ] ", ("value_added", ("tertiary",))),
    ("move_rate[tongzhou_outer, sub_centre]", ("move_rate", ("tongzhou_outer", "sub_centre"))),
    ("x[]", ("x", ("",))),
    ("x[a][b]", None),
    ("x[a", None),
])
def test_split_name(name, expected):
    assert split_name(name) == expected


def test_ids_and_matching_keys():
    assert to_id('"Teacup Temperature"') == "teacup_temperature"
    assert to_id("Cluster Revenue") == "cluster_revenue"
    assert normalise("  Teacup   Temperature ") == normalise("teacup_temperature") == "teacup_temperature"
