"""The lifecycle in a real browser: Debian's Chromium, driven by Playwright, against a
uvicorn server the test starts on a committed test database (SQLite and PostgreSQL).

Playwright's own browser download cannot work here, so the tests use ``/usr/bin/chromium``
(``make chromium`` installs it as root). Without it they skip, except under ``CI=true``,
where they fail. Each main page is screenshotted into ``test-artifacts/``.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import Engine, select

from tests.conftest import IN_CI
from workitems.auth.sessions import set_password
from workitems.clock import utc_now
from workitems.db import session_scope
from workitems.models import Base
from workitems.staging.attention import reset_duplicate_indexes
from workitems.staging.schemas import CandidateIn
from workitems.staging.service import stage_candidate
from workitems.task.enums import Priority
from workitems.task.models import Task
from workitems.task.schemas import TaskCreate
from workitems.task.service import create_task
from workitems.transcript.schemas import TranscriptIn
from workitems.transcript.service import add_transcript
from workitems.user.models import UserRole
from workitems.user.service import add_user

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "reviewer password 1"
TRANSCRIPT = """\
[Priya Shah] 10:00:05
Morning. Let's go through the launch list.

[Sam Lee] 10:00:20
The pricing page still has last year's numbers.

[Priya Shah] 10:00:41
Sam, can you update the pricing page by Friday?

[Sam Lee] 10:00:52
Yes, I'll update the pricing page by Friday.

[Priya Shah] 10:01:10
I will send the Q3 deck to finance tomorrow.

