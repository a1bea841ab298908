"""The column contract of every export entity, declared once as data.

An entity is one kind of export a brand drops into ``PANTAU_IMPORT_DIR``
(orders, customers, ...): its columns with their kinds, which are required,
its key and its timestamp column.  The reader validates rows against it, the
landing takes its key and cursor from ``Entity.stream``, and the README's
contract tables are rendered from it (``contract_markdown``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable, Mapping

from extractors.engine.auth import NoAuth
from extractors.engine.declarations import Source, Stream
from extractors.engine.rate_limits import RateLimitPolicy

SOURCE_NAME = "files"

# What each kind accepts, as the README states it.  Formats are strict so that a
# value the reader accepts is one DuckDB casts the same way in staging.
KIND_FORMATS = {
    "id": "text (a number is read as its digits)",
    "text": "text",
    "timestamp": "ISO 8601 `YYYY-MM-DDTHH:MM[:SS[.ffffff]]` (`T` or a space), then `Z` or `±HH:MM`;"
                 " without an offset, in `PANTAU_IMPORT_TIMEZONE`",
    "date": "`YYYY-MM-DD`",
    "money": "decimal >= 0 in major units, `.` and at most 2 decimals, no thousands separator (`125000.00`)",
    "currency": "ISO 4217 code (`IDR`)",
    "country": "ISO 3166 two-letter code (`ID`)",
    "count": "whole number >= 0",
    "integer": "whole number",
    "boolean": "`true` or `false`",
    "email": "email address",
    "choice": "one of the listed values, exactly as listed",
}

_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONEY = re.compile(r"^\d+(\.\d{1,2})?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_INTEGER = re.compile(r"^-?\d+$")
_COUNT = re.compile(r"^\d+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
BOOLEANS = ("true", "false")

# The kinds checked by one pattern, with what the error says was expected.
_PATTERNS = {
    "money": (_MONEY, "an amount >= 0 such as 125000.00 (a '.' and at most 2 decimals, no separators)"),
    "currency": (_CURRENCY, "an upper-case ISO 4217 currency code such as IDR"),
    "country": (_COUNTRY, "an upper-case ISO 3166 country code such as ID"),
    "integer": (_INTEGER, "a whole number"),
    "count": (_COUNT, "a whole number >= 0"),
    "email": (_EMAIL, "an email address"),
}


@dataclass(frozen=True)
class Column:
    """One column of an export; ``choices`` for kind 'choice'."""

    name: str
    kind: str
    description: str
    required: bool = False
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KIND_FORMATS:
            raise ValueError(f"column {self.name!r}: unknown kind {self.kind!r}")
        if (self.kind == "choice") != bool(self.choices):
            raise ValueError(f"column {self.name!r}: choices go with kind 'choice' only")

    def problem(self, value: str) -> str | None:
        """Why ``value`` (non-empty text) does not fit this column, or None when it does."""
        kind = self.kind
        if kind in ("id", "text"):
            return None
        if kind == "timestamp":
            if _TIMESTAMP.match(value) is None:
                return f"{value!r} is not an ISO 8601 timestamp such as 2024-03-01T14:05:00+07:00"
            try:
                datetime.fromisoformat(value)
            except ValueError:
                return f"{value!r} is not a valid date and time"
            return None
        if kind == "date":
            if _DATE.match(value) is None:
                return f"{value!r} is not a date such as 2024-03-01"
            try:
                date.fromisoformat(value)
            except ValueError:
                return f"{value!r} is not a valid date"
            return None
        if kind in _PATTERNS:
            pattern, expected = _PATTERNS[kind]
            return None if pattern.match(value) else f"{value!r} is not {expected}"
        if kind == "boolean":
            return None if value in BOOLEANS else f"{value!r} is not true or false"
        return None if value in self.choices else f"{value!r} is not one of {', '.join(self.choices)}"


# A rule over several columns of a row: (column, message) when the row breaks it.
RowRule = Callable[[Mapping[str, str | None]], tuple[str, str] | None]


@dataclass(frozen=True)
class Entity:
    """One export: ``<name>.csv``/``<name>_*.jsonl`` files land in ``raw.files__<name>``."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    timestamp: str
    rules: tuple[RowRule, ...] = field(default=())
    rules_text: str = ""

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        for name in (*self.key, self.timestamp):
            if name not in names:
                raise ValueError(f"entity {self.name!r}: {name!r} is not one of its columns")
            if not self.column(name).required:
                raise ValueError(f"entity {self.name!r}: key and timestamp column {name!r} must be required")

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"entity {self.name!r} has no column {name!r}")

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def stream(self) -> Stream:
        """The entity as a landing stream: the key and cursor the loader reads."""
        return Stream(
            name=self.name,
            path="",
            primary_key=self.key,
            record_path=(),
            cursor_field=self.timestamp,
            description=self.description,
        )


def _survey_score(row: Mapping[str, str | None]) -> tuple[str, str] | None:
    bounds = SURVEY_SCALES.get(row.get("survey_type") or "")
    score = row.get("score")
    if bounds is None or score is None or _INTEGER.match(score) is None:
        return None  # a bad survey_type or score is reported by its own column
    low, high = bounds
    if not low <= int(score) <= high:
        return "score", f"{score!r} is outside {low}-{high}, the {row['survey_type']} scale"
    return None


