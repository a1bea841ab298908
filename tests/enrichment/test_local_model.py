"""PANTAU_SENTIMENT_MODEL: a local ONNX export is loaded, batched and used instead of the
built-in scorer. The model is built here: word embeddings of three logits summed over the
unmasked tokens, with a WordLevel tokenizer (no download)."""
from __future__ import annotations

import json

import duckdb
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from tokenizers import Tokenizer
from tokenizers.models import WordLevel
from tokenizers.pre_tokenizers import Whitespace

from enrichment.sentiment import scorer
from enrichment.sentiment.model import LocalModelScorer, label_group
from enrichment.sentiment.store import score_new_messages

VOCAB = {"[PAD]": 0, "[UNK]": 1, "good": 2, "bad": 3, "order": 4, "late": 5}
# Logits per token in the model's class order (NEGATIVE, NEUTRAL, POSITIVE). [PAD] carries
# a strong positive weight on purpose: if padding were not masked, short texts batched with
# long ones would turn positive.
EMBEDDING = np.array([
    [0.0, 0.0, 9.0],   # [PAD]
    [0.0, 0.0, 0.0],   # [UNK]
    [0.0, 0.0, 2.0],   # good
    [2.0, 0.0, 0.0],   # bad
    [0.0, 1.0, 0.0],   # order
    [1.5, 0.0, 0.0],   # late
], dtype=np.float32)


