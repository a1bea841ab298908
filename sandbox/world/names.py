"""Name and place vocabularies: Indonesian-first, as the brand's market is."""

FIRST_NAMES = (
    "Budi", "Siti", "Agus", "Dewi", "Andi", "Rina", "Joko", "Sari", "Rizky", "Putri",
    "Dimas", "Ayu", "Fajar", "Indah", "Hendra", "Lestari", "Yusuf", "Nur", "Bayu", "Maya",
    "Eko", "Fitri", "Arif", "Wulan", "Teguh", "Intan", "Galih", "Citra", "Reza", "Anisa",
    "Michael", "Sarah", "Kevin", "Jessica", "Daniel", "Grace", "Ryan", "Olivia", "Wei", "Mei",
)
LAST_NAMES = (
    "Santoso", "Wijaya", "Pratama", "Lestari", "Kusuma", "Saputra", "Hidayat", "Nugroho",
    "Setiawan", "Putra", "Wibowo", "Halim", "Gunawan", "Siregar", "Nasution", "Simanjuntak",
    "Susilo", "Hakim", "Rahman", "Utami", "Tan", "Lim", "Chandra", "Tanoto", "Smith", "Lee",
)
EMAIL_DOMAINS = ("gmail.com", "yahoo.co.id", "outlook.com", "hotmail.com", "ymail.com", "kantor.co.id")
COUNTRIES = (("ID", 0.70), ("MY", 0.10), ("SG", 0.08), ("PH", 0.07), ("US", 0.05))
PLANS = (("basic", 0.55), ("pro", 0.35), ("business", 0.10))
# Monthly list prices in IDR; the brand bills in rupiah.
PLAN_PRICES_IDR = {"basic": 99_000, "pro": 249_000, "business": 799_000}
ADD_ONS = (("extra_storage", 49_000), ("priority_support", 149_000))
CURRENCY = "idr"
BRAND = {"name": "Kopiku", "ig_username": "kopiku.id", "x_username": "kopiku_id", "fb_page_name": "Kopiku Indonesia"}
COMPETITORS = (
    {"name": "Teh Senja", "ig_username": "tehsenja", "x_username": "tehsenja_id", "fb_page_name": "Teh Senja"},
    {"name": "Kopi Nusantara", "ig_username": "kopinusantara", "x_username": "kopinusantara", "fb_page_name": "Kopi Nusantara"},
    {"name": "Susu Pagi", "ig_username": "susupagi.id", "x_username": "susupagi", "fb_page_name": "Susu Pagi"},
    {"name": "Roti Hangat", "ig_username": "rotihangat", "x_username": "roti_hangat", "fb_page_name": "Roti Hangat"},
)


def pick(table: tuple[tuple[str, float], ...], u: float) -> str:
    """The entry of a (value, share) table that uniform ``u`` lands in."""
    acc = 0.0
    for value, share in table:
        acc += share
        if u < acc:
            return value
    return table[-1][0]
