"""What the policy decided about a request, as the request records it for its card and audit."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from approvals.values import Frozen


class PolicyNote(Frozen):
    """The rule that decided (or, in audit mode, would have), and the file's hash."""

    rule: str = Field(min_length=1)
    digest: str = Field(min_length=1)  # hash of the policy file's text
    decision: str = Field(min_length=1)  # "auto_approve", "deny", "2 approvals", ...
    mode: Literal["enforce", "audit"] = "enforce"
    note: str | None = None  # e.g. why a rule before it did not apply, or a limit reached

    @property
    def text(self) -> str:
        """One line for the card, the audit trail and the requester."""
        verb = {
            "auto_approve": "approved by policy rule",
            "deny": "denied by policy rule",
        }.get(self.decision, f"{self.decision} required by policy rule")
        line = f"{verb} {self.rule} (policy {self.digest})"
        if self.mode == "audit":
            line = f"audit mode: would have been {line}; people decide"
        return f"{line}. {self.note}" if self.note else line
