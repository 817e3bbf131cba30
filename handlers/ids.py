"""Every Slack id the bot puts on a surface: action ids, block ids and view callback ids.

The builders stamp these on buttons, inputs and modals; the handlers register listeners and
read ``view.state.values`` by the same constants, so an id is spelled exactly once. Values
are short and stable because Slack echoes them back in payloads of messages posted long ago.
"""

from __future__ import annotations

from enum import StrEnum


class ActionId(StrEnum):
    """``action_id`` of interactive elements; a button's ``value`` carries its argument."""

    APPROVE = "approve"  # value: request id
    DENY = "deny"  # value: request id; the handler opens the deny reason form
    RETRY = "retry"  # value: request id of a failed request
    CANCEL = "cancel"  # value: request id of a failed request to give up
    END_GRANT = "end_grant"  # value: request id of an applied grant to end now
    EXTEND_GRANT = "extend_grant"  # value: request id of a grant to extend by an hour
    RULES_PAGE_PREVIOUS = "rules_page_previous"  # value: ``PageRef`` text ``gateway|page``
    RULES_PAGE_NEXT = "rules_page_next"  # value: ``PageRef`` text ``gateway|page``
    PENDING_PAGE_PREVIOUS = "pending_page_previous"  # value: page number
    PENDING_PAGE_NEXT = "pending_page_next"  # value: page number
    OPEN_REQUEST_FORM = "open_request_form"  # App Home button; value unused
    CONFIRM_READING = "confirm_reading"  # value: id of a reading waiting in Redis
    EDIT_READING = "edit_reading"  # value: id of a reading waiting in Redis
    REQUEST_MISSING = "request_missing"  # a check's pre-filled request; value: a reading id
    OPEN_CHECK_FORM = "open_check_form"  # App Home: the request form, to check from; unused
    CHECK_FROM_FORM = "check_from_form"  # in the request form: check what it says; unused
    GATEWAY_SELECT = "gateway_select"  # external select; options come from the options handler
    SERVICE_SELECT = "service_select"  # external select of the chosen gateway's services
    TARGET_INPUT = "target_input"  # explicit sg-/i-/cluster/nodepool id instead of a service
    PORTS_INPUT = "ports_input"
    DURATION_SELECT = "duration_select"
    REASON_INPUT = "reason_input"
    DENY_REASON_INPUT = "deny_reason_input"
    DRIFT_REAPPLY = "drift_reapply"  # value: drift item id (``DR-…``), as for every drift button
    DRIFT_FORGET = "drift_forget"
    DRIFT_ADOPT = "drift_adopt"
    DRIFT_IGNORE = "drift_ignore"
    DRIFT_REVOKE = "drift_revoke"


class BlockId(StrEnum):
    """``block_id`` of blocks a handler looks up; form inputs double as prefill/error keys."""

    DECISION = "decision"  # Approve/Deny on the approval card
    FAILURE = "failure"  # Retry/Cancel on a failed card
    GRANT = "grant"  # End access on an applied grant's card
    EXTEND = "extend"  # Extend 1h under the warning that a grant ends soon
    RULES_PAGER = "rules_pager"
    PENDING_PAGER = "pending_pager"
    HOME_ACTIONS = "home_actions"
    READING = "reading"  # Confirm/Edit under "I read this as …"
    CHECK_MISSING = "check_missing"  # "Request the missing access" under a check's answer
    FORM_CHECK = "form_check"  # the request form's Check button
    GATEWAY = "gateway"
    SERVICE = "service"
    TARGET = "target"
    PORTS = "ports"
    DURATION = "duration"
    REASON = "reason"
    DENY_REASON = "deny_reason"
    DRIFT = "drift"  # the buttons of a drift item


class CallbackId(StrEnum):
    """``callback_id`` of modals, routed by ``view_submission`` listeners."""

    REQUEST_FORM = "request_form"
    DENY_REASON_FORM = "deny_reason_form"
