"""
Python model 'regional.py'
Translated using PySD
"""

from pathlib import Path
import numpy as np
import xarray as xr

from pysd.py_backend.functions import zidz, sum, if_then_else
from pysd.py_backend.statefuls import Integ
from pysd.py_backend.lookups import HardcodedLookups
from pysd import Component

__pysd_version__ = "3.14.3"

__data = {"scope": None, "time": lambda: 0}

_root = Path(__file__).parent


_subscript_dict = {
    "sector": ["primary", "secondary", "tertiary"],
    "cluster": [
        "biomedicine",
        "electronic_information",
        "advanced_equipment",
        "new_materials",
        "modern_food",
        "big_health",
        "finance",
        "retail",
        "cultural_creative",
    ],
    "water_use": ["domestic", "industrial", "agricultural", "ecological"],
    "water_source": ["surface", "transferred", "reclaimed", "groundwater"],
}

component = Component()

#######################################################################
#                          CONTROL VARIABLES                          #
#######################################################################

_control_vars = {
    "initial_time": lambda: 2010,
    "final_time": lambda: 2035,
    "time_step": lambda: 0.25,
    "saveper": lambda: 1,
}


def _init_outer_references(data):
    for key in data:
        __data[key] = data[key]


@component.add(name="Time")
def time():
    """
    Current time of the model.
    """
    return __data["time"]()


@component.add(
    name="FINAL TIME", units="Year", comp_type="Constant", comp_subtype="Normal"
)
def final_time():
    """
    The final time for the simulation.
    """
    return __data["time"].final_time()


@component.add(
    name="INITIAL TIME", units="Year", comp_type="Constant", comp_subtype="Normal"
)
def initial_time():
    """
    The initial time for the simulation (a region's scenario may start later).
    """
    return __data["time"].initial_time()


@component.add(
    name="SAVEPER",
    units="Year",
    limits=(0.0, np.nan),
    comp_type="Constant",
    comp_subtype="Normal",
)
def saveper():
    """
    The frequency with which output is stored.
    """
    return __data["time"].saveper()


@component.add(
    name="TIME STEP",
    units="Year",
    limits=(0.0, np.nan),
    comp_type="Constant",
    comp_subtype="Normal",
)
def time_step():
    """
    The time step for the simulation.
    """
    return __data["time"].time_step()


#######################################################################
#                           MODEL VARIABLES                           #
#######################################################################


@component.add(
    name="Population",
    units="万人",
    limits=(0.0, np.nan),
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_population": 1},
    other_deps={
        "_integ_population": {
            "initial": {"initial_population": 1},
            "step": {"births": 1, "deaths": 1, "net_migration": 1},
        }
    },
)
def population():
    """
    Resident (常住) population of the region.
    """
    return _integ_population()


_integ_population = Integ(
    lambda: births() - deaths() + net_migration(),
    lambda: initial_population(),
    "_integ_population",
)


@component.add(
    name="Births",
    units="万人/Year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"population": 1, "crude_birth_rate": 1},
)
def births():
    """
    Live births per year.
    """
    return population() * crude_birth_rate()


@component.add(
    name="Deaths",
    units="万人/Year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"population": 1, "crude_death_rate": 1},
)
def deaths():
    """
    Deaths per year.
    """
    return population() * crude_death_rate()


@component.add(
    name="Net Migration",
    units="万人/Year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"population": 1, "net_migration_rate": 1},
)
def net_migration():
    """
    Net in-migration per year (negative = out-migration).
    """
    return population() * net_migration_rate()


@component.add(
    name="Crude Birth Rate", units="1/Year", comp_type="Constant", comp_subtype="Normal"
)
def crude_birth_rate():
    """
    Births per resident per year (region constant / lever).
    """
    return 0.008


@component.add(
    name="Crude Death Rate", units="1/Year", comp_type="Constant", comp_subtype="Normal"
)
def crude_death_rate():
    """
    Deaths per resident per year (region constant / lever).
    """
    return 0.007


@component.add(
    name="Net Migration Rate",
    units="1/Year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def net_migration_rate():
    """
    Net migrants per resident per year (region constant / lever).
    """
    return 0


@component.add(
    name="Initial Population", units="万人", comp_type="Constant", comp_subtype="Normal"
)
def initial_population():
    """
    Resident population at INITIAL TIME (region constant).
    """
    return 100


@component.add(
    name="Urbanization Rate",
    units="Dmnl",
    limits=(0.0, 1.0),
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_urbanization_rate": 1},
    other_deps={
        "_integ_urbanization_rate": {
            "initial": {"initial_urbanization_rate": 1},
            "step": {"urbanization_change": 1},
        }
    },
)
def urbanization_rate():
    """
    Share of residents living in towns (常住人口城镇化率); logistic approach to Urbanization Ceiling.
    """
    return _integ_urbanization_rate()


_integ_urbanization_rate = Integ(
    lambda: urbanization_change(),
    lambda: initial_urbanization_rate(),
    "_integ_urbanization_rate",
)


@component.add(
    name="Urbanization Change",
    units="1/Year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "urbanization_speed": 1,
        "urbanization_rate": 2,
        "urbanization_ceiling": 1,
    },
)
def urbanization_change():
    """
    Logistic change of the urbanization rate.
    """
    return (
        urbanization_speed()
        * urbanization_rate()
        * (1 - urbanization_rate() / urbanization_ceiling())
    )


