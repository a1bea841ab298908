"""Python enrichment of the warehouse: the sentiment of every message (METRICS S1, S3).

``enrichment/message_sentiment`` runs after the dbt model ``intermediate/int_messages`` and
before the dbt models that read ``source('enrichment', 'message_sentiment')``.
"""

import duckdb
import dagster as dg

from enrichment.sentiment import SCORER_VERSION
from enrichment.sentiment.scorer import scorer_identity
from enrichment.sentiment.store import score_new_messages
from orchestration.resources import WarehouseResource


@dg.asset(
    key=dg.AssetKey(["enrichment", "message_sentiment"]),
    group_name="enrichment",
    deps=[dg.AssetKey(["intermediate", "int_messages"])],
    description=(
        "Sentiment label, score, language and complaint flag of each message of int_messages; "
        "scores only messages not yet scored by the active scorer (SCORER_VERSION, or the "
        "model named by PANTAU_SENTIMENT_MODEL)."
    ),
    code_version=SCORER_VERSION,
)
def message_sentiment(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    identity = scorer_identity()
    # int_messages always exists: every raw table is created before dbt builds, configured or not.
    with duckdb.connect(warehouse.path) as con:
        scored = score_new_messages(con)
        total = con.execute("select count(*) from enrichment.message_sentiment").fetchone()[0]
    context.log.info(f"scored {scored} new messages with {identity}; {total} stored")
    return dg.MaterializeResult(metadata={"scored": scored, "stored": total, "scorer_version": identity})


defs = dg.Definitions(assets=[message_sentiment])