def build_model(folder, id2label=("NEGATIVE", "NEUTRAL", "POSITIVE"), embedding=EMBEDDING):
    folder.mkdir(parents=True, exist_ok=True)
    nodes = [
        helper.make_node("Gather", ["embedding", "input_ids"], ["embedded"]),
        helper.make_node("Cast", ["attention_mask"], ["mask"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask", "axis2"], ["mask3"]),
        helper.make_node("Mul", ["embedded", "mask3"], ["masked"]),
        helper.make_node("ReduceSum", ["masked", "axis1"], ["logits"], keepdims=0),
    ]
    graph = helper.make_graph(
        nodes, "tiny_sentiment",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", len(id2label)])],
        initializer=[numpy_helper.from_array(embedding, "embedding"),
                     numpy_helper.from_array(np.array([2], dtype=np.int64), "axis2"),
                     numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 9
    onnx.checker.check_model(model)
    onnx.save(model, str(folder / "model.onnx"))
    tokenizer = Tokenizer(WordLevel(VOCAB, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = Whitespace()
    tokenizer.save(str(folder / "tokenizer.json"))
    config = {"id2label": {str(i): name for i, name in enumerate(id2label)}, "pad_token_id": 0,
              "max_position_embeddings": 8}
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return folder


@pytest.fixture
def model_dir(tmp_path):
    return build_model(tmp_path / "tiny-model")


def test_scores_come_from_the_model_with_padding_masked(model_dir):
    """GIVEN the tiny model, a batch size of 3 and texts of 1 to 4 words (batched by length:
    "good" and "order" are padded to the 3 words of "good good bad")
    WHEN scored in one call
    THEN each label follows the summed embeddings (good +2 pos; bad +2 neg; order +1 neu;
    late +1.5 neg), the score is P(pos) - P(neg), and the result equals scoring each text
    alone, so the [PAD] weight never leaked in."""
    local = LocalModelScorer(model_dir, batch_size=3)
    texts = ["good", "bad order late late", "order", "good good bad", "unknown words only", ""]
    together = local.score_many(texts)
    assert [r.label for r in together] == ["positive", "negative", "neutral", "positive", "neutral", "neutral"]
    alone = [local.score_many([t])[0] for t in texts]
    assert together == alone
    # "good": logits (0, 0, 2): P(pos) - P(neg) = (e^2 - 1) / (e^2 + 2)
    assert together[0].score == pytest.approx(round((np.exp(2) - 1) / (np.exp(2) + 2), 4))
    # no known word: logits (0, 0, 0), equal probabilities, score 0; empty text is neutral 0
    assert together[4].score == 0.0 and together[5].score == 0.0


def test_long_texts_are_truncated_to_the_model_length(model_dir):
    """GIVEN a config with max_position_embeddings 8 and a text of 3 'bad' then 20 'good'
    WHEN scored
    THEN only the first 8 tokens count: 3 x bad (neg 6) against 5 x good (pos 10): positive,
    where the full text would be far more positive (neg 6, pos 40) -- both positive, so the
    check is on the score: P(pos) - P(neg) with logits (6, 0, 10)."""
    result = LocalModelScorer(model_dir).score_many(["bad " * 3 + "good " * 20])[0]
    z = np.array([6.0, 0.0, 10.0])
    p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    assert result.label == "positive"
    assert result.score == pytest.approx(round(p[2] - p[0], 4))


def test_class_names_map_to_the_three_labels(tmp_path):
    """GIVEN common class names and review stars, and a name that says nothing
    WHEN mapped
    THEN positive/neutral/negative (stars 1-2 negative, 3 neutral, 4-5 positive), and a model
    whose classes are LABEL_0.. is refused when loaded."""
    assert [label_group(n) for n in ("Positive", "neu", "NEG", "1 star", "3 stars", "5 stars")] == [
        "positive", "neutral", "negative", "negative", "neutral", "positive"]
    with pytest.raises(ValueError, match="LABEL_0"):
        LocalModelScorer(build_model(tmp_path / "unnamed", id2label=("LABEL_0", "LABEL_1", "LABEL_2")))


def test_star_classes_are_grouped_before_the_label_is_chosen(tmp_path):
    """GIVEN a five-star model where 'bad' gives 1 star and 2 stars logit 1 each, 3 and 4
    stars -5, and 5 stars 1.5
    WHEN 'bad' is scored
    THEN negative wins: the two negative classes together (2e = 5.44) beat the positive ones
    (e^1.5 + e^-5 = 4.49), although 5 stars is the most probable single class."""
    embedding = np.zeros((len(VOCAB), 5), dtype=np.float32)
    embedding[VOCAB["bad"]] = [1.0, 1.0, -5.0, -5.0, 1.5]
    folder = build_model(tmp_path / "stars", id2label=("1 star", "2 stars", "3 stars", "4 stars", "5 stars"),
                         embedding=embedding)
    assert LocalModelScorer(folder).score_many(["bad"])[0].label == "negative"


def test_a_missing_file_is_named(tmp_path):
    """GIVEN a model directory without tokenizer.json
    WHEN loaded
    THEN the error names the variable's value and the missing file."""
    folder = build_model(tmp_path / "broken")
    (folder / "tokenizer.json").unlink()
    with pytest.raises(FileNotFoundError, match="tokenizer.json"):
        LocalModelScorer(folder)


def test_the_environment_variable_switches_scorer_and_rescores(model_dir, tmp_path, monkeypatch):
    """GIVEN messages stored by the built-in scorer
    WHEN PANTAU_SENTIMENT_MODEL points at the tiny model and the store runs again
    THEN score_text uses the model, the identity names the model, and every message is
    rescored under that identity (one row each); unsetting the variable restores the
    built-in scorer."""
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema intermediate")
        con.execute("create table intermediate.int_messages (message_id varchar, message_text varchar)")
        con.execute("insert into intermediate.int_messages values ('a', 'good order'), ('b', 'late late')")
        assert score_new_messages(con) == 2
        monkeypatch.setenv("PANTAU_SENTIMENT_MODEL", str(model_dir))
        identity = scorer.scorer_identity()
        assert identity.startswith("model:tiny-model:") and identity != scorer.SCORER_VERSION
        assert scorer.score_text("unknown words").label == "neutral"  # the model's verdict
        assert score_new_messages(con) == 2
        assert score_new_messages(con) == 0
        rows = con.execute("select message_id, label, scorer_version from enrichment.message_sentiment "
                           "order by message_id").fetchall()
    assert rows == [("a", "positive", identity), ("b", "negative", identity)]
    monkeypatch.delenv("PANTAU_SENTIMENT_MODEL")
    assert scorer.scorer_identity() == scorer.SCORER_VERSION
