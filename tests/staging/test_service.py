from datetime import timedelta

from sqlalchemy.orm import Session

from tests.factories import make_user
from workitems.clock import utc_today
from workitems.staging.enums import CandidateSource
from workitems.staging.schemas import CandidateIn
from workitems.staging.service import (
    count_waiting,
    reject_candidate,
    snooze_candidate,
    stage_candidate,
)


class TestCountWaiting:
    def test_by_source_leaving_out_reviewed_and_snoozed(self, session: Session) -> None:
        reviewer = make_user(session)

        def stage(title: str, source: CandidateSource) -> int:
            data = CandidateIn(title=title)
            return stage_candidate(session, data, actor_id=None, source=source).id

        stage("Send the deck", CandidateSource.transcript)
        stage("Book the room", CandidateSource.transcript)
        rejected = stage("Not work", CandidateSource.manual)
        reject_candidate(session, rejected, actor_id=reviewer.id, reason="chatter")
        snoozed = stage("Later thing", CandidateSource.import_)
        snooze_candidate(
            session, snoozed, until=utc_today() + timedelta(days=2), actor_id=reviewer.id
        )
        counts = count_waiting(session)
        assert counts[CandidateSource.transcript] == 2
        assert counts[CandidateSource.manual] == 0
        assert counts[CandidateSource.import_] == 0
        assert set(counts) == set(CandidateSource)

    def test_an_expired_snooze_is_waiting_again(self, session: Session) -> None:
        reviewer = make_user(session)
        candidate = stage_candidate(
            session, CandidateIn(title="Later thing"), actor_id=None, source=CandidateSource.bulk
        )
        snooze_candidate(
            session, candidate.id, until=utc_today() + timedelta(days=2), actor_id=reviewer.id
        )
        candidate.snoozed_until = utc_today()  # the snooze has run out
        session.flush()
        assert count_waiting(session)[CandidateSource.bulk] == 1
