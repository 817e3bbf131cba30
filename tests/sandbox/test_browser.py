"""The demo end to end in headless Chromium: a request, its approval card, a decision, the rule.

Each test starts ``sgbot demo`` (bot, emulator, local Slack, sandbox) and drives the page as
people would: typing the slash command, switching person and channel, clicking buttons and
their confirm dialogs, filling the deny reason form. The browser is the system's ``chromium``;
nothing downloads one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from handlers.block_parts import EMULATED_NOTICE
from standins.slack.directory import APPROVER_IDS, DEVELOPER_ID
from tests.sandbox.conftest import Demo

pytestmark = [pytest.mark.browser, pytest.mark.redis]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
REQUEST = "/sg authorize gateway prod-gw in cn-hangzhou to service orders on 8080"
WAIT_MS = 15_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("no Chromium for the browser tests: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(browser: Browser, demo: Demo) -> Iterator[Page]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(WAIT_MS)
    expect.set_options(timeout=WAIT_MS)
    page.goto(demo.url)
    yield page
    page.close()


@pytest.fixture
def sandbox(browser: Browser, start_demo: Callable[..., Demo]) -> Iterator[Page]:
    yield from open_page(browser, start_demo())


@pytest.fixture
def embedded_sandbox(browser: Browser, start_demo: Callable[..., Demo]) -> Iterator[Page]:
    """The demo as it runs with no Redis on the machine: on its embedded one."""
    demo = start_demo("--embedded-redis")
    assert any("embedded in-process Redis" in line for line in demo.announced)
    yield from open_page(browser, demo)


def act_as(page: Page, person: str, channel: str) -> None:
    page.select_option("#person", person)
    page.locator(f'button.channel[data-channel="{channel}"]').click()


def send(page: Page, text: str) -> None:
    page.fill("#message-box", text)
    page.press("#message-box", "Enter")


def request_from_slash_command(page: Page, person: str) -> str:
    """Type the request as ``person`` in #dev; returns the request id from the private reply."""
    act_as(page, person, "C0DEV0001")
    send(page, REQUEST)
    reply = page.locator(".message.ephemeral", has_text="was sent to")
    expect(reply).to_contain_text("Only visible to you")
    expect(reply).to_contain_text("#security")
    found = re.search(r"REQ-[A-Z0-9]+", reply.inner_text())
    assert found is not None
    return found.group(0)


def card(page: Page, request_id: str) -> Locator:
    return page.locator(".message", has_text=f"Gateway access request {request_id}")


def approve_and_see_the_rule(sandbox: Page, screenshot: str | None) -> None:
    request_id = request_from_slash_command(sandbox, DEVELOPER_ID)

    act_as(sandbox, APPROVER_IDS[0], "C0SEC0001")
    pending = card(sandbox, request_id)
    expect(pending).to_contain_text("@dana")
    expect(pending).to_contain_text(EMULATED_NOTICE)
    expect(pending.locator("code", has_text="sg-ackpoola01").first).to_be_visible()
    if screenshot:
        ARTIFACTS.mkdir(exist_ok=True)
        pending.screenshot(path=str(ARTIFACTS / screenshot))
    pending.get_by_role("button", name="Approve").click()
    expect(sandbox.locator("#confirm")).to_contain_text(f"Approve {request_id}?")
    sandbox.locator("#confirm-ok").click()

    expect(pending.get_by_role("button", name="Approve")).to_have_count(0)
    expect(pending).to_contain_text("pplied")
    expect(sandbox.locator("#cloud-state")).to_contain_text("sg-ackpoola01 ports 8080/8080")
    inbound = sandbox.locator('#cloud-state .cloud-group[data-id="sg-ackpoolb01"]')
    expect(inbound).to_contain_text("8080/8080 from sg-gwprod0001")

    act_as(sandbox, DEVELOPER_ID, "dm")
    expect(sandbox.locator(".message", has_text=request_id).first).to_contain_text("is applied")


def test_approval_opens_the_port_and_tells_the_requester(sandbox: Page) -> None:
    approve_and_see_the_rule(sandbox, screenshot="approval-card.png")


def test_on_the_embedded_redis_an_approval_opens_the_port(embedded_sandbox: Page) -> None:
    approve_and_see_the_rule(embedded_sandbox, screenshot=None)


def test_denial_asks_for_a_reason_and_changes_nothing(sandbox: Page) -> None:
    request_id = request_from_slash_command(sandbox, DEVELOPER_ID)

    act_as(sandbox, APPROVER_IDS[1], "C0SEC0001")
    pending = card(sandbox, request_id)
    pending.get_by_role("button", name="Deny").click()
    modal = sandbox.locator("#modal")
    expect(modal).to_be_visible()
    modal.locator(
        '.input-block[data-block-id="deny_reason"] textarea, '
        '.input-block[data-block-id="deny_reason"] input'
    ).fill("not during the freeze")
    sandbox.locator("#modal-submit").click()
    expect(modal).to_be_hidden()

    expect(pending.get_by_role("button", name="Deny")).to_have_count(0)
    expect(pending).to_contain_text("not during the freeze")
    expect(sandbox.locator("#cloud-state")).not_to_contain_text("8080/8080")

    act_as(sandbox, DEVELOPER_ID, "dm")
    outcome = sandbox.locator(".message", has_text=request_id).first
    expect(outcome).to_contain_text("Denied by @bo")
    expect(outcome).to_contain_text("not during the freeze")


def test_an_approver_cannot_approve_their_own_request(sandbox: Page) -> None:
    request_id = request_from_slash_command(sandbox, APPROVER_IDS[0])

    act_as(sandbox, APPROVER_IDS[0], "C0SEC0001")
    pending = card(sandbox, request_id)
    pending.get_by_role("button", name="Approve").click()
    sandbox.locator("#confirm-ok").click()

    refusal = sandbox.locator(".message.ephemeral", has_text="cannot decide it yourself")
    expect(refusal).to_contain_text("Only visible to you")
    expect(pending.get_by_role("button", name="Approve")).to_be_visible()
    expect(sandbox.locator("#cloud-state")).not_to_contain_text("8080/8080")
