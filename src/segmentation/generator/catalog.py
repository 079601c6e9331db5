"""Static reference data: industries, countries and currencies, the product catalogue.

Everything here is fixed (no randomness) so the demo and the scale generator share one catalogue.
Prices are USD list prices in cents; invoices in EUR / GBP use `CURRENCY_PRICE_FACTOR`.
"""

from __future__ import annotations

from dataclasses import dataclass

REPORTING_CURRENCY = "USD"
CURRENCIES: tuple[str, ...] = ("USD", "EUR", "GBP")
#: Local list price = USD list price * factor (price lists, not the monthly FX rate).
CURRENCY_PRICE_FACTOR: dict[str, float] = {"USD": 1.0, "EUR": 0.93, "GBP": 0.80}

#: (industry, share of customers, spend multiplier). A blank industry is written for a few customers.
INDUSTRIES: tuple[tuple[str, float, float], ...] = (
    ("Manufacturing", 0.20, 1.45),
    ("Technology", 0.15, 1.30),
    ("Retail", 0.14, 0.80),
    ("Healthcare", 0.13, 1.00),
    ("Financial Services", 0.10, 1.20),
    ("Logistics", 0.10, 0.90),
    ("Education", 0.09, 0.45),
    ("Construction", 0.09, 0.75),
)

#: (ISO country code, share of customers, invoice currency). Canada and Australia buy in USD.
COUNTRIES: tuple[tuple[str, float, str], ...] = (
    ("US", 0.38, "USD"),
    ("GB", 0.15, "GBP"),
    ("DE", 0.12, "EUR"),
    ("FR", 0.08, "EUR"),
    ("NL", 0.06, "EUR"),
    ("CA", 0.05, "USD"),
    ("ES", 0.04, "EUR"),
    ("AU", 0.04, "USD"),
    ("IE", 0.03, "EUR"),
    ("SE", 0.03, "EUR"),
    ("", 0.02, "USD"),
)

#: Annual-spend median (USD) per size band; the band follows SPEC §5's employee_count cut-offs.
SIZE_BAND_MEDIAN_SPEND: dict[str, float] = {
    "small": 3_500.0,
    "mid": 16_000.0,
    "large": 55_000.0,
    "enterprise": 200_000.0,
    "unknown": 10_000.0,
}


def size_band(employee_count: int | None) -> str:
    """SPEC §5 size band of an employee count (None = unknown)."""
    if employee_count is None or employee_count < 0:
        return "unknown"
    if employee_count < 50:
        return "small"
    if employee_count < 250:
        return "mid"
    if employee_count < 1000:
        return "large"
    return "enterprise"


@dataclass(frozen=True)
class Product:
    product_id: str
    product_name: str
    product_line: str  # "" = blank in the raw file (staging: `unassigned`)
    is_core: str  # raw text: "true", "false" or "" (blank = default true)
    list_price_cents: int

    @property
    def core(self) -> bool:
        return self.is_core != "false"


def _line(prefix: str, line: str, items: list[tuple[str, int]], start: int = 1001) -> list[Product]:
    return [Product(f"{prefix}-{start + i}", name, line, "true", cents) for i, (name, cents) in enumerate(items)]


#: Core product lines in cross-sell order of popularity (earlier = more often an account's first line).
PRODUCT_LINES: tuple[str, ...] = (
    "Consumables",
    "Peripherals",
    "Hardware",
    "Software",
    "Networking",
    "Cloud Services",
    "Support & Maintenance",
    "Training",
)

