"""Who exists in the local Slack workspace: the team, its users, user groups and channels.

The directory is plain data (pydantic models) that the local Web API answers from
(``users.info``, ``usergroups.users.list``, channel membership checks) and that the signer
reads to fill team and user fields of the payloads it builds. ``demo_directory()`` is the
workspace the tests and the demo share: a developer, two approvers in the ``S0SECAPPR`` group,
a guest, another bot and a user from a foreign workspace.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class SlackUser(BaseModel):
    """A member as ``users.info`` describes it."""

    model_config = ConfigDict(frozen=True)

    id: str
    team_id: str
    name: str
    real_name: str
    display_name: str = ""
    is_bot: bool = False
    is_app_user: bool = False
    deleted: bool = False
    # Multi-channel guests are restricted, single-channel guests ultra restricted.
    is_restricted: bool = False
    is_ultra_restricted: bool = False
    enterprise_id: str | None = None

    def as_api_user(self) -> dict[str, object]:
        """The ``user`` object of a ``users.info`` answer."""
        user: dict[str, object] = {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": self.real_name,
            "is_bot": self.is_bot,
            "is_app_user": self.is_app_user,
            "is_restricted": self.is_restricted,
            "is_ultra_restricted": self.is_ultra_restricted,
            "profile": {
                "real_name": self.real_name,
                "display_name": self.display_name,
                "team": self.team_id,
            },
        }
        if self.enterprise_id is not None:
            user["enterprise_user"] = {
                "id": self.id,
                "enterprise_id": self.enterprise_id,
                "teams": [self.team_id],
            }
        return user


class UserGroup(BaseModel):
    """A user group (``subteam``) and its members."""

    model_config = ConfigDict(frozen=True)

    id: str
    handle: str
    users: tuple[str, ...]


class Channel(BaseModel):
    """A public or private channel and who is in it."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    members: tuple[str, ...]
    is_private: bool = False


class Directory(BaseModel):
    """Everything the local workspace knows about identities."""

    model_config = ConfigDict(frozen=True)

    team_id: str
    team_domain: str
    team_name: str
    enterprise_id: str | None = None
    api_app_id: str
    bot_user_id: str
    bot_id: str
    users: tuple[SlackUser, ...]
    usergroups: tuple[UserGroup, ...] = Field(default=())
    channels: tuple[Channel, ...] = Field(default=())

    def user(self, user_id: str) -> SlackUser | None:
        return next((user for user in self.users if user.id == user_id), None)

    def usergroup(self, usergroup_id: str) -> UserGroup | None:
        return next((group for group in self.usergroups if group.id == usergroup_id), None)

    def channel(self, channel_id: str) -> Channel | None:
        return next((channel for channel in self.channels if channel.id == channel_id), None)


def dm_channel_id(user_id: str) -> str:
    """The id of the bot's DM with a user: stable per user, like Slack's ``D…`` ids."""
    return "D" + user_id[1:]


DEMO_TEAM_ID = "T0SGBOT01"
BOT_USER_ID = "U0SGBOT00"
DEVELOPER_ID = "U0DEV0001"
APPROVER_IDS = ("U0APPR001", "U0APPR002")
GUEST_ID = "U0GUEST01"
OTHER_BOT_ID = "U0BOTX001"
FOREIGN_USER_ID = "U0FRGN001"
APPROVER_GROUP_ID = "S0SECAPPR"
DEV_CHANNEL_ID = "C0DEV0001"
SECURITY_CHANNEL_ID = "C0SEC0001"


def _member(user_id: str, name: str, real_name: str, **fields: Any) -> SlackUser:
    """A demo workspace member, shown by ``name`` unless ``display_name`` says otherwise."""
    return SlackUser(
        **({"team_id": DEMO_TEAM_ID, "display_name": name} | fields),
        id=user_id,
        name=name,
        real_name=real_name,
    )


def demo_directory() -> Directory:
    """The workspace shared by the tests and the demo."""
    users = (
        _member(BOT_USER_ID, "sgbot", "sgbot", is_bot=True, is_app_user=True),
        _member(DEVELOPER_ID, "dana", "Dana Developer"),
        _member(APPROVER_IDS[0], "ari", "Ari Approver"),
        _member(APPROVER_IDS[1], "bo", "Bo Approver"),
        _member(GUEST_ID, "gus", "Gus Guest", is_restricted=True),
        _member(OTHER_BOT_ID, "otherbot", "Other Bot", display_name="", is_bot=True),
        _member(FOREIGN_USER_ID, "fran", "Fran Foreign", team_id="T0OTHER01"),
    )
    everyone = tuple(user.id for user in users)
    return Directory(
        team_id=DEMO_TEAM_ID,
        team_domain="sgbot-demo",
        team_name="sgbot demo",
        api_app_id="A0SGBOT01",
        bot_user_id=BOT_USER_ID,
        bot_id="B0SGBOT00",
        users=users,
        usergroups=(UserGroup(id=APPROVER_GROUP_ID, handle="sec-approvers", users=APPROVER_IDS),),
        channels=(
            Channel(id=DEV_CHANNEL_ID, name="dev", members=everyone),
            Channel(
                id=SECURITY_CHANNEL_ID,
                name="security",
                members=(*APPROVER_IDS, BOT_USER_ID, GUEST_ID),
            ),
        ),
    )
