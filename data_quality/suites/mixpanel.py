"""Mixpanel raw export: every event named, timed, attributable to a device or user."""
from data_quality.expectations import non_negative, one_of, required, timestamp

KNOWN_EVENTS = ("Page View", "Help Center View", "Sign Up", "Purchase", "App Open", "Feature Used")

SUITES = {
    "events": [
        required("event", "properties.time", "properties.distinct_id"),
        timestamp("properties.time", epoch_unit="s"),
        # A new event name is worth a look (a tracking-plan change), not a rejected batch.
        one_of("event", KNOWN_EVENTS, blocking=False),
        non_negative("properties.time_on_page", "properties.amount"),
        one_of("properties.currency", ("IDR",), blocking=False),
        # Web events carry a device id; server-side events may not, so this only warns.
        required("properties.$device_id", blocking=False, mostly=0.95),
    ],
}
