"""Where the API reference is ambiguous, which reading the emulator serves.

Each ``Reading`` names the stricter reading of one point: what is harder on a client that
assumed the friendlier one. By default every reading is strict; each can be switched either
way (``--lenient``/``--strict``, or ``POST /_emulator/readings``), so the same test can run
against both and pass under both.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Reading(StrEnum):
    """The stricter reading of an ambiguous point; the docstring of each says the other one."""

    # AddSecurityGroupRule's Data is not the new record's id (lenient: it is).
    ADD_DATA_NOT_THE_ID = "add-data-not-the-id"
    # A cascading delete removes the ECS rule the record was linked to, even one that existed
    # before the record (lenient: only a rule that this record's add created).
    CASCADE_REMOVES_LINKED_RULE = "cascade-removes-linked-rule"
    # DescribeInstances ignores PrivateIpAddresses unless InstanceNetworkType=vpc is sent, and
    # answers every instance the other filters allow (lenient: the filter always applies).
    IP_FILTER_NEEDS_VPC_TYPE = "ip-filter-needs-vpc-type"
    # DescribeInstances' PrivateIpAddresses matches primary private IPs only (lenient: any IP
    # on any of the instance's ENIs).
    INSTANCE_IPS_PRIMARY_ONLY = "instance-ips-primary-only"
    # DescribeNetworkInterfaces' PrivateIpAddress.N matches secondary IPs only (lenient: the
    # primary IP too).
    ENI_FILTER_SECONDARY_ONLY = "eni-filter-secondary-only"
    # A basic group refuses a 21st rule that references another group (lenient: no limit).
    GROUP_RULE_QUOTA = "group-rule-quota"
    # ListSecurityGroupRule's AuthCidrs is [""], as in MSE's own example (lenient: the CIDRs
    # an enterprise group was authorized for).
    AUTH_CIDRS_BLANK = "auth-cidrs-blank"
    # MSE messages are in Chinese unless AcceptLanguage=en is sent (lenient: English).
    MSE_MESSAGES_IN_CHINESE = "mse-messages-in-chinese"


DEFAULT_LENIENT: frozenset[Reading] = frozenset()
"""Every reading is strict unless a run asks otherwise."""


class Readings:
    """The readings in force; ``lenient`` names those switched to the friendlier reading."""

    def __init__(self, lenient: Iterable[Reading] = DEFAULT_LENIENT) -> None:
        self.lenient = frozenset(lenient)

    def strict(self, reading: Reading) -> bool:
        return reading not in self.lenient

    def to_json(self) -> dict[str, list[str]]:
        return {
            "strict": sorted(r.value for r in Reading if r not in self.lenient),
            "lenient": sorted(r.value for r in self.lenient),
        }


def parse_readings(names: Iterable[str]) -> frozenset[Reading]:
    """Reading names (``all`` for every one); an unknown name raises ``ValueError``."""
    chosen: set[Reading] = set()
    for name in names:
        if name == "all":
            chosen.update(Reading)
            continue
        try:
            chosen.add(Reading(name))
        except ValueError:
            known = ", ".join(r.value for r in Reading)
            raise ValueError(f"unknown reading {name!r}; known: all, {known}") from None
    return frozenset(chosen)