@component.add(
    name="Urbanization Speed",
    units="1/Year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def urbanization_speed():
    """
    Logistic rate constant of urbanization (region constant / lever).
    """
    return 0.04


@component.add(
    name="Urbanization Ceiling",
    units="Dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def urbanization_ceiling():
    """
    Upper limit the urbanization rate approaches (region constant).
    """
    return 0.85


@component.add(
    name="Initial Urbanization Rate",
    units="Dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def initial_urbanization_rate():
    """
    Urbanization rate at INITIAL TIME (region constant).
    """
    return 0.5


@component.add(
    name="Urban Population",
    units="万人",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"population": 1, "urbanization_rate": 1},
)
def urban_population():
    """
    Residents living in towns.
    """
    return population() * urbanization_rate()


@component.add(
    name="Rural Population",
    units="万人",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"population": 1, "urban_population": 1},
)
def rural_population():
    """
    Residents living in the countryside.
    """
    return population() - urban_population()


@component.add(
    name="Working Age Share", units="Dmnl", comp_type="Constant", comp_subtype="Normal"
)
def working_age_share():
    """
    Share of residents aged 15-64 (lever: falls as the population ages).
    """
    return 0.68


@component.add(
    name="Working Age Population",
    units="万人",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"population": 1, "working_age_share": 1},
)
def working_age_population():
    """
    Residents of working age.
    """
    return population() * working_age_share()


@component.add(
    name="Participation Rate", units="Dmnl", comp_type="Constant", comp_subtype="Normal"
)
def participation_rate():
    """
    Share of the working-age population that is employed.
    """
    return 0.75


@component.add(
    name="Labour Force",
    units="万人",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"working_age_population": 1, "participation_rate": 1},
)
def labour_force():
    """
    Employed persons (all sectors).
    """
    return working_age_population() * participation_rate()


@component.add(
    name="Employment Share",
    units="Dmnl",
    subscripts=["sector"],
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_employment_share": 1},
    other_deps={
        "_integ_employment_share": {
            "initial": {"initial_employment_share": 1},
            "step": {"employment_share_change": 1},
        }
    },
)
def employment_share():
    """
    Share of the labour force employed in each sector; shifts between sectors keep the sum at 1.
    """
    return _integ_employment_share()


_integ_employment_share = Integ(
    lambda: employment_share_change(),
    lambda: initial_employment_share(),
    "_integ_employment_share",
)


@component.add(
    name="Employment Share Change",
    units="1/Year",
    subscripts=["sector"],
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"employment_share": 2, "employment_share_trend": 2},
)
def employment_share_change():
    """
    Replicator shift of labour between sectors (sum of changes is zero).
    """
    return employment_share() * (
        employment_share_trend()
        - sum(
            employment_share().rename({"sector": "sector!"})
            * employment_share_trend().rename({"sector": "sector!"}),
            dim=["sector!"],
        )
    )


@component.add(
    name="Employment Share Trend",
    units="1/Year",
    subscripts=["sector"],
    comp_type="Constant",
    comp_subtype="Normal",
)
def employment_share_trend():
    """
    Relative pull of each sector on labour (region constant).
    """
    return xr.DataArray(
        [-0.04, 0.0, 0.02], {"sector": _subscript_dict["sector"]}, ["sector"]
    )


@component.add(
    name="Initial Employment Share",
    units="Dmnl",
    subscripts=["sector"],
    comp_type="Constant",
    comp_subtype="Normal",
)
def initial_employment_share():
    """
    Sector employment shares at INITIAL TIME; must sum to 1 (region constant).
    """
    return xr.DataArray(
        [0.3, 0.35, 0.35], {"sector": _subscript_dict["sector"]}, ["sector"]
    )


@component.add(
    name="Employment",
    units="万人",
    subscripts=["sector"],
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"labour_force": 1, "employment_share": 1},
)
def employment():
    """
    Persons employed in each sector.
    """
    return labour_force() * employment_share()


@component.add(
    name="Initial Employment",
    units="万人",
    subscripts=["sector"],
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "initial_population": 1,
        "working_age_share": 1,
        "participation_rate": 1,
        "initial_employment_share": 1,
    },
)
def initial_employment():
    """
    Employment at INITIAL TIME (used only to initialise productivity).
    """
    return (
        initial_population()
        * working_age_share()
        * participation_rate()
        * initial_employment_share()
    )


@component.add(
    name="Capital Stock",
    units="亿元",
    subscripts=["sector"],
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_capital_stock": 1},
    other_deps={
        "_integ_capital_stock": {
            "initial": {"initial_capital_output_ratio": 1, "initial_value_added": 1},
            "step": {"investment": 1, "depreciation": 1},
        }
    },
)
def capital_stock():
    """
    Fixed capital stock of each sector (constant prices).
    """
    return _integ_capital_stock()


_integ_capital_stock = Integ(
    lambda: investment() - depreciation(),
    lambda: initial_capital_output_ratio() * initial_value_added(),
    "_integ_capital_stock",
)


@component.add(
    name="Investment",
    units="亿元/Year",
    subscripts=["sector"],
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"investment_rate": 1, "value_added": 1},
)
def investment():
    """
    Gross fixed investment in each sector.
    """
    return investment_rate() * value_added()


@component.add(
    name="Investment Rate",
    units="Dmnl",
    subscripts=["sector"],
    comp_type="Constant",
    comp_subtype="Normal",
)
def investment_rate():
    """
    Share of the sector's value added that is invested in the sector (region constant / lever).
    """
    return xr.DataArray(
        [0.25, 0.35, 0.35], {"sector": _subscript_dict["sector"]}, ["sector"]
    )


@component.add(
    name="Depreciation",
    units="亿元/Year",
    subscripts=["sector"],
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"capital_stock": 1, "depreciation_rate": 1},
)
def depreciation():
    """
    Capital worn out per year.
    """
    return capital_stock() * depreciation_rate()