PRODUCTS: tuple[Product, ...] = tuple(
    _line(
        "CON",
        "Consumables",
        [
            ("Laser toner cartridge, black", 8_900),
            ("Laser toner cartridge, colour set", 24_900),
            ("Copy paper A4, box of 5 reams", 3_450),
            ("Label printer rolls, pack of 10", 4_200),
            ("Cleaning kit for workstations", 1_990),
            ("Ink cartridge, high yield", 5_600),
            ("Archive boxes, pack of 25", 2_750),
        ],
    )
    + _line(
        "PER",
        "Peripherals",
        [
            ('Monitor 24" IPS', 21_900),
            ('Monitor 27" 4K', 42_900),
            ("Wireless keyboard and mouse set", 6_900),
            ("USB-C docking station", 18_900),
            ("Noise-cancelling headset", 12_900),
            ("Conference webcam", 15_900),
            ("Document scanner", 38_900),
        ],
    )
    + _line(
        "HW",
        "Hardware",
        [
            ('Business laptop 14"', 124_900),
            ('Business laptop 16", performance', 189_900),
            ("Desktop workstation", 149_900),
            ("Compact desktop", 79_900),
            ("Rack server 1U", 489_000),
            ("Storage array 24 TB", 820_000),
            ("Rugged tablet", 99_900),
        ],
    )
    + _line(
        "SW",
        "Software",
        [
            ("Office suite licence, per seat/year", 14_900),
            ("Endpoint security, per seat/year", 4_900),
            ("CAD suite licence", 189_000),
            ("Backup software, per server", 69_000),
            ("Database licence, per core", 159_000),
            ("PDF editor licence", 12_900),
            ("Project management, per seat/year", 9_600),
        ],
    )
    + _line(
        "NET",
        "Networking",
        [
            ("24-port managed switch", 64_900),
            ("48-port PoE switch", 189_900),
            ("Wi-Fi 6 access point", 34_900),
            ("Next-gen firewall appliance", 289_000),
            ("SFP+ transceiver", 7_900),
            ("Structured cabling kit", 22_500),
        ],
    )
    + _line(
        "CLD",
        "Cloud Services",
        [
            ("Cloud backup, per TB/month", 2_900),
            ("Virtual server, standard, per month", 18_900),
            ("Managed Kubernetes cluster, per month", 124_900),
            ("Hosted email, per mailbox/year", 4_800),
            ("Object storage, per 10 TB/month", 21_000),
            ("Disaster recovery as a service, per month", 89_000),
        ],
    )
    + _line(
        "SUP",
        "Support & Maintenance",
        [
            ("Next-business-day hardware support, per year", 49_000),
            ("24x7 critical support, per year", 390_000),
            ("Managed patching, per device/year", 6_900),
            ("On-site technician day", 95_000),
            ("Extended warranty, 3 years", 29_900),
            ("Network health check", 180_000),
        ],
    )
    + _line(
        "TRN",
        "Training",
        [
            ("Security awareness course, per seat", 4_900),
            ("Administrator bootcamp, per seat", 189_000),
            ("Office suite workshop, per group", 79_000),
            ("Cloud certification voucher bundle", 129_000),
        ],
    )
    + [
        # Core products without a product line (blank -> `unassigned` in staging).
        Product("MISC-9001", "Refurbished laptop bundle", "", "true", 59_900),
        Product("MISC-9002", "Custom configured kit", "", "", 34_500),  # blank is_core = default true
        Product("MISC-9003", "Clearance item", "", "true", 4_900),
        # Non-core items: kept in fct_transactions but out of every revenue figure.
        Product("SHIP-STD", "Shipping, standard", "Logistics & Fees", "false", 1_950),
        Product("SHIP-EXP", "Shipping, express", "Logistics & Fees", "false", 4_500),
        Product("FEE-HANDLING", "Small-order handling fee", "Logistics & Fees", "false", 1_500),
        Product("FEE-RESTOCK", "Restocking fee", "Logistics & Fees", "false", 2_500),
        Product("FEE-LATE", "Late payment fee", "Logistics & Fees", "false", 4_000),
        Product("VOUCHER", "Promotional voucher", "", "false", 5_000),
        Product("ADJ-MANUAL", "Manual adjustment", "", "false", 100),
    ]
)

PRODUCTS_BY_ID: dict[str, Product] = {p.product_id: p for p in PRODUCTS}
CORE_PRODUCTS_BY_LINE: dict[str, tuple[Product, ...]] = {
    line: tuple(p for p in PRODUCTS if p.product_line == line and p.core) for line in PRODUCT_LINES
}
UNASSIGNED_PRODUCTS: tuple[Product, ...] = tuple(p for p in PRODUCTS if p.product_line == "" and p.core)

#: A product id used in transactions but absent from the products relation (SPEC: line `unknown`, core).
UNLISTED_PRODUCT_ID = "LEGACY-0042"
UNLISTED_PRODUCT_PRICE_CENTS = 15_000

#: Word lists for company names.
NAME_PREFIXES: tuple[str, ...] = (
    "Northwind", "Blue Ridge", "Summit", "Harbor", "Silverline", "Oakfield", "Pioneer", "Redwood",
    "Granite", "Crescent", "Evergreen", "Lakeside", "Ironbridge", "Meridian", "Brightwater", "Falcon",
    "Highland", "Keystone", "Riverbend", "Stonegate", "Westbrook", "Aurora", "Cobalt", "Juniper",
)  # fmt: skip
NAME_NOUNS: dict[str, tuple[str, ...]] = {
    "Manufacturing": ("Components", "Fabrication", "Machining", "Plastics", "Industries"),
    "Technology": ("Software", "Systems", "Digital", "Analytics", "Labs"),
    "Retail": ("Outfitters", "Stores", "Market", "Trading", "Goods"),
    "Healthcare": ("Clinics", "Medical", "Health", "Diagnostics", "Care"),
    "Financial Services": ("Capital", "Insurance", "Advisors", "Partners", "Finance"),
    "Logistics": ("Freight", "Logistics", "Transport", "Shipping", "Distribution"),
    "Education": ("Academy", "College", "Learning", "School District", "Institute"),
    "Construction": ("Builders", "Construction", "Contractors", "Engineering", "Homes"),
    "Agriculture": ("Farms", "Agri", "Growers", "Seeds", "Harvest"),
    "": ("Group", "Holdings", "Ventures", "Enterprises", "Services"),
}
NAME_SUFFIXES: dict[str, tuple[str, ...]] = {
    "US": ("Inc.", "LLC", "Corp."),
    "CA": ("Inc.", "Ltd"),
    "GB": ("Ltd", "plc"),
    "IE": ("Ltd", "DAC"),
    "DE": ("GmbH", "AG"),
    "FR": ("SAS", "S.A."),
    "NL": ("B.V.", "N.V."),
    "ES": ("S.L.", "S.A."),
    "AU": ("Pty Ltd",),
    "SE": ("AB",),
    "": ("Co.",),
}
