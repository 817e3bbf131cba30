"""The policy file: its YAML schema, how it is read and checked, and the built-in default.

A policy is an ordered list of rules; the first rule whose ``match`` holds decides
(``approvals.policy_rules``). ``load_policy`` turns a file's text into a ``Policy`` or raises
``PolicyFileError`` carrying one line per problem, each naming where it is (``rules[2].decide:
…``), which is what ``sgbot policy check`` prints and what stops start-up. Every policy carries
the hash of the text it came from, recorded with each decision so an audit entry says which
version of the file decided. Without a file the default policy is built from
``SGBOT_SENSITIVE_PORTS`` and ``SGBOT_BROAD_PORTS`` (``default_policy_yaml``).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from enum import StrEnum
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from vocabulary.commands import MAX_PORT, PortRange
from vocabulary.durations import parse_duration
from vocabulary.errors import SgbotError


class PolicyFileError(SgbotError):
    """A policy file that cannot be used; ``problems`` has one located line per problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"policy file {source}: " + "; ".join(problems))


class Verb(StrEnum):
    AUTHORIZE = "authorize"
    EXTEND = "extend"
    REVOKE = "revoke"


def _duration(value: object) -> object:
    return parse_duration(value) if isinstance(value, str) else value


def _port_range(value: object) -> object:
    """``22``, ``"22"`` or ``"8000-8100"`` as a ``PortRange``."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        start, _, end = value.strip().partition("-")
        if not start.isdigit() or (end and not end.isdigit()):
            raise ValueError(f"{value!r} is not a port or a range like 8000-8100")
        low, high = int(start), int(end or start)
        if not 1 <= low <= high <= MAX_PORT:
            raise ValueError(f"{value!r} is not a port range within 1-{MAX_PORT}")
        return PortRange(start=low, end=high)
    return value


Duration = Annotated[timedelta, BeforeValidator(_duration)]
Ports = Annotated[PortRange, BeforeValidator(_port_range)]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PortsMatch(_Strict):
    """``any_of``: some asked port is in these; ``all_within``: every asked port is in these;
    ``wider_than``: more than this many ports are asked for in all."""

    any_of: tuple[Ports, ...] = ()
    all_within: tuple[Ports, ...] = ()
    wider_than: int | None = Field(default=None, ge=0, le=MAX_PORT)

    @model_validator(mode="after")
    def _one_kind(self) -> PortsMatch:
        given = sum(bool(x) for x in (self.any_of, self.all_within)) + (self.wider_than is not None)
        if given != 1:
            raise ValueError("give exactly one of any_of, all_within or wider_than")
        return self


class RequesterMatch(_Strict):
    """Requesters by Slack user id, or by membership of one Slack user group."""

    users: tuple[Annotated[str, Field(pattern=r"^[UW][A-Z0-9]+$")], ...] = ()
    group: str | None = Field(default=None, pattern=r"^S[A-Z0-9]+$")

    @model_validator(mode="after")
    def _something(self) -> RequesterMatch:
        if not self.users and self.group is None:
            raise ValueError("give users, group, or both")
        return self


class Match(_Strict):
    """Every matcher given must hold; one left out matches anything."""

    gateways: tuple[str, ...] | None = None  # ids, names or globs (``staging-*``)
    regions: tuple[str, ...] | None = None
    targets: tuple[str, ...] | None = None  # typed target or the groups it resolved to
    ports: PortsMatch | None = None
    max_duration: Duration | None = None  # the grant asked for lasts at most this long
    verbs: tuple[Verb, ...] | None = None
    requesters: RequesterMatch | None = None


class AutoApprove(_Strict):
    per_day: int = Field(default=10, ge=1)  # grants per requester in a rolling 24 hours
    max_duration: Duration | None = None  # longer asks fall through to the next rule


class Decide(_Strict):
    """Exactly one of ``auto_approve``, ``approvals`` or ``deny``."""

    auto_approve: AutoApprove | None = None
    approvals: int | None = Field(default=None, ge=1, le=5)
    approver_group: str | None = Field(default=None, pattern=r"^S[A-Z0-9]+$")
    deny: str | None = Field(default=None, min_length=1, max_length=500)

    @model_validator(mode="after")
    def _one_decision(self) -> Decide:
        given = [self.auto_approve is not None, self.approvals is not None, self.deny is not None]
        if sum(given) != 1:
            raise ValueError("give exactly one of auto_approve, approvals or deny")
        if self.approver_group is not None and self.approvals is None:
            raise ValueError("approver_group goes with approvals")
        return self

    @property
    def label(self) -> str:
        if self.deny is not None:
            return "deny"
        if self.auto_approve is not None:
            return "auto_approve"
        group = f" from user group {self.approver_group}" if self.approver_group else ""
        return f"{self.approvals} approval{'s' if self.approvals != 1 else ''}{group}"


class PolicyRule(_Strict):
    name: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    match: Match = Field(default_factory=Match)
    decide: Decide

    @model_validator(mode="after")
    def _closing_never_refused(self) -> PolicyRule:
        if self.match.verbs == (Verb.REVOKE,) and self.decide.approvals is None:
            raise ValueError(
                "revokes are never denied or auto-approved; they can only need approvals"
            )
        return self


class DriftIgnoreSection(_Strict):
    """Rules another tool (Terraform, say) manages: drift watch never posts them."""

    rule_ids: tuple[Annotated[int, Field(ge=1)], ...] = ()
    description_prefixes: tuple[Annotated[str, Field(min_length=1, max_length=256)], ...] = ()


class PolicyDocument(_Strict):
    version: Literal[1] = 1
    mode: Literal["enforce", "audit"] = "enforce"
    rules: tuple[PolicyRule, ...]
    drift_ignore: DriftIgnoreSection = Field(default_factory=DriftIgnoreSection)

    @model_validator(mode="after")
    def _unique_names(self) -> PolicyDocument:
        if not self.rules:
            raise ValueError("give at least one rule")
        names = [rule.name for rule in self.rules]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"rule names must be unique: {', '.join(twice)}")
        return self


class Policy(BaseModel):
    """A validated policy and where it came from."""

    model_config = ConfigDict(frozen=True)

    document: PolicyDocument
    digest: str  # sha256 of the text, first 12 hex digits
    source: str  # the file name, or "built-in default"

    @property
    def audit_only(self) -> bool:
        return self.document.mode == "audit"


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _location(loc: tuple[int | str, ...], document: object) -> str:
    """``rules[1] (staging).match.ports`` from pydantic's ``("rules", 1, "match", "ports")``."""
    text = ""
    node = document
    for item in loc:
        if isinstance(item, int):
            node = node[item] if isinstance(node, list) and item < len(node) else None
            name = node.get("name") if isinstance(node, dict) else None
            text += f"[{item}]" + (f" ({name})" if isinstance(name, str) else "")
        elif not item.startswith(("function-", "tagged-union")) and not item[:1].isupper():
            # Names pydantic gives validators and union members say nothing to a reader.
            node = node.get(item) if isinstance(node, dict) else None
            text += f".{item}" if text else item
    return text or "file"


