"""The HubSpot CRM API as Pantau reads it.

Auth: a private app token (scopes ``crm.objects.contacts.read``,
``crm.objects.deals.read``, ``crm.objects.feedback_submissions.read``) as a
bearer token.  Rate limits: ``429`` with ``policyName`` (TEN_SECONDLY_ROLLING
is retried after ``X-HubSpot-RateLimit-Interval-Milliseconds``; DAILY fails
the run with a clear message) — ``HubSpotRateLimit``.

Streams:
- ``contacts``, ``deals``, ``feedback_submissions``: ``POST
  /crm/v3/objects/<type>/search`` with a GTE filter on the last-modified
  property (``lastmodifieddate`` for contacts, ``hs_lastmodifieddate`` for the
  others) at the saved cursor minus one hour, sorted ascending, 200 a page,
  ``after`` offsets.  Search refuses to page past 10,000 results (400), so the
  ``HubSpotSearch`` paginator re-anchors: a new search whose GTE starts at the
  last value seen, skipping the ids already read at that value.
- ``deal_contacts``: ``POST /crm/v4/associations/deals/contacts/batch/read``
  for the deals landed since the last run (fan-out over ``deals``),
  ``DEAL_CONTACTS_BATCH`` deals a request.  Search results carry no
  associations, and the per-deal ``GET
  /crm/v4/objects/deals/{id}/associations/contacts`` answers records
  (``toObjectId``) that do not name their deal, so their keys would collide
  across deals in raw; the batch read answers ``{"from": {"id"}, "to": [...]}``,
  keyed by the deal, and each raw row's context is its own deal (``from.id``).
  The endpoint takes up to 1,000 inputs (HubSpot's limit since 2025-02-10);
  100 keeps the request text, which every raw row carries as lineage, short
  while still cutting the requests a hundredfold.

Contact properties read: ``email``, ``firstname``, ``lastname``,
``createdate``, ``lastmodifieddate``, ``lifecyclestage``, ``country``,
``twitterhandle`` (standard) and the brand's custom properties
``instagram_handle`` and ``app_user_id`` (create them in Settings >
Properties, or change ``CONTACT_PROPERTIES`` to your portal's internal names).
"""
from __future__ import annotations

from datetime import timedelta

from extractors.engine.auth import BearerToken
from extractors.engine.declarations import ForEachRecordOf, Setting, Source, Stream
from extractors.engine.incremental import HubSpotSearchFilter
from extractors.engine.paginators import HubSpotSearch, SinglePage
from extractors.engine.rate_limits import HubSpotRateLimit

CONTACT_PROPERTIES = ("email", "firstname", "lastname", "createdate", "lastmodifieddate", "lifecyclestage", "country",
                      "twitterhandle", "instagram_handle", "app_user_id")
DEAL_PROPERTIES = ("dealname", "amount", "deal_currency_code", "dealstage", "pipeline", "closedate", "createdate",
                   "hs_lastmodifieddate", "dealtype")
FEEDBACK_PROPERTIES = ("hs_survey_type", "hs_survey_id", "hs_survey_name", "hs_survey_channel", "hs_value",
                       "hs_response_group", "hs_sentiment", "hs_content", "hs_submission_timestamp", "hs_contact_id",
                       "hs_createdate", "hs_lastmodifieddate")
# Records modified while a previous run was reading are re-read.
LOOKBACK = timedelta(hours=1)
# Deals per association batch read (HubSpot accepts at most 1,000 inputs).
DEAL_CONTACTS_BATCH = 100


def _search(name: str, object_type: str, modified: str, properties: tuple[str, ...], description: str) -> Stream:
    return Stream(
        name=name,
        path=f"/crm/v3/objects/{object_type}/search",
        method="POST",
        json_body={"properties": list(properties), "filterGroups": [{"filters": []}]},
        record_path=("results",),
        primary_key=("id",),
        cursor_field=f"properties.{modified}",
        paginator=HubSpotSearch(limit=200),
        incremental=HubSpotSearchFilter(modified, lookback=LOOKBACK),
        description=description,
    )


SOURCE = Source(
    name="hubspot",
    default_base_url="https://api.hubapi.com",
    description="HubSpot CRM: contacts with social handles, deals and their contacts, NPS/CSAT/CES survey answers.",
    auth=BearerToken("access_token"),
    rate_limit=HubSpotRateLimit(),
    settings=(
        Setting("access_token", "HubSpot private app access token (pat-…) with CRM read scopes.", secret=True),
    ),
    streams=(
        _search("contacts", "contacts", "lastmodifieddate", CONTACT_PROPERTIES,
                "Contacts with email, names, lifecycle stage, country, X handle and the custom instagram_handle and "
                "app_user_id; duplicates and imperfect handles as the CRM holds them."),
        _search("deals", "deals", "hs_lastmodifieddate", DEAL_PROPERTIES,
                "Deals (new business and add-on cross-sell) with amount, currency, stage, pipeline and close date."),
        Stream(
            name="deal_contacts",
            path="/crm/v4/associations/deals/contacts/batch/read",
            method="POST",
            json_body={"inputs": [{"id": "{deal_id}"}]},
            record_path=("results",),
            primary_key=("from.id",),
            paginator=SinglePage(),
            fan_out=ForEachRecordOf(
                "deals", {"deal_id": "id"}, batch_size=DEAL_CONTACTS_BATCH, child_fields={"deal_id": "from.id"}
            ),
            description="Contacts associated with each deal (v4 associations batch read, 100 deals a request).",
        ),
        _search("feedback_submissions", "feedback_submissions", "hs_lastmodifieddate", FEEDBACK_PROPERTIES,
                "Survey answers: NPS (0-10), CSAT (1-5), CES (1-7) with the answering contact."),
    ),
)
