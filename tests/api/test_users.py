"""``/api/tasks/users``: the assignable-user lookup."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_user
from workitems.user.models import User


class TestLookupUsers:
    def test_matches_name_email_and_alias(self, client: TestClient, session: Session) -> None:
        make_user(session, email="priya@example.com", name="Priya Shah", aliases=["PS"])
        make_user(session, email="sam@example.com", name="Sam Lee", aliases=["Sammy"])

        def emails(q: str) -> list[str]:
            response = client.get("/api/tasks/users", params={"q": q})
            assert response.status_code == 200
            return [u["email"] for u in response.json()["items"]]

        assert emails("priya") == ["priya@example.com"]
        assert emails("sammy") == ["sam@example.com"]
        assert emails("SAM@EXAMPLE") == ["sam@example.com"]
        assert emails("zzz") == []

    def test_exact_before_prefix_before_substring(
        self, client: TestClient, session: Session
    ) -> None:
        make_user(session, email="annabel@example.com", name="Annabel Ng")
        make_user(session, email="joanna@example.com", name="Joanna Ma")
        make_user(session, email="ann@example.com", name="Ann Li", aliases=["Ann"])
        items = client.get("/api/tasks/users", params={"q": "ann"}).json()["items"]
        assert [u["email"] for u in items] == [
            "ann@example.com",
            "annabel@example.com",
            "joanna@example.com",
        ]

    def test_inactive_users_are_not_assignable(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        gone = make_user(session, email="gone@example.com", name="Gone Person")
        gone.is_active = False
        session.flush()
        items = client.get("/api/tasks/users", params={"q": "gone"}).json()["items"]
        assert items == []
