"""The Block Kit builders the Slack listeners call: one import for every surface.

All of them are pure: they take a request (or rules, or a prefill) plus the time and the
emulated flag, and return a ``Message`` (``{"text", "blocks"}``, ready for ``chat.postMessage``,
``chat.update`` or ``respond``) or a view dict (``views.open``/``views.publish``). User text is
escaped by ``handlers.mrkdwn`` and every output stays within Block Kit's limits. The builders
live in ``blocks_card``, ``blocks_messages``, ``blocks_lists``, ``blocks_home`` and
``blocks_forms``; this module gathers them.
"""

from __future__ import annotations

from approvals.outbox import ThreadEvent
from handlers.block_parts import EMULATED_NOTICE, Block, Message
from handlers.blocks_card import approval_card, card_body, card_for, decision_actions
from handlers.blocks_forms import (
    DURATION_CHOICES,
    DenyFormMetadata,
    FormMetadata,
    Prefill,
    deny_reason_form,
    notice_modal,
    options_response,
    request_form,
)
from handlers.blocks_home import home_view, refused_home_view
from handlers.blocks_lists import PageRef, history_list, pending_list, rules_list
from handlers.blocks_messages import (
    end_overdue_alert,
    help_message,
    requester_message,
    status_message,
    thread_reply,
)

__all__ = [
    "DURATION_CHOICES",
    "EMULATED_NOTICE",
    "Block",
    "DenyFormMetadata",
    "FormMetadata",
    "Message",
    "PageRef",
    "Prefill",
    "ThreadEvent",
    "approval_card",
    "card_body",
    "card_for",
    "decision_actions",
    "deny_reason_form",
    "end_overdue_alert",
    "help_message",
    "history_list",
    "home_view",
    "notice_modal",
    "options_response",
    "pending_list",
    "refused_home_view",
    "request_form",
    "requester_message",
    "rules_list",
    "status_message",
    "thread_reply",
]
