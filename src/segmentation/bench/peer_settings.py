"""The settings every benchmark peer computes with: the var defaults and labels dbt uses.

Read once from dbt_project.yml through segmentation.registry (set SEGMENTATION_PROJECT_FILE to read another
project file), so a peer follows a changed default or label exactly as the dbt models do.
"""

from __future__ import annotations

from segmentation.registry import default

_REGISTRY = default()
REPORTING_CURRENCY = str(_REGISTRY.var("reporting_currency")).upper()
HIGH_ABOVE = float(_REGISTRY.var("value_tier_high_above"))
MEDIUM_FROM = float(_REGISTRY.var("value_tier_medium_from"))
PARETO_CUTS = tuple(float(cut) for cut in _REGISTRY.var("pareto_cuts"))
POTENTIAL_QUANTILE = float(_REGISTRY.var("potential_quantile"))
MIN_PEER_GROUP_SIZE = int(_REGISTRY.var("min_peer_group_size"))
NEW_BELOW_MONTHS = int(_REGISTRY.var("relationship_new_below_months"))
PARTNER_MIN_MONTHS = int(_REGISTRY.var("relationship_partner_min_months"))
PARTNER_MIN_KEYS = int(_REGISTRY.var("relationship_partner_min_keys"))
ESTABLISHED_MIN_KEYS = int(_REGISTRY.var("relationship_established_min_keys"))
MOVEMENTS = _REGISTRY.labels("movement")
SIZE_BANDS = _REGISTRY.labels("size_band")
VALUE_TIERS = _REGISTRY.labels("value_tier")
POTENTIAL_TIERS = _REGISTRY.labels("potential_tier")
PARETO_TIERS = _REGISTRY.labels("pareto_tier")
CELLS = _REGISTRY.cell_matrix()
RELATIONSHIP_LEVELS = _REGISTRY.labels("relationship_level")
#: Characters trimmed from ids (SPEC §1 whitespace).
WHITESPACE = " \t\n\v\f\r"
