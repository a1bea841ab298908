"""The public-set readers, the training command and the public evaluation, on small sets
the tests write in the public folders' layout (the real sets are not in the repository)."""
from __future__ import annotations

import gzip

import pytest

from enrichment.sentiment import public
from enrichment.sentiment.evaluate import evaluate_public, main as evaluate_main
from enrichment.sentiment.linear import LinearModel, read_model
from enrichment.sentiment.metrics import confusion, macro_recall, per_label_recall
from enrichment.sentiment.train import fit, main as train_main, predict

ID_TRAIN = [
    ("makanannya enak dan murah", "positive"), ("pelayanan ramah , tempat nyaman", "positive"),
    ("enak sekali , pasti kembali", "positive"), ("harga murah , rasa enak", "positive"),
    ("rasanya hambar dan mahal", "negative"), ("pelayanan lambat , kecewa", "negative"),
    ("mahal dan tidak enak", "negative"), ("tempat kotor , kecewa berat", "negative"),
    ("restoran buka jam sepuluh", "neutral"), ("lokasi di jalan merdeka", "neutral"),
    ("menu ada nasi dan ayam", "neutral"), ("parkir di belakang gedung", "neutral"),
]


def write_public_dir(root):
    (root / "smsa").mkdir(parents=True)
    (root / "tweeteval").mkdir()
    (root / "semeval2017").mkdir()
    lines = "".join(f"{t}\t{label}\n" for t, label in ID_TRAIN)
    (root / "smsa" / "train_preprocess.tsv").write_text(lines, encoding="utf-8")
    (root / "smsa" / "valid_preprocess.tsv").write_text("enak dan murah\tpositive\nmahal , kecewa\tnegative\n",
                                                         encoding="utf-8")
    # The second test row is mislabelled on purpose (a plain complaint marked positive).
    (root / "smsa" / "test_preprocess.tsv").write_text(
        "enak banget , murah , pasti kembali\tpositive\npesanan telat , kecewa berat\tpositive\n"
        "buka jam berapa ?\tneutral\n", encoding="utf-8")
    (root / "tweeteval" / "val_text.txt").write_text("I love this @someone \nworst day ever \n", encoding="utf-8")
    (root / "tweeteval" / "val_labels.txt").write_text("2\n0\n", encoding="utf-8")
    (root / "tweeteval" / "test_text.txt").write_text("Game on Sunday at 8 \n", encoding="utf-8")
    (root / "tweeteval" / "test_labels.txt").write_text("1\n", encoding="utf-8")
    (root / "semeval2017" / "twitter-2013train-A.tsv").write_text(
        "3\tpositive\tso happy with my new phone :)\n"
        "1\tnegative\tworst service , never again\n"
        "2\tneutral\tGame on Sunday at 8 http://t.co/x\n"       # a test tweet: left out
        "4\tpositive\tI love this @bob\n"                        # a validation tweet: left out
        "5\tnegative\tNot Available\n"                           # deleted before download
        "6\tpositive\tso happy with my new phone :)\n",          # the same text again
        encoding="utf-8")
    (root / "semeval2017" / "twitter-2016dev-A.tsv").write_text(
        "1\tpositive\ta tweet id seen before keeps its first file's row\n"
        "7\tneutral\tthe match starts at noon\n", encoding="utf-8")
    return root


def test_english_training_split_leaves_out_tweeteval_validation_and_test(tmp_path):
    """GIVEN SemEval files holding a TweetEval test tweet (with its link), a validation tweet
    (another @mention), a deleted tweet, a repeated text and a repeated tweet id
    WHEN the training split is read
    THEN only the three other tweets remain, in tweet-id order, the first file's row kept."""
    root = write_public_dir(tmp_path)
    train = {s.language: s for s in public.load(root, "train")}
    assert train["en"].rows == [("worst service , never again", "negative"),
                                ("so happy with my new phone :)", "positive"),
                                ("the match starts at noon", "neutral")]
    assert train["id"].rows == ID_TRAIN
    validation = {s.language: s for s in public.load(root, "validation")}
    assert validation["en"].rows == [("I love this @someone ", "positive"), ("worst day ever ", "negative")]


