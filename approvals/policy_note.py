"""What the policy decided about a request, as the request records it for its card and audit."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from approvals.values import Frozen
from bot.catalogue import current, say_in


class PolicyNote(Frozen):
    """The rule that decided (or, in audit mode, would have), and the file's hash."""

    rule: str = Field(min_length=1)
    digest: str = Field(min_length=1)  # hash of the policy file's text
    decision: str = Field(min_length=1)  # "auto_approve", "deny", "2 approvals", ...
    mode: Literal["enforce", "audit"] = "enforce"
    note: str | None = None  # e.g. why a rule before it did not apply, or a limit reached
    approvals: int | None = None  # the ``approvals`` the rule asks for, if that is its decision
    approver_group: str | None = None

    @property
    def text(self) -> str:
        """One line for the card and the requester, in the chosen language."""
        return self.text_in(current())

    def text_in(self, language: str) -> str:
        """The line in ``language``: the audit trail keeps English whatever people read."""
        kind = self.decision if self.decision in ("auto_approve", "deny") else "required"
        key = f"policy.note.audit.{kind}" if self.mode == "audit" else f"policy.note.{kind}"
        line = say_in(
            language, key, rule=self.rule, digest=self.digest, decision=self._decision(language)
        )
        if self.note:
            return say_in(language, "policy.note.with_note", line=line, note=self.note)
        return line

    def _decision(self, language: str) -> str:
        if self.approvals is None:
            return self.decision  # recorded before the count was kept apart
        key = _DECISIONS[self.approvals == 1, self.approver_group is not None]
        return say_in(language, key, count=self.approvals, group=self.approver_group)


# (one approval?, from a user group?) -> how the count of approvals reads.
_DECISIONS = {
    (True, False): "policy.decision.approval_one",
    (False, False): "policy.decision.approvals",
    (True, True): "policy.decision.approval_one_group",
    (False, True): "policy.decision.approvals_group",
}
