"""With ``SGBOT_LANGUAGE=zh`` what an approver is told after a drift click is Chinese: each
action's reply, and the refusals of an outsider, of a second click and of a button the kind
does not take. The audit trail keeps its English action names."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from approvals.drift import DriftItem, DriftKind
from approvals.drift_desk import DriftAction
from bot import catalogue
from tests.approvals.test_drift_desk import OUTSIDER, flow, gone_of, items, press
from tests.approvals.workflow import Flow
from tests.handlers.test_blocks_chinese_features import english_left
from vocabulary.errors import PolicyRefused

pytestmark = pytest.mark.redis
__all__ = ["flow", "items"]  # the fixtures, shared with the English tests


@pytest.fixture(autouse=True)
def chinese() -> Iterator[None]:
    catalogue.use("zh")
    yield
    catalogue.use("en")


def of_kind(items: dict[tuple[DriftKind, int], DriftItem], kind: DriftKind) -> DriftItem:
    return next(item for (each, _), item in items.items() if each is kind)


async def test_every_drift_reply_is_chinese(
    flow: Flow, items: dict[tuple[DriftKind, int], DriftItem]
) -> None:
    gone = gone_of(items)
    with pytest.raises(PolicyRefused) as outsider:
        await press(flow, gone, DriftAction.FORGET, OUTSIDER)
    with pytest.raises(PolicyRefused) as wrong_button:
        await press(flow, gone, DriftAction.ADOPT)
    forgot = await press(flow, gone, DriftAction.FORGET)
    with pytest.raises(PolicyRefused) as twice:
        await press(flow, gone, DriftAction.FORGET)
    unapproved = of_kind(items, DriftKind.UNAPPROVED)
    revoking = await press(flow, unapproved, DriftAction.REVOKE)
    said = [str(outsider.value), str(wrong_button.value), forgot, str(twice.value), revoking]

    assert "只有审批人" in said[0]
    assert "不能执行 收编" in said[1]
    assert "已忘记" in said[2]
    assert "已忘记" in said[3]
    assert "申请删除规则" in said[4]
    assert english_left(said) == []
    refused = [e.detail for e in await flow.store.audit.read(limit=1000) if e.event == "refused"]
    assert f"forget {gone.id}" in refused


async def test_ignore_and_adopt_reply_in_chinese(
    flow: Flow, items: dict[tuple[DriftKind, int], DriftItem]
) -> None:
    ignored = await press(flow, of_kind(items, DriftKind.ORPHAN), DriftAction.IGNORE)
    adopted = await press(flow, of_kind(items, DriftKind.UNAPPROVED), DriftAction.ADOPT)
    assert "已忽略" in ignored
    assert "收编为永久授权" in adopted
    assert english_left([ignored, adopted]) == []