def test_a_bad_label_is_reported_with_file_and_line(tmp_path):
    """GIVEN an SmSA file whose second line has an unknown label
    WHEN read
    THEN the error names the file, the line and the label."""
    root = write_public_dir(tmp_path)
    (root / "smsa" / "valid_preprocess.tsv").write_text("enak\tpositive\nbiasa\tmixed\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"valid_preprocess.tsv:2: label 'mixed'"):
        public.load(root, "validation")


def test_training_is_deterministic_and_learns_its_data(tmp_path):
    """GIVEN the small public folder
    WHEN the training command runs twice into two files
    THEN the files are byte-identical, carry their provenance header, and the model they
    hold labels every Indonesian training message as annotated."""
    root = write_public_dir(tmp_path / "data")
    first, second = tmp_path / "a.tsv.gz", tmp_path / "b.tsv.gz"
    for out in (first, second):
        train_main(["--data-dir", str(root), "--out", str(out), "--min-count", "1", "--project-weight", "0",
                    "--c", "10"])
    assert first.read_bytes() == second.read_bytes()
    header = gzip.decompress(first.read_bytes()).decode("utf-8").splitlines()[:3]
    assert header[1] == "# SmSA (IndoNLU), split train (id): 12 messages"
    model = read_model(first.read_bytes())
    assert predict(model, [t for t, _ in ID_TRAIN]) == [label for _, label in ID_TRAIN]


def test_fit_balances_classes_within_a_corpus():
    """GIVEN one message per class but the positive one three times over
    WHEN fitted with class balancing, on the bias feature only (min_count drops the words)
    THEN the bias does not favour positive: the three classes get equal bias weights."""
    rows = [("aa", "positive")] * 3 + [("bb", "neutral"), ("cc", "negative")]
    weights = fit([(rows, 1.0)], c=1.0, min_count=6)
    bias = weights["bias"]
    assert bias[0] == pytest.approx(bias[1], abs=2e-4) and bias[1] == pytest.approx(bias[2], abs=2e-4)


def test_public_evaluation_reports_the_confusion(tmp_path, capsys):
    """GIVEN an Indonesian test split of a clear praise, a complaint labelled positive and a
    question, and one neutral English tweet
    WHEN the built-in scorer is evaluated on the test split
    THEN the complaint is counted as (true positive, predicted negative); recall is positive
    1/2, neutral 1, negative 0 (no negative truth), macro (1/2 + 1 + 0) / 3; accuracy 2/3;
    the printed report names set, split and size."""
    root = write_public_dir(tmp_path)
    results = {r.language: r for r in evaluate_public(str(root), "test")}
    id_result = results["id"]
    assert (id_result.set_name, id_result.split, id_result.n) == ("SmSA (IndoNLU)", "test", 3)
    assert id_result.confusion == {
        "positive": {"positive": 1, "neutral": 0, "negative": 1},
        "neutral": {"positive": 0, "neutral": 1, "negative": 0},
        "negative": {"positive": 0, "neutral": 0, "negative": 0},
    }
    assert id_result.macro_recall == pytest.approx((0.5 + 1 + 0) / 3)
    assert id_result.accuracy == pytest.approx(2 / 3)
    evaluate_main(["--public-dir", str(root), "--split", "test"])
    out = capsys.readouterr().out
    assert "id: SmSA (IndoNLU), split test, n=3" in out
    assert "en: TweetEval sentiment (SemEval-2017 Task 4A), split test, n=1" in out


def test_recall_and_confusion_by_hand():
    """GIVEN truth [pos, pos, neu, neg, neg, neg] and predictions [pos, neu, neu, neg, neg, pos]
    WHEN recall and the confusion are computed
    THEN recall pos 1/2, neu 1, neg 2/3, macro (1/2 + 1 + 2/3) / 3; the confusion counts each pair."""
    truth = ["positive", "positive", "neutral", "negative", "negative", "negative"]
    pred = ["positive", "neutral", "neutral", "negative", "negative", "positive"]
    assert per_label_recall(truth, pred) == pytest.approx({"positive": 0.5, "neutral": 1.0, "negative": 2 / 3})
    assert macro_recall(truth, pred) == pytest.approx((0.5 + 1 + 2 / 3) / 3)
    assert confusion(truth, pred) == {
        "positive": {"positive": 1, "neutral": 1, "negative": 0},
        "neutral": {"positive": 0, "neutral": 1, "negative": 0},
        "negative": {"positive": 1, "neutral": 0, "negative": 2},
    }


def test_a_model_without_the_lexicon_features_is_refused(tmp_path):
    """GIVEN a model file that lacks the lexicon-score features
    WHEN read
    THEN it is refused by name (a half-written file must not score silently)."""
    data = gzip.compress(b"# header\nbias\t0.1\t0.0\t-0.1\n")
    with pytest.raises(ValueError, match="~lex_pos"):
        read_model(data)
    assert isinstance(read_model(gzip.compress(b"bias\t0\t0\t0\n~lex_pos\t1\t0\t0\n~lex_neg\t0\t0\t1\n")), LinearModel)


def test_the_shipped_model_is_small_and_says_what_it_was_trained_on():
    """GIVEN the linear model shipped in the package
    WHEN read
    THEN it is under 2 MB, its header names the training splits (never a test or
    validation split), and it loads with the lexicon features."""
    from importlib import resources

    data = resources.files("enrichment.sentiment.lexicons").joinpath("linear_model.tsv.gz").read_bytes()
    assert len(data) < 2_000_000
    header = [line for line in gzip.decompress(data).decode("utf-8").splitlines() if line.startswith("#")]
    assert any("SmSA (IndoNLU), split train (id)" in line for line in header)
    assert any("less TweetEval val/test, split train (en)" in line for line in header)
    assert not any("split test" in line or "split val" in line for line in header)
    assert read_model(data).weights["~lex_pos"][0] > 0
