"""The 14 districts of Sachsen-Anhalt (11 Landkreise, 3 kreisfreie Städte) by Kreisschlüssel."""

from __future__ import annotations

#: Kreisschlüssel → short name, as in shared/data/README.md (GeoNames ``admin_code3``).
DISTRICTS: dict[str, str] = {
    "15001": "Dessau-Roßlau",
    "15002": "Halle (Saale)",
    "15003": "Magdeburg",
    "15081": "Altmarkkreis Salzwedel",
    "15082": "Anhalt-Bitterfeld",
    "15083": "Börde",
    "15084": "Burgenlandkreis",
    "15085": "Harz",
    "15086": "Jerichower Land",
    "15087": "Mansfeld-Südharz",
    "15088": "Saalekreis",
    "15089": "Salzlandkreis",
    "15090": "Stendal",
    "15091": "Wittenberg",
}

#: The three kreisfreie Städte; every other code is a Landkreis.
CITY_DISTRICTS = frozenset({"15001", "15002", "15003"})


def is_district_code(code: object) -> bool:
    """True for one of the 14 Kreisschlüssel (as text, e.g. '15085')."""
    return isinstance(code, str) and code in DISTRICTS


def district_name(code: str) -> str:
    """'15085' → 'Harz'; KeyError for anything else."""
    return DISTRICTS[code]
