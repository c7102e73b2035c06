"""Transcripts and the staging review, through the real app."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_task, make_user
from tests.web.conftest import csrf_of
from workitems.clock import utc_today
from workitems.staging.enums import ReviewState
from workitems.staging.schemas import CandidateIn
from workitems.staging.service import get_candidate, list_candidates, stage_candidate
from workitems.task.service import get_task
from workitems.user.models import User
from workitems.web.review import quote_in_context

TRANSCRIPT = """\
Priya Shah: Morning all.
Sam Lee: The pricing page is stale.
Priya Shah: Sam, please update the pricing page by Friday.
Sam Lee: Sure, I'll update the pricing page by Friday.
Priya Shah: Thanks.
"""


def _upload(browser: TestClient, **fields: str) -> str:
    token = csrf_of(browser.get("/transcripts").text)
    response = browser.post(
        "/transcripts",
        data={"csrf_token": token, "title": "Launch sync", "meeting_date": "2026-11-23", **fields},
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


class TestTranscripts:
    def test_paste_analyse_and_land_in_review(self, browser: TestClient) -> None:
        location = _upload(browser, content=TRANSCRIPT, participants="Sam Lee <sam@example.com>")
        page = browser.get(location).text
        assert 'id="u-2"' in page
        token = csrf_of(page)
        analysed = browser.post(f"{location}/analyze", data={"csrf_token": token})
        transcript_id = location.rsplit("/", 1)[1]
        assert analysed.headers["location"] == f"/review?transcript={transcript_id}"
        review = browser.get(analysed.headers["location"]).text
        assert "<mark>Sam, please update the pricing page by Friday.</mark>" in review
        assert "Update the pricing page" in review
        again = browser.post(f"{location}/analyze", data={"csrf_token": token})
        assert "nothing new" in browser.get(again.headers["location"]).text
        assert "candidate #" in browser.get(location).text

    def test_file_upload_takes_its_name_as_title(self, browser: TestClient) -> None:
        token = csrf_of(browser.get("/transcripts").text)
        response = browser.post(
            "/transcripts",
            data={"csrf_token": token},
            files={"file": ("standup.txt", TRANSCRIPT.encode(), "text/plain")},
        )
        assert response.status_code == 303
        assert "standup.txt" in browser.get(response.headers["location"]).text

    def test_malformed_transcript_is_explained_and_kept(self, browser: TestClient) -> None:
        token = csrf_of(browser.get("/transcripts").text)
        response = browser.post(
            "/transcripts", data={"csrf_token": token, "content": "[1, 2", "format": "json"}
        )
        assert response.status_code == 422
        assert "[1, 2" in response.text


class TestQuoteInContext:
    UTTERANCES = [{"index": i, "speaker": "A", "text": f"line {i}", "start": i} for i in range(10)]

    def test_window_around_the_quote_with_the_words_split_out(self) -> None:
        rows = quote_in_context(self.UTTERANCES, [{"utterance_index": 5, "quote": "ne 5"}])
        assert [r["index"] for r in rows] == [3, 4, 5, 6, 7]
        said = rows[2]
        assert (said["before"], said["quote"], said["after"]) == ("li", "ne 5", "")

    def test_distant_quotes_get_a_gap(self) -> None:
        rows = quote_in_context(
            self.UTTERANCES, [{"utterance_index": 0, "quote": "x"}, {"utterance_index": 9}]
        )
        assert [r.get("index") for r in rows] == [0, 1, 2, None, 7, 8, 9]
        assert rows[0]["quote"] == "line 0"  # not found verbatim: the whole utterance

    def test_bad_index_shows_nothing(self) -> None:
        assert quote_in_context(self.UTTERANCES, [{"utterance_index": 99}]) == []


def _stage(session: Session, title: str = "Update the pricing page", **fields: object) -> int:
    return stage_candidate(session, CandidateIn(title=title, **fields), actor_id=None).id


class TestReview:
    def test_approve_with_an_edited_owner(
        self, browser: TestClient, session: Session, web_user: User
    ) -> None:
        candidate_id = _stage(session, assignee="Somebody")
        page = browser.get("/review").text
        assert "not a known active user" in page
        response = browser.post(
            f"/review/{candidate_id}/approve",
            data={
                "csrf_token": csrf_of(page),
                "version": "1",
                "title": "Update the pricing page",
                "assignee": web_user.email,
                "priority": "high",
            },
        )
        assert response.status_code == 303
        candidate = get_candidate(session, candidate_id)
        assert candidate.state == ReviewState.approved
        assert candidate.task_id is not None
        task = get_task(session, candidate.task_id)
        assert task.assignee_id == web_user.id
        assert task.priority == "high"
        assert f"Approved as {task.key}" in browser.get("/review").text

    def test_ambiguous_owner_offers_the_matches(
        self, browser: TestClient, session: Session
    ) -> None:
        make_user(session, email="sam.lee@example.com", name="Sam Lee")
        make_user(session, email="sam.ode@example.com", name="Sam Ode")
        candidate_id = _stage(session, assignee="Sam")
        page = browser.get("/review").text
        assert "matches several people" in page
        for email in ("sam.lee@example.com", "sam.ode@example.com"):
            assert f'data-fill="c-{candidate_id}-owner" data-value="{email}"' in page

    def test_stale_card_is_refused(self, browser: TestClient, session: Session) -> None:
        candidate_id = _stage(session)
        token = csrf_of(browser.get("/review").text)
        form = {"csrf_token": token, "version": "1", "title": "New title", "priority": "none"}
        assert browser.post(f"/review/{candidate_id}/save", data=form).status_code == 303
        browser.post(f"/review/{candidate_id}/approve", data=form)
        assert "changed since you read it" in browser.get("/review").text
        assert get_candidate(session, candidate_id).state == ReviewState.staged

    def test_reject_needs_a_reason(self, browser: TestClient, session: Session) -> None:
        candidate_id = _stage(session)
        token = csrf_of(browser.get("/review").text)
        url = f"/review/{candidate_id}/reject"
        browser.post(url, data={"csrf_token": token, "version": "1", "reason": " "})
        assert "needs a reason" in browser.get("/review").text
        browser.post(url, data={"csrf_token": token, "version": "1", "reason": "Not ours"})
        assert get_candidate(session, candidate_id).state == ReviewState.rejected

    def test_duplicate_merges_into_the_task(self, browser: TestClient, session: Session) -> None:
        task = make_task(session, title="Update the pricing page")
        candidate_id = _stage(session)
        page = browser.get("/review").text
        assert f'<option value="{task.key}">' in page  # the duplicate warning's suggestion
        browser.post(
            f"/review/{candidate_id}/duplicate",
            data={"csrf_token": csrf_of(page), "version": "1", "task": task.key},
        )
        assert get_candidate(session, candidate_id).state == ReviewState.duplicate

    def test_snooze_hides_until_the_date(self, browser: TestClient, session: Session) -> None:
        candidate_id = _stage(session)
        token = csrf_of(browser.get("/review").text)
        until = (utc_today() + timedelta(days=3)).isoformat()
        browser.post(
            f"/review/{candidate_id}/snooze",
            data={"csrf_token": token, "version": "1", "until": until},
        )
        assert get_candidate(session, candidate_id).state == ReviewState.snoozed
        assert f"#{candidate_id} ·" not in browser.get("/review").text

    def test_bulk_approve(self, browser: TestClient, session: Session) -> None:
        count = 3
        ids = [_stage(session, title=f"Send report number {n}") for n in range(count)]
        token = csrf_of(browser.get("/review").text)
        browser.post("/review/bulk", data={"csrf_token": token, "ids": [str(i) for i in ids]})
        waiting = list_candidates(session).items
        assert not waiting
        assert f"Approved {count} candidates" in browser.get("/review").text


class TestDashboard:
    def test_renders_the_numbers(
        self, browser: TestClient, session: Session, web_user: User
    ) -> None:
        make_task(session, assignee=web_user.id, due_date=utc_today() - timedelta(days=1))
        make_task(session, assignee=make_user(session).id)
        page = browser.get("/dashboard")
        assert page.status_code == 200
        assert "<svg" in page.text
        assert "Wren Park: 1 overdue" in page.text


class TestLargeTranscript:
    def test_a_paste_over_a_megabyte_is_accepted(self, browser: TestClient) -> None:
        lines = "".join(
            f"Priya Shah: Line {n} of a long meeting about budgets.\n" for n in range(30_000)
        )
        assert len(lines) > 1_200_000
        location = _upload(browser, content=lines)
        assert location.startswith("/transcripts/")


class TestCapture:
    def test_add_a_candidate_then_a_refusal_keeps_what_was_typed(
        self, browser: TestClient, session: Session
    ) -> None:
        token = csrf_of(browser.get("/review").text)
        added = browser.post(
            "/review/add",
            data={"csrf_token": token, "title": "Order the badges", "labels": "events, offsite"},
        )
        assert added.status_code == 303
        [candidate] = list_candidates(session).items
        assert (candidate.title, candidate.source, candidate.labels) == (
            "Order the badges",
            "manual",
            ["events", "offsite"],
        )
        refused = browser.post(
            "/review/add", data={"csrf_token": token, "title": "Order", "due": "soon"}
        )
        page = browser.get(refused.headers["location"]).text
        assert 'value="Order"' in page
        assert "Due date" in page

    def test_an_utterance_becomes_a_candidate_with_it_as_evidence(
        self, browser: TestClient, session: Session
    ) -> None:
        location = _upload(browser, content=TRANSCRIPT)
        token = csrf_of(browser.get(location).text)
        response = browser.post(f"{location}/utterances/4/candidate", data={"csrf_token": token})
        assert response.status_code == 303
        [candidate] = list_candidates(session).items
        assert candidate.title == "Thanks."
        assert candidate.evidence == [
            {
                "utterance_index": 4,
                "speaker": "Priya Shah",
                "start": None,
                "quote": "Thanks.",
                "context": False,
            }
        ]
        missing = browser.post(f"{location}/utterances/99/candidate", data={"csrf_token": token})
        assert missing.status_code == 404

    def test_the_duplicate_warning_links_and_merges_candidates(
        self, browser: TestClient, session: Session
    ) -> None:
        task = make_task(session, title="Update the pricing page for the launch")
        first = _stage(session, title="Update the pricing page")
        second = _stage(session, title="Update the pricing page by Friday")
        page = browser.get("/review").text
        assert f'<a href="/tasks/{task.key}">{task.key}</a>' in page
        assert f'<a href="#c-{first}">candidate #{first}</a>' in page
        assert f"Merge into {task.key}" in page
        merged = browser.post(
            f"/review/{second}/merge",
            data={"csrf_token": csrf_of(page), "version": "1", "into": str(first)},
        )
        assert merged.headers["location"] == f"/review#c-{first}"
        assert get_candidate(session, second).merged_into_id == first
