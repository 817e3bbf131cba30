"""A list of groups is named by each of its groups, so no policy rule about one is sidestepped
by asking for it together with another."""

from __future__ import annotations

from approvals.policy_rules import target_names
from vocabulary.commands import SecurityGroupsTarget


def test_each_listed_group_names_the_target() -> None:
    names = target_names(SecurityGroupsTarget(security_group_ids=("sg-a", "sg-secret")))
    assert {"sg-a", "group:sg-a", "sg-secret", "group:sg-secret"} <= set(names)