SURVEY_SCALES = {"NPS": (0, 10), "CSAT": (1, 5), "CES": (1, 7)}
PLATFORMS = ("instagram", "facebook", "x")
_PLATFORM = Column("platform", "choice", "The social platform.", required=True, choices=PLATFORMS)

ENTITIES: tuple[Entity, ...] = (
    Entity(
        name="orders",
        description="Orders or one-off purchases (a shop's order export).",
        key=("order_id",),
        timestamp="ordered_at",
        columns=(
            Column("order_id", "id", "The order's id.", required=True),
            Column("customer_id", "id", "The buyer's id in the customers export."),
            Column("customer_email", "email", "The buyer's email, to match the buyer in other sources."),
            Column("status", "choice", "Where the order stands.", required=True,
                   choices=("paid", "pending", "refunded", "canceled")),
            Column("currency", "currency", "Currency of the amounts.", required=True),
            Column("total_amount", "money", "The order's total, taxes included.", required=True),
            Column("item_count", "count", "Number of items ordered."),
            Column("sales_channel", "text", "Where it was ordered (web shop, store, marketplace...)."),
            Column("ordered_at", "timestamp", "When it was ordered.", required=True),
            Column("paid_at", "timestamp", "When it was paid."),
        ),
    ),
    Entity(
        name="customers",
        description="Customers as the brand's shop or CRM knows them.",
        key=("customer_id",),
        timestamp="created_at",
        columns=(
            Column("customer_id", "id", "The customer's id.", required=True),
            Column("email", "email", "Email address."),
            Column("full_name", "text", "Full name."),
            Column("phone", "text", "Phone number as written."),
            Column("country_code", "country", "Country."),
            Column("x_handle", "text", "X username, with or without '@'."),
            Column("instagram_handle", "text", "Instagram username, with or without '@'."),
            Column("created_at", "timestamp", "When the customer was created.", required=True),
        ),
    ),
    Entity(
        name="tickets",
        description="Support tickets (a help desk's ticket export); their messages are ticket_comments.",
        key=("ticket_id",),
        timestamp="created_at",
        columns=(
            Column("ticket_id", "id", "The ticket's id.", required=True),
            Column("requester_id", "id", "The customer id of who asked."),
            Column("requester_email", "email", "Email of who asked."),
            Column("requester_handle", "text", "Social username of who asked (social tickets)."),
            Column("channel", "choice", "Where the ticket came in.", required=True,
                   choices=("email", "web", "chat", "phone", "social", "other")),
            Column("social_platform", "choice", "The platform of a social ticket.", choices=PLATFORMS),
            Column("subject", "text", "Subject line."),
            Column("status", "choice", "Where the ticket stands.", required=True,
                   choices=("new", "open", "pending", "hold", "solved", "closed")),
            Column("priority", "choice", "Priority.", choices=("low", "normal", "high", "urgent")),
            Column("satisfaction", "choice", "The customer's rating of the support.", choices=("good", "bad")),
            Column("created_at", "timestamp", "When the ticket was opened.", required=True),
            Column("solved_at", "timestamp", "When it was solved."),
        ),
    ),
    Entity(
        name="ticket_comments",
        description="The messages of tickets, customer's and agents'.",
        key=("comment_id",),
        timestamp="created_at",
        columns=(
            Column("comment_id", "id", "The comment's id.", required=True),
            Column("ticket_id", "id", "The ticket it belongs to.", required=True),
            Column("author_role", "choice", "Who wrote it.", required=True, choices=("customer", "agent")),
            Column("author_id", "id", "The author's id."),
            Column("body", "text", "The message text.", required=True),
            Column("is_public", "boolean", "Visible to the customer (default true; false for internal notes)."),
            Column("created_at", "timestamp", "When it was written.", required=True),
        ),
    ),
    Entity(
        name="social_messages",
        description="Comments, replies, mentions and direct messages on social platforms, the brand's own included.",
        key=("platform", "message_id"),
        timestamp="created_at",
        columns=(
            _PLATFORM,
            Column("message_id", "id", "The message's id on the platform.", required=True),
            Column("message_type", "choice", "What kind of message.", required=True,
                   choices=("comment", "reply", "mention", "direct_message")),
            Column("post_id", "id", "The post it was written under."),
            Column("parent_message_id", "id", "The message it replies to."),
            Column("conversation_id", "id", "The thread (X conversation id, or the top-level comment's id)."),
            Column("account_id", "id", "The brand account it was addressed to or written on."),
            Column("author_id", "id", "The author's id on the platform."),
            Column("author_handle", "text", "The author's username."),
            Column("is_brand", "boolean", "Written by the brand.", required=True),
            Column("text", "text", "The message text.", required=True),
            Column("created_at", "timestamp", "When it was written.", required=True),
        ),
    ),
    Entity(
        name="posts",
        description="Posts with their counts as of the export (a newer export of a post replaces its counts).",
        key=("platform", "post_id"),
        timestamp="published_at",
        columns=(
            _PLATFORM,
            Column("post_id", "id", "The post's id on the platform.", required=True),
            Column("account_id", "id", "The account that published it.", required=True),
            Column("is_own", "boolean", "The brand's own post (default true; false for a competitor's)."),
            Column("post_type", "text", "Type (image, video, carousel, reel, tweet...)."),
            Column("text", "text", "Caption or text."),
            Column("permalink", "text", "Link to the post."),
            Column("published_at", "timestamp", "When it was published.", required=True),
            Column("likes", "count", "Likes."),
            Column("comments", "count", "Comments or replies."),
            Column("shares", "count", "Shares or reposts."),
            Column("saves", "count", "Saves or bookmarks."),
            Column("reach", "count", "Accounts reached."),
            Column("impressions", "count", "Impressions."),
            Column("views", "count", "Video or post views."),
            Column("link_clicks", "count", "Link clicks."),
            Column("counted_at", "timestamp", "When the counts were read (default: when the file was imported)."),
        ),
    ),
    Entity(
        name="followers",
        description="Followers history: one row per account and day.",
        key=("platform", "account_id", "date"),
        timestamp="date",
        columns=(
            _PLATFORM,
            Column("account_id", "id", "The account.", required=True),
            Column("date", "date", "The day, in the reporting time zone.", required=True),
            Column("followers", "count", "Followers at the end of the day.", required=True),
            Column("new_follows", "count", "New followers that day."),
            Column("unfollows", "count", "Unfollows that day."),
        ),
    ),
    Entity(
        name="survey_responses",
        description="Survey answers: NPS (0-10), CSAT (1-5), CES (1-7).",
        key=("response_id",),
        timestamp="submitted_at",
        rules=(_survey_score,),
        rules_text="score lies on its survey's scale: NPS 0-10, CSAT 1-5, CES 1-7.",
        columns=(
            Column("response_id", "id", "The response's id.", required=True),
            Column("survey_type", "choice", "The survey.", required=True, choices=tuple(SURVEY_SCALES)),
            Column("score", "integer", "The answer on the survey's scale.", required=True),
            Column("customer_id", "id", "The customer id of who answered."),
            Column("customer_email", "email", "Email of who answered."),
            Column("survey_name", "text", "The survey's name."),
            Column("channel", "text", "Where it was answered (email, web, in-app...)."),
            Column("comment", "text", "Free-text answer."),
            Column("submitted_at", "timestamp", "When it was answered.", required=True),
        ),
    ),
    Entity(
        name="email_activities",
        description="What recipients did with campaign emails: one row per action.",
        key=("campaign_id", "email_address", "action", "occurred_at"),
        timestamp="occurred_at",
        columns=(
            Column("campaign_id", "id", "The campaign.", required=True),
            Column("campaign_name", "text", "The campaign's name."),
            Column("email_address", "email", "The recipient.", required=True),
            Column("action", "choice", "What happened.", required=True,
                   choices=("sent", "open", "click", "bounce", "unsubscribe")),
            Column("url", "text", "The link clicked (clicks)."),
            Column("bounce_type", "choice", "Hard or soft (bounces).", choices=("hard", "soft")),
            Column("occurred_at", "timestamp", "When it happened.", required=True),
        ),
    ),
)

