"""The Facebook Pages Graph API contract served by the sandbox."""
from __future__ import annotations

import pytest
import requests

from tests.sandbox.clients import bearer_session, graph_ts, walk_graph


@pytest.fixture
def fb(sandbox_env):
    session = bearer_session(sandbox_env["PANTAU_FACEBOOK_ACCESS_TOKEN"])
    return sandbox_env["PANTAU_FACEBOOK_BASE_URL"], sandbox_env["PANTAU_FACEBOOK_PAGE_ID"], session


POST_FIELDS = "id,created_time,shares,reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)"


def test_posts_pages_end_newest_first_with_summaries(fb):
    """GIVEN the page's posts WHEN /posts is walked 25 at a time
    THEN the walk ends, ids are unique, newest first, and every post carries reaction and comment summaries."""
    base, page_id, s = fb
    pages, posts = walk_graph(s, f"{base}/{page_id}/posts", {"fields": POST_FIELDS, "limit": 25})
    assert len(posts) == len({p["id"] for p in posts}) > 25
    assert pages == -(-len(posts) // 25)
    stamps = [graph_ts(p["created_time"]) for p in posts]
    assert stamps == sorted(stamps, reverse=True)
    assert all(p["reactions"]["data"] == [] and p["reactions"]["summary"]["total_count"] >= 0 for p in posts)
    assert all(p["id"].startswith(page_id + "_") for p in posts)
    # Graph omits "shares" when nobody shared; present ones are counts.
    assert all(p["shares"]["count"] > 0 for p in posts if "shares" in p)


def test_since_filters_posts(fb):
    """GIVEN a since bound WHEN /posts is asked THEN only posts created at or after it arrive."""
    base, page_id, s = fb
    since = 1777000000
    _, recent = walk_graph(s, f"{base}/{page_id}/posts", {"fields": "id,created_time", "since": since})
    _, everything = walk_graph(s, f"{base}/{page_id}/posts", {"fields": "id,created_time", "limit": 100})
    assert [p["id"] for p in recent] == [p["id"] for p in everything if graph_ts(p["created_time"]) >= since]
    assert 0 < len(recent) < len(everything)


@pytest.mark.parametrize(
    "filter_, with_replies",
    [pytest.param("toplevel", False, id="toplevel"), pytest.param("stream", True, id="stream")],
)
def test_comment_filters(fb, filter_, with_replies):
    """GIVEN the post with most comments WHEN its comments are walked with filter=toplevel or stream
    THEN toplevel gives comments_summary top-level comments, stream adds the page's replies with their parent."""
    base, page_id, s = fb
    _, posts = walk_graph(s, f"{base}/{page_id}/posts", {"fields": POST_FIELDS, "limit": 100})
    post = max(posts, key=lambda p: p["comments"]["summary"]["total_count"])
    _, comments = walk_graph(s, f"{base}/{post['id']}/comments",
                             {"fields": "id,message,created_time,from,parent", "filter": filter_, "limit": 7})
    top = [c for c in comments if "parent" not in c]
    replies = [c for c in comments if "parent" in c]
    assert len(top) == post["comments"]["summary"]["total_count"]
    assert bool(replies) == with_replies
    assert {r["from"]["id"] for r in replies} <= {page_id}
    ids = {c["id"] for c in top}
    assert all(r["parent"]["id"] in ids for r in replies)


def test_wrong_token_gets_graph_oauth_error(fb):
    """GIVEN a wrong bearer token WHEN the page is read THEN Graph's OAuthException code 190 comes back (HTTP 400)."""
    base, page_id, _ = fb
    resp = requests.get(f"{base}/{page_id}", headers={"Authorization": "Bearer nope"}, timeout=10)
    assert resp.status_code == 400
    assert resp.json()["error"]["code"] == 190


def test_rate_limit_fault_answers_in_graph_shape(fb, sandbox):
    """GIVEN every request rate limited WHEN the page is read
    THEN a throttling error code with usage headers comes back."""
    base, page_id, s = fb
    sandbox.set_faults(rate_limit_every=1)
    resp = s.get(f"{base}/{page_id}", timeout=10)
    assert resp.status_code in (400, 403)
    assert resp.json()["error"]["code"] in (4, 17, 32, 613)
    assert resp.json()["error"]["is_transient"] is True
    assert page_id in resp.headers["X-Business-Use-Case-Usage"]


@pytest.mark.parametrize(
    "since, until, status",
    [
        pytest.param("2026-04-01", "2026-06-30", 200, id="90-days"),
        pytest.param("2026-03-01", "2026-06-30", 400, id="over-93-days"),
    ],
)
def test_page_insights_windows(fb, since, until, status):
    """GIVEN page insights' 93-day range limit WHEN windows are asked
    THEN a 90-day window gives one value per day per metric, and follows - unfollows chain the follower totals."""
    base, page_id, s = fb
    metric = "page_follows,page_daily_follows_unique,page_daily_unfollows_unique"
    resp = s.get(f"{base}/{page_id}/insights", params={"metric": metric, "period": "day", "since": since,
                                                       "until": until})
    assert resp.status_code == status
    if status != 200:
        assert resp.json()["error"]["code"] == 100
        return
    series = {m["name"]: [v["value"] for v in m["values"]] for m in resp.json()["data"]}
    assert {len(v) for v in series.values()} == {90}
    total, follows, unfollows = (series[k] for k in metric.split(","))
    assert all(total[d] == total[d - 1] + follows[d] - unfollows[d] for d in range(1, 90))
