"""Customer-written text in Indonesian and English with a planted sentiment.

Messages are assembled from fragments the way people write to brands: slang,
negation ("ga enak", "not bad"), emoji, code-mixing.  Each message comes with
its planted label so the sentiment mix is ground truth, not a guess.
"""
from __future__ import annotations

from dataclasses import dataclass

from sandbox.world.draws import rng

FRAGMENTS = {
    ("id", "positive"): (
        "kopinya enak banget", "mantap kak", "pelayanannya cepet, makasih ya", "suka banget sama rasa barunya",
        "paket udah sampe, rapi banget", "recommended pokoknya", "adminnya ramah bgt", "puas sama langganannya",
        "ga nyesel langganan", "keren parah", "terbaik lah", "makasih udah dibantu min",
    ),
    ("id", "neutral"): (
        "ini promonya sampai kapan ya", "ada varian tanpa gula ga?", "cabang terdekat di mana min",
        "cara ganti paket gimana ya", "jam buka toko berapa", "udah dicoba tadi pagi", "ongkirnya berapa ke Bandung",
        "bisa bayar pakai QRIS?", "info harga paket pro dong",
    ),
    ("id", "negative"): (
        "pesanan saya belum sampai juga", "kecewa banget sama pelayanannya", "rasanya ga enak, kemanisan",
        "aplikasinya error terus", "udah 3 hari ga dibales admin", "tolong refund dong, barangnya rusak",
        "tagihan saya dobel bulan ini", "parah sih, lambat banget", "ga lagi-lagi deh langganan",
        "kurir kasar, paket penyok",
    ),
    ("en", "positive"): (
        "love the new flavour", "great service, thanks!", "best coffee in town", "delivery was super fast",
        "not bad at all, actually really good", "customer support sorted it out quickly", "totally worth it",
        "you guys rock",
    ),
    ("en", "neutral"): (
        "what time do you open on sundays?", "is the promo still running", "how do I change my plan",
        "do you ship to Surabaya", "tried it this morning", "any sugar free option?", "where is the nearest store",
    ),
    ("en", "negative"): (
        "my order still hasn't arrived", "terrible customer service", "the app keeps crashing",
        "I was charged twice this month", "not happy with the taste", "no reply from support for days",
        "please refund me, the package was damaged", "worst experience ever",
    ),
}
EMOJI = {"positive": ("😍", "👍", "🔥", "❤️", "🙏"), "neutral": ("🤔", "", "", "🙂"), "negative": ("😡", "😤", "👎", "😞", "")}
TAILS = {"id": ("", " min", " kak", " @{brand}", " sih", " deh"), "en": ("", " @{brand}", " guys", " !!", " tbh")}
CODE_MIX = {"id": ("btw ", "honestly ", "overall "), "en": ("jujur ", "btw ", "pokoknya ")}
# Negative messages with a service intent are complaints (METRICS S3).
SERVICE_WORDS = ("pesanan", "refund", "tagihan", "admin", "kurir", "order", "support", "charged", "app", "aplikasi", "package")


@dataclass(frozen=True)
class Message:
    text: str
    label: str  # positive | neutral | negative
    language: str  # id | en
    is_complaint: bool


def _pick(mix: dict[str, float], u: float) -> str:
    acc = 0.0
    for k, share in mix.items():
        acc += share
        if u < acc:
            return k
    return next(reversed(mix))


def message(seed: int, *key: object, sentiment_mix: dict[str, float], language_mix: dict[str, float], brand: str) -> Message:
    r = rng(seed, "text", *key)
    label = _pick(sentiment_mix, r.random())
    lang = _pick(language_mix, r.random())
    parts = [r.choice(FRAGMENTS[(lang, label)])]
    if r.random() < 0.3:
        parts.append(r.choice(FRAGMENTS[(lang, label)]))
    text = ", ".join(parts)
    if r.random() < 0.15:
        text = r.choice(CODE_MIX[lang]) + text
    text += r.choice(TAILS[lang]).format(brand=brand)
    emoji = r.choice(EMOJI[label])
    if emoji and r.random() < 0.6:
        text += " " + emoji * r.randint(1, 3)
    if r.random() < 0.2:
        text = text.capitalize()
    complaint = label == "negative" and any(w in text.lower() for w in SERVICE_WORDS)
    return Message(text, label, lang, complaint)