[Sam Lee] 10:01:30
Great, thanks.
"""


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"the browser tests must run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing; install it with `make chromium` (as root)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(db_url: str, engine: Engine) -> Iterator[str]:
    """A real server on its own port; the data it commits is wiped afterwards."""
    with session_scope(engine) as session:
        reviewer = add_user(
            session, email="rey@example.com", name="Rey Reviewer", role=UserRole.admin
        )
        set_password(session, reviewer, PASSWORD)
        people = [
            add_user(session, email=email, name=name)
            for name, email in (("Priya Shah", "priya@example.com"), ("Sam Lee", "sam@example.com"))
        ]
        idle = create_task(
            session,
            TaskCreate(title="Chase the signed NDA", assignee=people[1].id),
            actor_id=reviewer.id,
        )
        idle.updated_at = utc_now() - timedelta(days=20)  # for the Cleanup page
        create_task(
            session,
            TaskCreate(
                title="Renew the office lease", assignee=reviewer.id, priority=Priority.high
            ),
            actor_id=reviewer.id,
        )
    port = _free_port()
    env = {
        **os.environ,
        "WORKITEMS_DATABASE_URL": db_url,
        "WORKITEMS_TOKEN_CACHE_SECONDS": "0",
        "WORKITEMS_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    process = subprocess.Popen(  # noqa: S603 (our own server, fixed arguments)
        [
            sys.executable,
            "-m",
            "uvicorn",
            "workitems.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60  # a cold start takes 8-25 s on a loaded 2-core box
        while True:
            try:
                with urllib.request.urlopen(f"{base}/livez", timeout=1):  # noqa: S310
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the server did not start", pytrace=False)
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        with engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())
        reset_duplicate_indexes()


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def shot(db_url: str) -> Callable[[Page, str], None]:
    """Screenshot a page into test-artifacts/, named by backend and page."""
    backend = db_url.split(":", 1)[0].split("+", 1)[0]

    def take(page: Page, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{backend}-{name}.png"), full_page=True)

    return take


def _sign_in(page: Page, email: str = "rey@example.com", password: str = PASSWORD) -> None:
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My work").wait_for()


Shot = Callable[[Page, str], None]


#: Every visible form control has an accessible name (a <label> or aria-label).
UNLABELLED = """() => Array.from(document.querySelectorAll("input, select, textarea"))
    .filter((el) => el.type !== "hidden" && !el.labels.length && !el.getAttribute("aria-label"))
    .map((el) => el.outerHTML)"""
OVERFLOW = "() => document.documentElement.scrollWidth"


class TestLifecycle:
    def test_transcript_to_closed_task(self, page: Page, shot: Shot) -> None:
        page.goto("/")
        shot(page, "sign-in")
        _sign_in(page)

        page.get_by_role("link", name="Transcripts").click()
        page.get_by_label("Title").fill("Launch sync")
        page.get_by_label("Meeting date").fill("2026-11-23")
        page.get_by_label("…or paste the text").fill(TRANSCRIPT)
        page.get_by_label("Participants").fill(
            "Priya Shah <priya@example.com>\nSam Lee <sam@example.com> | Sam"
        )
        shot(page, "transcripts")
        page.get_by_role("button", name="Upload").click()
        expect(page.get_by_role("heading", name="Launch sync")).to_be_visible()
        expect(page.locator("#u-4")).to_contain_text("send the Q3 deck to finance")
        shot(page, "transcript")

        page.get_by_role("button", name="Analyse for action items").click()
        expect(page.get_by_role("status")).to_contain_text("Found 2 action items")
        card = page.locator("article.candidate").filter(
            has=page.get_by_role("heading", name="Send the Q3 deck to finance")
        )
        expect(card.locator("mark")).to_have_text("I will send the Q3 deck to finance tomorrow.")
        expect(card.locator("li.said .who")).to_contain_text("Priya Shah · 10:01:10")
        shot(page, "review")

        card.get_by_label("Owner").fill("rey@example.com")
        card.get_by_role("button", name="Approve").click()
        expect(page.get_by_role("status")).to_contain_text("Approved as WI-")
        expect(page.locator("article.candidate")).to_have_count(1)

        page.get_by_role("link", name="My work").click()
        row = page.locator("li.task", has_text="Send the Q3 deck to finance")
        expect(row).to_be_visible()
        shot(page, "my-work")
        row.get_by_label("New status").select_option("completed")
        expect(row.get_by_label("Note for")).to_have_attribute(
            "placeholder", "Closure note (required)"
        )
        row.get_by_label("Note for").fill("Sent to finance on Tuesday")
        row.get_by_role("button", name="Set status").click()
        expect(page.get_by_role("status")).to_contain_text("is now completed")
        expect(page.locator("li.task", has_text="Send the Q3 deck to finance")).to_have_count(0)
        page.goto("/work")
        expect(page.get_by_text("Send the Q3 deck to finance")).to_have_count(0)

        page.goto("/work?status=completed")
        page.get_by_role("link", name="Send the Q3 deck to finance").click()
        expect(page.locator(".closure")).to_contain_text("Sent to finance on Tuesday")
        expect(page.get_by_role("link", name="see the moment")).to_have_attribute(
            "href", re.compile(r"/transcripts/\d+#u-4")
        )
        shot(page, "task")

        page.get_by_role("link", name="Launch sync").click()
        expect(page.locator("#u-4")).to_contain_text("became WI-")
        expect(page.locator("#u-2")).to_contain_text("· staged")
        shot(page, "transcript-after")


class TestConflict:
    def test_stale_edit_shows_the_other_change(
        self, browser: Browser, page: Page, shot: Shot
    ) -> None:
        _sign_in(page)
        page.get_by_role("link", name="Renew the office lease").click()
        other = page.context.new_page()
        other.goto(page.url)

        other.get_by_label("Title").fill("Renew the office lease for 2027")
        other.get_by_role("button", name="Save changes").click()
        expect(other.get_by_role("status")).to_contain_text("Saved")

        page.get_by_label("Priority").select_option("urgent")
        page.get_by_role("button", name="Save changes").click()
        alert = page.locator(".conflict")
        expect(alert).to_contain_text("Someone else changed this task")
        expect(alert).to_contain_text("Renew the office lease for 2027")
        expect(page.get_by_label("Priority")).to_have_value("urgent")
        shot(page, "conflict")

        expect(page.get_by_label("Title")).to_have_value("Renew the office lease for 2027")
        page.get_by_role("button", name="Save changes").click()
        expect(page.get_by_role("status")).to_contain_text("Saved")
        expect(page.get_by_label("Priority")).to_have_value("urgent")
        expect(page.get_by_label("Title")).to_have_value("Renew the office lease for 2027")


class TestCsrf:
    def test_forged_form_post_is_refused(self, page: Page, shot: Shot) -> None:
        _sign_in(page)
        page.get_by_role("link", name="Renew the office lease").click()
        task_url = page.url
        page.evaluate(
            """() => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = location.pathname + "/comments";
                const body = document.createElement("input");
                body.name = "body";
                body.value = "forged comment";
                form.append(body);
                document.body.append(form);
                form.submit();
            }"""
        )
        expect(page.get_by_role("heading", name="Form rejected")).to_be_visible()
        shot(page, "csrf-rejected")
        page.goto(task_url)
        expect(page.get_by_text("forged comment")).to_have_count(0)


class TestReviewKeys:
    def test_j_moves_e_edits_a_approves(self, page: Page, engine: Engine) -> None:
        with session_scope(engine) as session:
            for title in ("Book the venue for the offsite", "Draft the offsite agenda"):
                stage_candidate(session, CandidateIn(title=title), actor_id=None)
        _sign_in(page)
        page.goto("/review")
        venue = page.locator("article.candidate").filter(
            has=page.get_by_role("heading", name="Book the venue for the offsite")
        )
        venue.get_by_role("heading").click()
        expect(venue).to_have_class(re.compile("current"))
        page.keyboard.press("j")
        following = page.locator("article.candidate.current")
        expect(following).not_to_contain_text("Book the venue for the offsite")
        page.keyboard.press("k")
        expect(venue).to_have_class(re.compile("current"))
        page.keyboard.press("e")
        expect(venue.get_by_label("Title")).to_be_focused()
        venue.get_by_role("heading").click()
        page.keyboard.press("r")
        expect(venue.get_by_placeholder("Why it is not work")).to_be_focused()
        venue.get_by_role("heading").click()
        page.keyboard.press("a")
        expect(page.get_by_role("status")).to_contain_text("Approved as WI-", ignore_case=False)
        expect(page.get_by_role("heading", name="Book the venue for the offsite")).to_have_count(0)


class TestEnhancements:
    def test_load_more_appends_the_next_page(self, page: Page, engine: Engine) -> None:
        with session_scope(engine) as session:
            for n in range(55):
                create_task(session, TaskCreate(title=f"Backlog item {n}"), actor_id=None)
        _sign_in(page)
        page.goto("/work?q=backlog")
        rows = page.locator("#rows tr")
        expect(rows).to_have_count(50)
        page.get_by_role("link", name="Load more").click()
        expect(rows).to_have_count(55)
        expect(page.get_by_role("link", name="Load more")).to_have_count(0)
        assert page.url.endswith("/work?q=backlog")  # appended in place, not navigated

        page.get_by_label("Select all shown tasks").check()
        page.get_by_label("Change").select_option("priority")
        page.get_by_label("Priority", exact=True).last.select_option("low")
        page.get_by_role("button", name="Apply to selected").click()
        expect(page.get_by_role("status")).to_contain_text("Updated 55 tasks")

    def test_owner_autocomplete_asks_the_lookup(self, page: Page) -> None:
        _sign_in(page)
        page.goto("/work?q=")
        with page.expect_response(lambda r: "/ui/users?q=pri" in r.url):
            page.get_by_role("search").get_by_label("Owner", exact=True).fill("pri")
        expect(page.locator("#people option")).to_have_count(1)
        expect(page.locator("#people option")).to_have_attribute("value", "priya@example.com")


class TestPages:
    @pytest.mark.parametrize("width", [1280, 390])
    def test_main_pages_render(self, page: Page, shot: Shot, width: int) -> None:
        page.set_viewport_size({"width": width, "height": 900})
        _sign_in(page)
        for path, name in [
            ("/", "my-work"),
            ("/work", "all-work"),
            ("/review", "review"),
            ("/transcripts", "transcripts"),
            ("/dashboard", "dashboard"),
            ("/cleanup", "cleanup"),
            ("/admin/users", "admin-users"),
            ("/admin/tokens", "admin-tokens"),
            ("/admin/webhooks", "admin-webhooks"),
            ("/inbox", "inbox"),
            ("/account/email", "email-preferences"),
        ]:
            response = page.goto(path)
            assert response is not None
            assert response.status == 200, path
            assert page.evaluate(UNLABELLED) == [], f"controls without a label on {path}"
            assert page.evaluate(OVERFLOW) <= width, f"{path} scrolls sideways at {width}px"
            shot(page, f"{name}-{width}")


class TestCreateWork:
    def test_new_task_with_the_form_then_with_quick_add(self, page: Page, shot: Shot) -> None:
        _sign_in(page)
        page.get_by_text("New task", exact=True).click()
        page.get_by_label("Title or quick add").fill("Order the team badges")
        page.get_by_label("Due date").fill("2026-12-18")
        page.get_by_label("Priority").select_option("high")
        page.get_by_label("Labels").fill("events")
        page.get_by_role("button", name="Create task").click()
        expect(page.get_by_role("status")).to_contain_text("Created WI-")
        expect(page.locator("li.task", has_text="Order the team badges")).to_contain_text(
            "due 2026-12-18"
        )

        page.get_by_text("New task", exact=True).click()
        page.get_by_label("Title or quick add").fill(
            "Send the venue contract @sam due:2026-12-04 !urgent #legal"
        )
        preview = page.locator("#n-preview")
        expect(preview).to_contain_text("“Send the venue contract” · owner Sam Lee")
        expect(preview).to_contain_text("due 2026-12-04 · priority urgent · labels legal")
        shot(page, "quick-add")
        page.get_by_role("button", name="Create task").click()
        expect(page.get_by_role("status")).to_contain_text("owned by Sam Lee")
        page.goto("/work?q=venue contract")
        row = page.locator("#rows tr", has_text="Send the venue contract")
        expect(row).to_contain_text("Urgent")


class TestAccounts:
    def test_an_invitation_link_sets_a_password_to_sign_in_with(
        self, page: Page, browser: Browser, server: str
    ) -> None:
        _sign_in(page)
        page.goto("/admin/users")
        page.get_by_label("Email").fill("nia@example.com")
        page.get_by_label("Name", exact=True).fill("Nia Obi")
        page.get_by_role("button", name="Invite").click()
        link = page.locator("code.secret-value").inner_text()
        assert link.startswith(f"{server}/welcome/")

        context = browser.new_context()
        invited = context.new_page()
        invited.goto(link)
        expect(invited.get_by_role("heading", name="Welcome to Workitems")).to_be_visible()
        invited.get_by_label("New password").fill("nia picks her own")
        invited.get_by_label("Repeat it").fill("nia picks her own")
        invited.get_by_role("button", name="Set password").click()
        expect(invited.get_by_role("status")).to_contain_text("Your password is set")
        expect(invited.get_by_label("Email")).to_have_value("nia@example.com")
        invited.get_by_label("Password").fill("nia picks her own")
        invited.get_by_role("button", name="Sign in").click()
        expect(invited.get_by_role("heading", name="My work")).to_be_visible()
        context.close()

    def test_change_your_own_password(self, page: Page, engine: Engine) -> None:
        with session_scope(engine) as session:
            oli = add_user(session, email="oli@example.com", name="Oli Sand")
            set_password(session, oli, "oli's first password")
        _sign_in(page, "oli@example.com", "oli's first password")
        page.get_by_role("link", name="Oli Sand").click()
        page.get_by_label("Current password").fill("oli's first password")
        page.get_by_label("New password", exact=True).fill("oli's second password")
        page.get_by_label("Repeat the new password").fill("oli's second password")
        page.get_by_role("button", name="Change password").click()
        expect(page.get_by_role("status")).to_contain_text("Password changed")
        page.get_by_role("button", name="Sign out").click()
        _sign_in(page, "oli@example.com", "oli's second password")


class TestReviewCapture:
    def test_add_a_candidate_in_review_and_approve_it(self, page: Page) -> None:
        _sign_in(page)
        page.get_by_role("link", name="Review", exact=True).click()
        page.get_by_text("Add a candidate", exact=True).click()
        page.get_by_label("Title", exact=True).first.fill("Print the name badges")
        page.locator("#a-owner").fill("Sam")
        page.get_by_role("button", name="Add to the queue").click()
        expect(page.get_by_role("status")).to_contain_text("Added candidate #")
        card = page.locator("article.candidate").filter(
            has=page.get_by_role("heading", name="Print the name badges")
        )
        expect(card.get_by_label("Owner")).to_have_value("sam@example.com")
        card.get_by_role("button", name="Approve").click()
        expect(page.get_by_role("status")).to_contain_text("Approved as WI-")

    def test_an_utterance_becomes_a_candidate_merged_from_the_warning(
        self, page: Page, engine: Engine, shot: Shot
    ) -> None:
        with session_scope(engine) as session:
            transcript, _ = add_transcript(
                session,
                TranscriptIn(
                    title="Legal sync",
                    content="Priya Shah: Morning.\nSam Lee: Please chase the signed NDA.\n",
                ),
                actor_id=None,
            )
            transcript_id = transcript.id
            nda = session.scalar(select(Task).where(Task.title == "Chase the signed NDA"))
            assert nda is not None
            key = nda.key
        _sign_in(page)
        page.goto(f"/transcripts/{transcript_id}")
        page.get_by_role("button", name="Make utterance 2 a candidate").click()
        expect(page.get_by_role("status")).to_contain_text("Staged candidate #")
        card = page.locator("article.candidate").filter(
            has=page.get_by_role("heading", name="Please chase the signed NDA.")
        )
        expect(card.locator("mark")).to_have_text("Please chase the signed NDA.")
        link = card.locator(".warnings").get_by_role("link", name=key, exact=True)
        expect(link).to_have_attribute("href", f"/tasks/{key}")
        shot(page, "duplicate-warning")
        card.get_by_role("button", name=f"Merge into {key}").click()
        expect(page.get_by_role("status")).to_contain_text(f"into {key}")
        page.goto(f"/transcripts/{transcript_id}")
        expect(page.locator("#u-1")).to_contain_text(f"merged into {key}")


class TestPhone:
    def test_all_work_shows_the_list_first_and_folds_the_controls(
        self, page: Page, shot: Shot
    ) -> None:
        page.set_viewport_size({"width": 390, "height": 844})
        _sign_in(page)
        page.goto("/work?q=")
        toggle = page.get_by_role("button", name="Search, filters and bulk changes")
        expect(page.get_by_role("search")).to_be_hidden()
        table = page.get_by_role("table", name="Tasks").bounding_box()
        assert table is not None
        assert table["y"] < 844, "the list should start on the first screen"
        shot(page, "all-work-phone")
        toggle.click()
        expect(page.get_by_role("search")).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "true")