# The landing, the suites and the audit tables take the file source for a source
# like any other; it has no HTTP part, so no base URL, credentials or settings.
SOURCE = Source(
    name=SOURCE_NAME,
    default_base_url="",
    auth=NoAuth(),
    rate_limit=RateLimitPolicy(),
    settings=(),
    streams=tuple(e.stream for e in ENTITIES),
    description="Exports dropped as CSV or JSON-lines files in PANTAU_IMPORT_DIR.",
)


def entity(name: str) -> Entity:
    for e in ENTITIES:
        if e.name == name:
            return e
    raise KeyError(f"no export entity {name!r}; known: {[e.name for e in ENTITIES]}")


def contract_markdown() -> str:
    """The formats and the contract of every entity as Markdown, as the README carries it."""
    out = ["| format | written as |", "|---|---|"]
    out += [f"| {kind} | {text} |" for kind, text in KIND_FORMATS.items() if kind != "choice"]
    out.append("")
    for e in ENTITIES:
        out.append(f"#### `{e.name}`: {e.description}\n")
        out.append(f"Files `{e.name}.csv` or `{e.name}_<anything>.csv` (or `.jsonl`)."
                   f" Key: {', '.join(f'`{k}`' for k in e.key)}. Timestamp: `{e.timestamp}`.\n")
        out.append("| column | required | format | meaning |")
        out.append("|---|---|---|---|")
        for c in e.columns:
            kind = "one of " + ", ".join(f"`{v}`" for v in c.choices) if c.kind == "choice" else c.kind
            out.append(f"| `{c.name}` | {'yes' if c.required else ''} | {kind} | {c.description} |")
        if e.rules_text:
            out.append(f"\nAlso: {e.rules_text}")
        out.append("")
    return "\n".join(out)
