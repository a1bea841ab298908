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
    with duckdb.connect(warehouse.path) as con:
        exists = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'intermediate' and table_name = 'int_messages'"
        ).fetchone()[0]
        if not exists:  # PANTAU_SOURCES left out every text-bearing source: nothing to score
            context.log.warning("intermediate.int_messages does not exist; no message scored")
            return dg.MaterializeResult(metadata={"scored": 0, "stored": 0, "scorer_version": identity})
        scored = score_new_messages(con)
        total = con.execute("select count(*) from enrichment.message_sentiment").fetchone()[0]
    context.log.info(f"scored {scored} new messages with {identity}; {total} stored")
    return dg.MaterializeResult(metadata={"scored": scored, "stored": total, "scorer_version": identity})


defs = dg.Definitions(assets=[message_sentiment])