@component.add(
    name="Depreciation Rate",
    units="1/Year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def depreciation_rate():
    """
    Share of capital stock retired per year.
    """
    return 0.06


@component.add(
    name="Initial Capital Output Ratio",
    units="Year",
    subscripts=["sector"],
    comp_type="Constant",
    comp_subtype="Normal",
)
def initial_capital_output_ratio():
    """
    Capital stock / value added at INITIAL TIME (region constant).
    """
    return xr.DataArray(
        [2.0, 2.5, 2.5], {"sector": _subscript_dict["sector"]}, ["sector"]
    )


@component.add(
    name="Productivity",
    units="Dmnl",
    subscripts=["sector"],
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_productivity": 1},
    other_deps={
        "_integ_productivity": {
            "initial": {"initial_productivity": 1},
            "step": {"productivity_growth": 1},
        }
    },
)
def productivity():
    """
    Total factor productivity of each sector (Cobb-Douglas scale factor).
    """
    return _integ_productivity()


_integ_productivity = Integ(
    lambda: productivity_growth(), lambda: initial_productivity(), "_integ_productivity"
)


@component.add(
    name="Productivity Growth",
    units="1/Year",
    subscripts=["sector"],
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"productivity": 1, "tfp_growth": 1},
)
def productivity_growth():
    """
    Increase of total factor productivity per year.
    """
    return productivity() * tfp_growth()


@component.add(
    name="TFP Growth",
    units="1/Year",
    subscripts=["sector"],
    comp_type="Constant",
    comp_subtype="Normal",
)
def tfp_growth():
    """
    Growth rate of total factor productivity (region constant / lever; calibrated).
    """
    return xr.DataArray(
        [0.02, 0.03, 0.03], {"sector": _subscript_dict["sector"]}, ["sector"]
    )


@component.add(
    name="Initial Productivity",
    units="Dmnl",
    subscripts=["sector"],
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "initial_value_added": 2,
        "capital_elasticity": 2,
        "initial_capital_output_ratio": 1,
        "initial_employment": 1,
    },
)
def initial_productivity():
    """
    Productivity that reproduces Initial Value Added at INITIAL TIME.
    """
    return zidz(
        initial_value_added(),
        (initial_capital_output_ratio() * initial_value_added()) ** capital_elasticity()
        * initial_employment() ** (1 - capital_elasticity()),
    )


@component.add(
    name="Capital Elasticity",
    units="Dmnl",
    subscripts=["sector"],
    comp_type="Constant",
    comp_subtype="Normal",
)
def capital_elasticity():
    """
    Output elasticity of capital in each sector (labour elasticity = 1 - this).
    """
    return xr.DataArray(
        [0.35, 0.45, 0.4], {"sector": _subscript_dict["sector"]}, ["sector"]
    )


@component.add(
    name="Initial Value Added",
    units="亿元/Year",
    subscripts=["sector"],
    comp_type="Constant",
    comp_subtype="Normal",
)
def initial_value_added():
    """
    Value added of each sector at INITIAL TIME (region constant).
    """
    return xr.DataArray(
        [10.0, 45.0, 45.0], {"sector": _subscript_dict["sector"]}, ["sector"]
    )


@component.add(
    name="Value Added",
    units="亿元/Year",
    subscripts=["sector"],
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "productivity": 1,
        "capital_elasticity": 2,
        "capital_stock": 1,
        "employment": 1,
    },
)
def value_added():
    """
    Value added (增加值) of each sector, Cobb-Douglas in capital and labour.
    """
    return (
        productivity()
        * capital_stock() ** capital_elasticity()
        * employment() ** (1 - capital_elasticity())
    )


@component.add(
    name="GDP",
    units="亿元/Year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"value_added": 1},
)
def gdp():
    """
    Gross regional product (地区生产总值) = sum of sector value added.
    """
    return sum(value_added().rename({"sector": "sector!"}), dim=["sector!"])


