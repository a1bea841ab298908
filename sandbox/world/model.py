"""``World``: the profile, the clock, and the entities every API module shares."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from sandbox.world import customers as _customers
from sandbox.world.draws import rng, stable_int
from sandbox.world.names import BRAND, COMPETITORS
from sandbox.world.profiles import Profile
from sandbox.world.timeline import DAY, Timeline


@dataclass(frozen=True)
class Account:
    """A social account on one platform, the brand's own or a tracked competitor's."""

    platform: str  # instagram | facebook | x
    key: str  # "own" or the competitor's slug
    name: str
    username: str
    id: str
    is_own: bool
    base_followers: int
    posts_per_day: float


@dataclass(frozen=True, eq=False)  # hashed by identity: entity caches key on it
class World:
    profile: Profile
    timeline: Timeline

    @classmethod
    def build(cls, profile: Profile, anchor: date, as_of: datetime | None = None) -> "World":
        return cls(profile, Timeline.build(anchor, profile.history_days, as_of))

    # -- customers -----------------------------------------------------------
    def customer_count(self) -> int:
        """Customers who exist by the world's now (the rate continues past the anchor)."""
        per_day = _customers.customers_per_day(self)
        return int((self.timeline.as_of_ts - self.timeline.start_ts) / DAY * per_day)

    def customer(self, index: int) -> _customers.Customer:
        return _customers.build_customer(self, index)

    def customers_signed_up_by(self, ts: float) -> int:
        return _customers.count_at(self, ts)

    def sample_customer(self, *key: object, at: float, social: bool | None = None, tries: int = 12):
        """A customer who had signed up by ``at`` (social ones only if asked), or None.

        Rejection sampling over the index range keeps this O(1) at any size.
        """
        n = self.customers_signed_up_by(at)
        if n == 0:
            return None
        r = rng(self.profile.seed, "sample", *key)
        for _ in range(tries):
            c = self.customer(r.randrange(n))
            if social is None or c.is_social == social:
                return c
        return None

    # -- social accounts -----------------------------------------------------
    @cached_property
    def accounts(self) -> tuple[Account, ...]:
        p = self.profile
        out = []
        people = [("own", BRAND, True)] + [
            (c["name"].lower().replace(" ", "_"), c, False) for c in COMPETITORS[: p.competitors]
        ]
        for key, who, own in people:
            rate = p.own_posts_per_day if own else p.competitor_posts_per_day
            base = int(stable_int(p.seed, "followers", key, digits=6) * (1.0 if own else 0.6))
            out.append(Account("instagram", key, who["name"], who["ig_username"],
                               str(stable_int(p.seed, "ig", key, digits=17)), own, base, rate))
            out.append(Account("facebook", key, who["fb_page_name"], who["fb_page_name"].lower().replace(" ", ""),
                               str(stable_int(p.seed, "fb", key, digits=15)), own, base // 2, rate))
            out.append(Account("x", key, who["name"], who["x_username"],
                               str(stable_int(p.seed, "x", key, digits=18)), own, base // 3, rate))
        return tuple(out)

    def account(self, platform: str, key: str = "own") -> Account:
        for a in self.accounts:
            if a.platform == platform and a.key == key:
                return a
        raise KeyError((platform, key))

    def own_accounts(self) -> tuple[Account, ...]:
        return tuple(a for a in self.accounts if a.is_own)

    def competitor_accounts(self, platform: str) -> tuple[Account, ...]:
        return tuple(a for a in self.accounts if a.platform == platform and not a.is_own)

    def agents(self) -> tuple[tuple[str, float, float], ...]:
        return self.profile.planted.agents
