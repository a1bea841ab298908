"""Expectations for the HubSpot CRM streams (paths into the raw API records; property values are strings)."""
from data_quality.expectations import non_negative, one_of, required, timestamp

LIFECYCLE_STAGES = ("subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer",
                    "evangelist", "other")
DEAL_STAGES = ("appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin",
               "contractsent", "closedwon", "closedlost")
SURVEY_TYPES = ("NPS", "CSAT", "CES", "CUSTOM")

SUITES = {
    "contacts": [
        required("properties.createdate", "properties.lastmodifieddate"),
        timestamp("properties.createdate", "properties.lastmodifieddate", "createdAt", "updatedAt"),
        # Portals define their own stages; an unknown one is recorded, not blocking.
        one_of("properties.lifecyclestage", LIFECYCLE_STAGES, blocking=False),
        one_of("archived", (True, False)),
        required("properties.email", mostly=0.5, blocking=False),
    ],
    "deals": [
        required("properties.createdate", "properties.hs_lastmodifieddate", "properties.dealstage",
                 "properties.pipeline"),
        # closedate of an open deal is the expected close: it may lie in the future, so it is not checked here.
        timestamp("properties.createdate", "properties.hs_lastmodifieddate"),
        non_negative("properties.amount"),
        one_of("properties.dealstage", DEAL_STAGES, blocking=False),
    ],
    "deal_contacts": [
        required("to"),  # from.id (the key) is checked by the default suite
    ],
    "feedback_submissions": [
        required("properties.hs_survey_type", "properties.hs_value", "properties.hs_submission_timestamp"),
        timestamp("properties.hs_submission_timestamp", "properties.hs_createdate", "properties.hs_lastmodifieddate"),
        one_of("properties.hs_survey_type", SURVEY_TYPES),
        non_negative("properties.hs_value"),
        one_of("properties.hs_value", [str(v) for v in range(11)]),
        one_of("properties.hs_response_group", ("PROMOTER", "PASSIVE", "DETRACTOR")),
        one_of("properties.hs_sentiment", ("POSITIVE", "NEUTRAL", "NEGATIVE"), blocking=False),
    ],
}