@component.add(
    name="Growth Averaging Time",
    units="Year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def growth_averaging_time():
    """
    Averaging time of the GDP trend used to measure growth.
    """
    return 1


@component.add(
    name="Initial GDP Growth Estimate",
    units="1/Year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def initial_gdp_growth_estimate():
    """
    Growth assumed before INITIAL TIME (initialises GDP Trend only).
    """
    return 0.07


@component.add(
    name="GDP Trend",
    units="亿元/Year",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_gdp_trend": 1},
    other_deps={
        "_integ_gdp_trend": {
            "initial": {
                "gdp": 1,
                "growth_averaging_time": 1,
                "initial_gdp_growth_estimate": 1,
            },
            "step": {"gdp": 1, "gdp_trend": 1, "growth_averaging_time": 1},
        }
    },
)
def gdp_trend():
    """
    First-order average of GDP over Growth Averaging Time.
    """
    return _integ_gdp_trend()


_integ_gdp_trend = Integ(
    lambda: (gdp() - gdp_trend()) / growth_averaging_time(),
    lambda: gdp() / (1 + initial_gdp_growth_estimate() * growth_averaging_time()),
    "_integ_gdp_trend",
)


@component.add(
    name="GDP Growth Rate",
    units="1/Year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"gdp": 1, "gdp_trend": 1},
)
def gdp_growth_rate():
    """
    GDP growth per year (for steady exponential growth g, GDP/trend - 1 = g x averaging time).
    """
    return gdp() / gdp_trend() - 1


@component.add(
    name="GDP per Capita",
    units="元/person/Year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"gdp": 1, "population": 1},
)
def gdp_per_capita():
    """
    Gross regional product per resident (亿元 x 1e4 / 万人).
    """
    return gdp() * 10000 / population()


@component.add(
    name="Services Share",
    units="Dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"value_added": 1, "gdp": 1},
)
def services_share():
    """
    Tertiary value added / GDP.
    """
    return zidz(float(value_added().loc["tertiary"]), gdp())


@component.add(
    name="Industry Share",
    units="Dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"value_added": 1, "gdp": 1},
)
def industry_share():
    """
    Secondary value added / GDP.
    """
    return zidz(float(value_added().loc["secondary"]), gdp())


@component.add(
    name="Fiscal Revenue Ratio",
    units="Dmnl",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_fiscal_revenue_ratio": 1},
    other_deps={
        "_integ_fiscal_revenue_ratio": {
            "initial": {"initial_fiscal_revenue_ratio": 1},
            "step": {"fiscal_revenue_ratio": 1, "fiscal_ratio_trend": 1},
        }
    },
)
def fiscal_revenue_ratio():
    """
    General public budget revenue / GDP.
    """
    return _integ_fiscal_revenue_ratio()


_integ_fiscal_revenue_ratio = Integ(
    lambda: fiscal_revenue_ratio() * fiscal_ratio_trend(),
    lambda: initial_fiscal_revenue_ratio(),
    "_integ_fiscal_revenue_ratio",
)


@component.add(
    name="Initial Fiscal Revenue Ratio",
    units="Dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def initial_fiscal_revenue_ratio():
    """
    Fiscal revenue / GDP at INITIAL TIME (region constant).
    """
    return 0.08


@component.add(
    name="Fiscal Ratio Trend",
    units="1/Year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def fiscal_ratio_trend():
    """
    Relative change of the fiscal revenue ratio per year (region constant / lever).
    """
    return 0


@component.add(
    name="Fiscal Revenue",
    units="亿元/Year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"gdp": 1, "fiscal_revenue_ratio": 1},
)
def fiscal_revenue():
    """
    General public budget revenue (一般公共预算收入).
    """
    return gdp() * fiscal_revenue_ratio()


@component.add(
    name="Initial Cluster Revenue",
    units="亿元/Year",
    subscripts=["cluster"],
    comp_type="Constant",
    comp_subtype="Normal",
)
def initial_cluster_revenue():
    """
    Cluster revenue at INITIAL TIME; 0 = cluster not present in the region (region constant).
    """
    return xr.DataArray(
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        {"cluster": _subscript_dict["cluster"]},
        ["cluster"],
    )


@component.add(
    name="Cluster Growth",
    units="1/Year",
    subscripts=["cluster"],
    comp_type="Constant",
    comp_subtype="Normal",
)
def cluster_growth():
    """
    Growth of the market the cluster can sell into without plan support (region constant).
    """
    return xr.DataArray(
        [0.08, 0.08, 0.08, 0.08, 0.08, 0.08, 0.08, 0.08, 0.08],
        {"cluster": _subscript_dict["cluster"]},
        ["cluster"],
    )


@component.add(
    name="Plan Support",
    units="Dmnl",
    limits=(0.0, 1.0),
    comp_type="Constant",
    comp_subtype="Normal",
)
def plan_support():
    """
    Strength of the plan's industrial support: 0 = none (baseline), 1 = as announced (lever, usually a step in the plan's first year).
    """
    return 0


@component.add(
    name="Cluster Growth Boost",
    units="1/Year",
    subscripts=["cluster"],
    comp_type="Constant",
    comp_subtype="Normal",
)
def cluster_growth_boost():
    """
    Extra market growth of each cluster under full plan support (region constant of a plan scenario).
    """
    return xr.DataArray(
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        {"cluster": _subscript_dict["cluster"]},
        ["cluster"],
    )


@component.add(
    name="Effective Cluster Growth",
    units="1/Year",
    subscripts=["cluster"],
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"cluster_growth": 1, "plan_support": 1, "cluster_growth_boost": 1},
)
def effective_cluster_growth():
    """
    Market growth of each cluster including plan support.
    """
    return cluster_growth() + plan_support() * cluster_growth_boost()


@component.add(
    name="Cluster Market",
    units="亿元/Year",
    subscripts=["cluster"],
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_cluster_market": 1},
    other_deps={
        "_integ_cluster_market": {
            "initial": {"initial_cluster_revenue": 1},
            "step": {"cluster_market": 1, "effective_cluster_growth": 1},
        }
    },
)
def cluster_market():
    """
    Revenue the cluster could sell if it had the capacity.
    """
    return _integ_cluster_market()


_integ_cluster_market = Integ(
    lambda: cluster_market() * effective_cluster_growth(),
    lambda: initial_cluster_revenue(),
    "_integ_cluster_market",
)


@component.add(
    name="Target Utilization", units="Dmnl", comp_type="Constant", comp_subtype="Normal"
)
def target_utilization():
    """
    Capacity utilization firms plan for when they invest.
    """
    return 0.85


@component.add(
    name="Capacity Build Time",
    units="Year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def capacity_build_time():
    """
    Time to close the gap between desired and actual capacity (lever).
    """
    return 2


@component.add(
    name="Capacity Lifetime", units="Year", comp_type="Constant", comp_subtype="Normal"
)
def capacity_lifetime():
    """
    Average life of cluster production capacity.
    """
    return 20


@component.add(
    name="Revenue Adjustment Time",
    units="Year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def revenue_adjustment_time():
    """
    Time for revenue to follow the lesser of market and capacity.
    """
    return 0.5


@component.add(
    name="Cluster Capacity",
    units="亿元/Year",
    subscripts=["cluster"],
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_cluster_capacity": 1},
    other_deps={
        "_integ_cluster_capacity": {
            "initial": {"initial_cluster_revenue": 1, "target_utilization": 1},
            "step": {"capacity_investment": 1, "capacity_retirement": 1},
        }
    },
)
def cluster_capacity():
    """
    Production capacity of the cluster, measured in revenue per year.
    """
    return _integ_cluster_capacity()


_integ_cluster_capacity = Integ(
    lambda: capacity_investment() - capacity_retirement(),
    lambda: initial_cluster_revenue() / target_utilization(),
    "_integ_cluster_capacity",
)


@component.add(
    name="Capacity Retirement",
    units="亿元/(Year*Year)",
    subscripts=["cluster"],
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"cluster_capacity": 1, "capacity_lifetime": 1},
)
def capacity_retirement():
    """
    Capacity retired per year.
    """
    return cluster_capacity() / capacity_lifetime()


@component.add(
    name="Capacity Investment",
    units="亿元/(Year*Year)",
    subscripts=["cluster"],
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "capacity_retirement": 1,
        "capacity_build_time": 1,
        "cluster_market": 1,
        "target_utilization": 1,
        "cluster_capacity": 1,
    },
)
def capacity_investment():
    """
    New capacity per year: replacement plus closing the gap to desired capacity.
    """
    return (
        capacity_retirement()
        + np.maximum(0, cluster_market() / target_utilization() - cluster_capacity())
        / capacity_build_time()
    )


@component.add(
    name="Cluster Revenue",
    units="亿元/Year",
    subscripts=["cluster"],
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_cluster_revenue": 1},
    other_deps={
        "_integ_cluster_revenue": {
            "initial": {"initial_cluster_revenue": 1},
            "step": {
                "cluster_market": 1,
                "cluster_capacity": 1,
                "cluster_revenue": 1,
                "revenue_adjustment_time": 1,
            },
        }
    },
)
def cluster_revenue():
    """
    Revenue (营业收入 / 产业规模; value added where the plan measures the cluster that way) of each industry cluster.
    """
    return _integ_cluster_revenue()


_integ_cluster_revenue = Integ(
    lambda: (np.minimum(cluster_market(), cluster_capacity()) - cluster_revenue())
    / revenue_adjustment_time(),
    lambda: initial_cluster_revenue(),
    "_integ_cluster_revenue",
)


@component.add(
    name="Initial Sector Energy Intensity",
    units="tce/万元",
    subscripts=["sector"],
    comp_type="Constant",
    comp_subtype="Normal",
)
def initial_sector_energy_intensity():
    """
    Energy use per unit of value added at INITIAL TIME (region constant).
    """
    return xr.DataArray(
        [0.3, 1.5, 0.2], {"sector": _subscript_dict["sector"]}, ["sector"]
    )


@component.add(
    name="Energy Intensity Decline",
    units="1/Year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def energy_intensity_decline():
    """
    Relative fall of sector energy intensities per year (lever).
    """
    return 0.03


@component.add(
    name="Sector Energy Intensity",
    units="tce/万元",
    subscripts=["sector"],
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_sector_energy_intensity": 1},
    other_deps={
        "_integ_sector_energy_intensity": {
            "initial": {"initial_sector_energy_intensity": 1},
            "step": {"sector_energy_intensity": 1, "energy_intensity_decline": 1},
        }
    },
)
def sector_energy_intensity():
    """
    Energy use per unit of value added in each sector.
    """
    return _integ_sector_energy_intensity()


_integ_sector_energy_intensity = Integ(
    lambda: -sector_energy_intensity() * energy_intensity_decline(),
    lambda: initial_sector_energy_intensity(),
    "_integ_sector_energy_intensity",
)


@component.add(
    name="Residential Energy per Capita",
    units="tce/(person*Year)",
    comp_type="Constant",
    comp_subtype="Normal",
)
def residential_energy_per_capita():
    """
    Household energy use per resident (region constant).
    """
    return 0.4


@component.add(
    name="Energy Consumption",
    units="万tce/Year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "value_added": 1,
        "sector_energy_intensity": 1,
        "population": 1,
        "residential_energy_per_capita": 1,
    },
)
def energy_consumption():
    """
    Total energy consumption (亿元 x tce/万元 = 万tce; 万人 x tce/person = 万tce).
    """
    return (
        sum(
            value_added().rename({"sector": "sector!"})
            * sector_energy_intensity().rename({"sector": "sector!"}),
            dim=["sector!"],
        )
        + population() * residential_energy_per_capita()
    )


@component.add(
    name="Energy Intensity",
    units="tce/万元",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"energy_consumption": 1, "gdp": 1},
)
def energy_intensity():
    """
    Energy consumption per unit of GDP (单位GDP能耗).
    """
    return zidz(energy_consumption(), gdp())


@component.add(
    name="Initial Coal Share", units="Dmnl", comp_type="Constant", comp_subtype="Normal"
)
def initial_coal_share():
    """
    Coal share of energy consumption at INITIAL TIME (region constant).
    """
    return 0.7


@component.add(
    name="Coal Share Decline",
    units="1/Year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def coal_share_decline():
    """
    Relative fall of the coal share per year (lever).
    """
    return 0.02


@component.add(
    name="Coal Share",
    units="Dmnl",
    limits=(0.0, 1.0),
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_coal_share": 1},
    other_deps={
        "_integ_coal_share": {
            "initial": {"initial_coal_share": 1},
            "step": {"coal_share": 1, "coal_share_decline": 1},
        }
    },
)
def coal_share():
    """
    Coal share of energy consumption.
    """
    return _integ_coal_share()


_integ_coal_share = Integ(
    lambda: -coal_share() * coal_share_decline(),
    lambda: initial_coal_share(),
    "_integ_coal_share",
)


@component.add(
    name="Coal Consumption",
    units="万tce/Year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"energy_consumption": 1, "coal_share": 1},
)
def coal_consumption():
    """
    Coal consumption in standard coal equivalent.
    """
    return energy_consumption() * coal_share()


@component.add(
    name="Coal Emission Factor",
    units="tCO2/tce",
    comp_type="Constant",
    comp_subtype="Normal",
)
def coal_emission_factor():
    """
    CO2 per tonne of standard coal burned (IPCC default order).
    """
    return 2.66


@component.add(
    name="Noncoal Emission Factor",
    units="tCO2/tce",
    comp_type="Constant",
    comp_subtype="Normal",
)
def noncoal_emission_factor():
    """
    Average CO2 per tce of oil, gas and purchased electricity (region constant).
    """
    return 1.6


@component.add(
    name="CO2 Emissions",
    units="万tCO2/Year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "coal_consumption": 2,
        "coal_emission_factor": 1,
        "energy_consumption": 1,
        "noncoal_emission_factor": 1,
    },
)
def co2_emissions():
    """
    Energy-related CO2 emissions.
    """
    return (
        coal_consumption() * coal_emission_factor()
        + (energy_consumption() - coal_consumption()) * noncoal_emission_factor()
    )


@component.add(
    name="CO2 Intensity",
    units="tCO2/万元",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"co2_emissions": 1, "gdp": 1},
)
def co2_intensity():
    """
    CO2 emissions per unit of GDP.
    """
    return zidz(co2_emissions(), gdp())


@component.add(
    name="Reference Coal Consumption",
    units="万tce/Year",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_reference_coal_consumption": 1},
    other_deps={
        "_integ_reference_coal_consumption": {
            "initial": {"coal_consumption": 1},
            "step": {},
        }
    },
)
def reference_coal_consumption():
    """
    Coal consumption at INITIAL TIME (a stock that never changes).
    """
    return _integ_reference_coal_consumption()


_integ_reference_coal_consumption = Integ(
    lambda: 0, lambda: coal_consumption(), "_integ_reference_coal_consumption"
)


@component.add(
    name="Pollution Control Rate",
    units="1/Year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def pollution_control_rate():
    """
    Relative fall per year of PM2.5 per unit of coal burned, from end-of-pipe controls (lever).
    """
    return 0.03


@component.add(
    name="Air Campaign Start Year",
    units="Year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def air_campaign_start_year():
    """
    Year a regional clean-air campaign adds extra control (Hebei: coal-to-gas and coal-to-electricity from 2017) (region constant).
    """
    return 2017


@component.add(
    name="Air Campaign Extra Control",
    units="1/Year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def air_campaign_extra_control():
    """
    Extra relative fall per year of PM2.5 per unit of coal during the campaign (region constant; 0 = no campaign).
    """
    return 0


@component.add(
    name="Air Campaign End Year",
    units="Year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def air_campaign_end_year():
    """
    Year the clean-air campaign's extra control ends (Hebei's three-year blue-sky action plan ran to 2020) (region constant).
    """
    return 2021


@component.add(
    name="Effective Pollution Control Rate",
    units="1/Year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "pollution_control_rate": 1,
        "air_campaign_end_year": 1,
        "time": 2,
        "air_campaign_extra_control": 1,
        "air_campaign_start_year": 1,
    },
)
def effective_pollution_control_rate():
    """
    Pollution control rate including the clean-air campaign.
    """
    return pollution_control_rate() + if_then_else(
        time() >= air_campaign_start_year(),
        lambda: if_then_else(
            time() < air_campaign_end_year(),
            lambda: air_campaign_extra_control(),
            lambda: 0,
        ),
        lambda: 0,
    )


@component.add(
    name="Emission Control Factor",
    units="Dmnl",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_emission_control_factor": 1},
    other_deps={
        "_integ_emission_control_factor": {
            "initial": {},
            "step": {
                "emission_control_factor": 1,
                "effective_pollution_control_rate": 1,
            },
        }
    },
)
def emission_control_factor():
    """
    PM2.5 formed per unit of coal burned, relative to INITIAL TIME.
    """
    return _integ_emission_control_factor()


_integ_emission_control_factor = Integ(
    lambda: -emission_control_factor() * effective_pollution_control_rate(),
    lambda: 1,
    "_integ_emission_control_factor",
)


@component.add(
    name="Initial PM25", units="μg/m3", comp_type="Constant", comp_subtype="Normal"
)
def initial_pm25():
    """
    Annual mean PM2.5 concentration at INITIAL TIME (region constant).
    """
    return 70


@component.add(
    name="PM25 Background", units="μg/m3", comp_type="Constant", comp_subtype="Normal"
)
def pm25_background():
    """
    PM2.5 that does not depend on local coal use (regional transport, dust).
    """
    return 15


@component.add(
    name="PM25",
    units="μg/m3",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "pm25_background": 2,
        "coal_consumption": 1,
        "emission_control_factor": 1,
        "initial_pm25": 1,
        "reference_coal_consumption": 1,
    },
)
def pm25():
    """
    Annual mean PM2.5 concentration.
    """
    return (
        pm25_background()
        + (initial_pm25() - pm25_background())
        * zidz(coal_consumption(), reference_coal_consumption())
        * emission_control_factor()
    )


@component.add(
    name="Good Air Days Lookup",
    units="Dmnl",
    comp_type="Lookup",
    comp_subtype="Normal",
    depends_on={"__lookup__": "_hardcodedlookup_good_air_days_lookup"},
)
def good_air_days_lookup(x, final_subs=None):
    """
    Share of days with good air (AQI <= 100) against annual mean PM2.5; shaped on Hebei city pairs (Shijiazhuang 2013 about 150 and 13 %, 2020 about 58 and 55 %; Hengshui 2020 about 50 and 66 %) - an assumption, not a plan figure.
    """
    return _hardcodedlookup_good_air_days_lookup(x, final_subs)


_hardcodedlookup_good_air_days_lookup = HardcodedLookups(
    [0.0, 15.0, 25.0, 35.0, 50.0, 58.0, 70.0, 80.0, 100.0, 150.0, 200.0],
    [1.0, 0.99, 0.95, 0.88, 0.68, 0.56, 0.45, 0.38, 0.28, 0.12, 0.05],
    {},
    "interpolate",
    {},
    "_hardcodedlookup_good_air_days_lookup",
)


@component.add(
    name="Good Air Days Ratio",
    units="Dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"pm25": 1, "good_air_days_lookup": 1},
)
def good_air_days_ratio():
    """
    Share of days with good air (优良天数比例).
    """
    return good_air_days_lookup(pm25())


@component.add(
    name="Good Air Days",
    units="day/Year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"good_air_days_ratio": 1},
)
def good_air_days():
    """
    Days per year with good air (优良天数).
    """
    return good_air_days_ratio() * 365


@component.add(
    name="Urban Water Use per Capita",
    units="L/(person*day)",
    comp_type="Constant",
    comp_subtype="Normal",
)
def urban_water_use_per_capita():
    """
    Urban domestic water use (region constant).
    """
    return 140


@component.add(
    name="Rural Water Use per Capita",
    units="L/(person*day)",
    comp_type="Constant",
    comp_subtype="Normal",
)
def rural_water_use_per_capita():
    """
    Rural domestic water use (region constant).
    """
    return 80


@component.add(
    name="Initial Industrial Water Intensity",
    units="m3/万元",
    comp_type="Constant",
    comp_subtype="Normal",
)
def initial_industrial_water_intensity():
    """
    Industrial water use per unit of secondary value added at INITIAL TIME (region constant).
    """
    return 20


@component.add(
    name="Industrial Water Saving Rate",
    units="1/Year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def industrial_water_saving_rate():
    """
    Relative fall of industrial water intensity per year (lever).
    """
    return 0.04


@component.add(
    name="Industrial Water Intensity",
    units="m3/万元",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_industrial_water_intensity": 1},
    other_deps={
        "_integ_industrial_water_intensity": {
            "initial": {"initial_industrial_water_intensity": 1},
            "step": {
                "industrial_water_intensity": 1,
                "industrial_water_saving_rate": 1,
            },
        }
    },
)
def industrial_water_intensity():
    """
    Industrial water use per unit of secondary value added.
    """
    return _integ_industrial_water_intensity()


_integ_industrial_water_intensity = Integ(
    lambda: -industrial_water_intensity() * industrial_water_saving_rate(),
    lambda: initial_industrial_water_intensity(),
    "_integ_industrial_water_intensity",
)


@component.add(
    name="Initial Agricultural Water Use",
    units="万m3/Year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def initial_agricultural_water_use():
    """
    Agricultural water use at INITIAL TIME (region constant).
    """
    return 5000


@component.add(
    name="Agricultural Water Saving Rate",
    units="1/Year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def agricultural_water_saving_rate():
    """
    Relative fall of agricultural water use per year (lever: irrigation efficiency, fallowing).
    """
    return 0.02


@component.add(
    name="Agricultural Water Use",
    units="万m3/Year",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_agricultural_water_use": 1},
    other_deps={
        "_integ_agricultural_water_use": {
            "initial": {"initial_agricultural_water_use": 1},
            "step": {"agricultural_water_use": 1, "agricultural_water_saving_rate": 1},
        }
    },
)
def agricultural_water_use():
    """
    Agricultural (irrigation) water use.
    """
    return _integ_agricultural_water_use()


_integ_agricultural_water_use = Integ(
    lambda: -agricultural_water_use() * agricultural_water_saving_rate(),
    lambda: initial_agricultural_water_use(),
    "_integ_agricultural_water_use",
)


@component.add(
    name="Ecological Water Use",
    units="万m3/Year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def ecological_water_use():
    """
    Water released for rivers, lakes and wetlands (lever).
    """
    return 500


@component.add(
    name="Water Demand",
    units="万m3/Year",
    subscripts=["water_use"],
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "urban_population": 1,
        "urban_water_use_per_capita": 1,
        "rural_water_use_per_capita": 1,
        "rural_population": 1,
        "industrial_water_intensity": 1,
        "value_added": 1,
        "agricultural_water_use": 1,
        "ecological_water_use": 1,
    },
)
def water_demand():
    """
    Ecological water demand.
    """
    value = xr.DataArray(
        np.nan, {"water_use": _subscript_dict["water_use"]}, ["water_use"]
    )
    value.loc[["domestic"]] = (
        urban_population() * urban_water_use_per_capita()
        + rural_population() * rural_water_use_per_capita()
    ) * 0.365
    value.loc[["industrial"]] = (
        float(value_added().loc["secondary"]) * industrial_water_intensity()
    )
    value.loc[["agricultural"]] = agricultural_water_use()
    value.loc[["ecological"]] = ecological_water_use()
    return value


@component.add(
    name="Total Water Demand",
    units="万m3/Year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"water_demand": 1},
)
def total_water_demand():
    """
    Water demand of all uses.
    """
    return sum(water_demand().rename({"water_use": "water_use!"}), dim=["water_use!"])


@component.add(
    name="Wastewater Return Factor",
    units="Dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def wastewater_return_factor():
    """
    Share of domestic and industrial water that returns as collectable wastewater.
    """
    return 0.75


@component.add(
    name="Wastewater",
    units="万m3/Year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"water_demand": 2, "wastewater_return_factor": 1},
)
def wastewater():
    """
    Collected municipal and industrial wastewater.
    """
    return (
        float(water_demand().loc["domestic"]) + float(water_demand().loc["industrial"])
    ) * wastewater_return_factor()


@component.add(
    name="Reclaimed Water Target Rate",
    units="Dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def reclaimed_water_target_rate():
    """
    Share of wastewater treated and reused (lever; 再生水利用率 policy).
    """
    return 0.2


@component.add(
    name="Transferred Water Quota",
    units="万m3/Year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def transferred_water_quota():
    """
    Water available from transfer projects (南水北调, 引黄) (region constant / lever).
    """
    return 2000


@component.add(
    name="Surface Water Available",
    units="万m3/Year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def surface_water_available():
    """
    Local surface water that can be used per year (region constant).
    """
    return 1000


@component.add(
    name="Reclaimed Water Use",
    units="万m3/Year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"wastewater": 1, "reclaimed_water_target_rate": 1, "water_demand": 3},
)
def reclaimed_water_use():
    """
    Reclaimed water used (industry, ecology, irrigation).
    """
    return float(
        np.minimum(
            wastewater() * reclaimed_water_target_rate(),
            float(water_demand().loc["industrial"])
            + float(water_demand().loc["ecological"])
            + float(water_demand().loc["agricultural"]),
        )
    )


@component.add(
    name="Transferred Water Use",
    units="万m3/Year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "transferred_water_quota": 1,
        "total_water_demand": 1,
        "reclaimed_water_use": 1,
    },
)
def transferred_water_use():
    """
    Transferred water used.
    """
    return float(
        np.minimum(
            transferred_water_quota(), total_water_demand() - reclaimed_water_use()
        )
    )


@component.add(
    name="Surface Water Use",
    units="万m3/Year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "surface_water_available": 1,
        "transferred_water_use": 1,
        "total_water_demand": 1,
        "reclaimed_water_use": 1,
    },
)
def surface_water_use():
    """
    Local surface water used.
    """
    return float(
        np.minimum(
            surface_water_available(),
            total_water_demand() - reclaimed_water_use() - transferred_water_use(),
        )
    )


@component.add(
    name="Groundwater Extraction",
    units="万m3/Year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "total_water_demand": 1,
        "reclaimed_water_use": 1,
        "transferred_water_use": 1,
        "surface_water_use": 1,
    },
)
def groundwater_extraction():
    """
    Groundwater pumped: demand not met by the other sources.
    """
    return float(
        np.maximum(
            0,
            total_water_demand()
            - reclaimed_water_use()
            - transferred_water_use()
            - surface_water_use(),
        )
    )


@component.add(
    name="Water Supply",
    units="万m3/Year",
    subscripts=["water_source"],
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "surface_water_use": 1,
        "transferred_water_use": 1,
        "reclaimed_water_use": 1,
        "groundwater_extraction": 1,
    },
)
def water_supply():
    """
    Water supplied from source groundwater.
    """
    value = xr.DataArray(
        np.nan, {"water_source": _subscript_dict["water_source"]}, ["water_source"]
    )
    value.loc[["surface"]] = surface_water_use()
    value.loc[["transferred"]] = transferred_water_use()
    value.loc[["reclaimed"]] = reclaimed_water_use()
    value.loc[["groundwater"]] = groundwater_extraction()
    return value


@component.add(
    name="Reclaimed Water Share",
    units="Dmnl",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"reclaimed_water_use": 1, "wastewater": 1},
)
def reclaimed_water_share():
    """
    Reclaimed water used / wastewater (再生水利用率).
    """
    return zidz(reclaimed_water_use(), wastewater())


@component.add(
    name="Natural Groundwater Recharge",
    units="万m3/Year",
    comp_type="Constant",
    comp_subtype="Normal",
)
def natural_groundwater_recharge():
    """
    Recharge from rain and rivers in an average year (region constant).
    """
    return 3000


@component.add(
    name="Ecological Recharge Fraction",
    units="Dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def ecological_recharge_fraction():
    """
    Share of ecological water that seeps into the aquifer (地下水回补).
    """
    return 0.5


@component.add(
    name="Irrigation Return Fraction",
    units="Dmnl",
    comp_type="Constant",
    comp_subtype="Normal",
)
def irrigation_return_fraction():
    """
    Share of irrigation water that returns to the aquifer.
    """
    return 0.15


@component.add(
    name="Groundwater Recharge",
    units="万m3/Year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={
        "natural_groundwater_recharge": 1,
        "ecological_recharge_fraction": 1,
        "water_demand": 2,
        "irrigation_return_fraction": 1,
    },
)
def groundwater_recharge():
    """
    Water entering the aquifer per year.
    """
    return (
        natural_groundwater_recharge()
        + ecological_recharge_fraction() * float(water_demand().loc["ecological"])
        + irrigation_return_fraction() * float(water_demand().loc["agricultural"])
    )


@component.add(
    name="Groundwater Net Recharge",
    units="万m3/Year",
    comp_type="Auxiliary",
    comp_subtype="Normal",
    depends_on={"groundwater_recharge": 1, "groundwater_extraction": 1},
)
def groundwater_net_recharge():
    """
    Recharge minus extraction; > 0 means the water table is rising.
    """
    return groundwater_recharge() - groundwater_extraction()


@component.add(
    name="Initial Groundwater Storage",
    units="万m3",
    comp_type="Constant",
    comp_subtype="Normal",
)
def initial_groundwater_storage():
    """
    Usable groundwater storage at INITIAL TIME (region constant; only its trend matters).
    """
    return 100000


@component.add(
    name="Groundwater Storage",
    units="万m3",
    comp_type="Stateful",
    comp_subtype="Integ",
    depends_on={"_integ_groundwater_storage": 1},
    other_deps={
        "_integ_groundwater_storage": {
            "initial": {"initial_groundwater_storage": 1},
            "step": {"groundwater_net_recharge": 1},
        }
    },
)
def groundwater_storage():
    """
    Shallow and deep groundwater in storage.
    """
    return _integ_groundwater_storage()


_integ_groundwater_storage = Integ(
    lambda: groundwater_net_recharge(),
    lambda: initial_groundwater_storage(),
    "_integ_groundwater_storage",
)