def load_policy(text: str, source: str) -> Policy:
    """``text`` as a policy, or ``PolicyFileError`` listing every problem with its location."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        problem = getattr(exc, "problem", None) or str(exc)
        raise PolicyFileError(source, [f"{where}: not valid YAML ({problem})"]) from None
    if not isinstance(raw, dict):
        raise PolicyFileError(source, ["file: expected a mapping with `rules:`"])
    try:
        document = PolicyDocument.model_validate(raw)
    except ValidationError as exc:
        problems = [
            f"{_location(tuple(e['loc']), raw)}: {str(e['msg']).removeprefix('Value error, ')}"
            for e in exc.errors()
        ]
        raise PolicyFileError(source, problems) from None
    return Policy(document=document, digest=text_digest(text), source=source)


def default_policy_yaml(sensitive_ports: list[int] | frozenset[int], broad_ports: int) -> str:
    """The built-in rules written as a policy file a team can start from."""
    ports = ", ".join(str(port) for port in sorted(sensitive_ports))
    return (
        "# sgbot's built-in policy: what happens without SGBOT_POLICY_FILE.\n"
        "version: 1\n"
        "mode: enforce\n"
        "rules:\n"
        "  - name: sensitive-ports\n"
        "    match:\n"
        f"      ports: {{any_of: [{ports}]}}\n"
        "    decide: {approvals: 2}\n"
        "  - name: broad-ranges\n"
        "    match:\n"
        f"      ports: {{wider_than: {broad_ports}}}\n"
        "    decide: {approvals: 2}\n"
        "  - name: everything-else\n"
        "    decide: {approvals: 1}\n"
    )


def default_policy(sensitive_ports: list[int] | frozenset[int], broad_ports: int) -> Policy:
    text = default_policy_yaml(sensitive_ports, broad_ports)
    return load_policy(text, "built-in default")
