"""Runtime configuration: every variable sgbot reads, validated once at start-up.

Settings come from the environment and an optional ``.env`` file. Nothing here runs at import
time; ``load_settings()`` is called by the CLI. A missing or malformed value becomes one
``ConfigError`` line naming the variable and what is wrong with it.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.catalogue import LANGUAGES
from vocabulary.commands import REGION_RE
from vocabulary.durations import parse_duration
from vocabulary.errors import ConfigError

_SLACK_ID_RE = re.compile(r"^[UWCGS][A-Z0-9]{2,}$")
_ENDPOINT_RE = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$")
MAX_SIGNING_SECRETS = 2  # the current one and, while Slack rotates it, the previous one


def _comma_list(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """The runtime contract; the README's configuration table documents every field."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")

    security_channel: str | None = Field(default=None, alias="SGBOT_SECURITY_CHANNEL")
    approvers: Annotated[list[str], NoDecode] = Field(default_factory=list, alias="SGBOT_APPROVERS")
    approver_group: str | None = Field(default=None, alias="SGBOT_APPROVER_GROUP")
    command: str = Field(default="/sg", alias="SGBOT_COMMAND")

    # Out of the settings' repr: the URL may carry a password (``approvals.connect.redacted_url``).
    redis_url: str = Field(default="redis://127.0.0.1:6379/0", alias="REDIS_URL", repr=False)

    region_id: str = Field(default="cn-hangzhou", alias="ALIBABA_CLOUD_REGION_ID")
    # The regions served, the first the default; empty means ``region_id`` alone.
    regions: Annotated[list[str], NoDecode] = Field(default_factory=list, alias="SGBOT_REGIONS")
    mse_endpoint: str | None = Field(default=None, alias="SGBOT_MSE_ENDPOINT")
    ecs_endpoint: str | None = Field(default=None, alias="SGBOT_ECS_ENDPOINT")
    cs_endpoint: str | None = Field(default=None, alias="SGBOT_CS_ENDPOINT")
    cloud_protocol: Literal["https", "http"] = Field(default="https", alias="SGBOT_CLOUD_PROTOCOL")

    max_duration: timedelta = Field(default=timedelta(days=30), alias="SGBOT_MAX_DURATION")

    cloud: Literal["aliyun", "emulator"] = Field(default="aliyun", alias="SGBOT_CLOUD")
    home_orgs: Annotated[list[str], NoDecode] = Field(default_factory=list, alias="SGBOT_HOME_ORGS")
    broad_ports: int = Field(default=100, ge=1, alias="SGBOT_BROAD_PORTS")
    sensitive_ports: Annotated[list[int], NoDecode] = Field(
        default_factory=lambda: [22, 3389, 3306, 5432, 6379, 9200, 27017],
        alias="SGBOT_SENSITIVE_PORTS",
    )
    # With a policy file, it alone decides and the two settings above are ignored.
    policy_file: Path | None = Field(default=None, alias="SGBOT_POLICY_FILE")
    policy_check_every: timedelta = Field(
        default=timedelta(seconds=30), alias="SGBOT_POLICY_CHECK_EVERY"
    )
    max_extensions: int = Field(default=3, ge=0, le=100, alias="SGBOT_MAX_EXTENSIONS")
    rate_limit: int = Field(default=10, ge=1, alias="SGBOT_RATE_LIMIT")
    rate_window: timedelta = Field(default=timedelta(hours=1), alias="SGBOT_RATE_WINDOW")
    pending_ttl: timedelta = Field(default=timedelta(hours=24), alias="SGBOT_PENDING_TTL")
    remind_before: timedelta = Field(default=timedelta(hours=2), alias="SGBOT_REMIND_BEFORE")
    grant_warn_before: timedelta = Field(
        default=timedelta(hours=1), alias="SGBOT_GRANT_WARN_BEFORE"
    )
    key_prefix: str = Field(
        default="sgbot", pattern=r"^[a-z0-9_\-]{1,32}$", alias="SGBOT_KEY_PREFIX"
    )
    audit_maxlen: int = Field(default=100_000, ge=100, alias="SGBOT_AUDIT_MAXLEN")
    retention: timedelta = Field(default=timedelta(days=30), alias="SGBOT_RETENTION")
    job_claim_idle: timedelta = Field(default=timedelta(seconds=30), alias="SGBOT_JOB_CLAIM_IDLE")
    worker_concurrency: int = Field(default=4, ge=1, le=64, alias="SGBOT_WORKER_CONCURRENCY")
    job_max_deliveries: int = Field(default=5, ge=1, le=100, alias="SGBOT_JOB_MAX_DELIVERIES")
    sweep_every: timedelta = Field(default=timedelta(minutes=1), alias="SGBOT_SWEEP_EVERY")
    end_overdue_after: timedelta = Field(
        default=timedelta(minutes=15), alias="SGBOT_END_OVERDUE_AFTER"
    )
    query_rate_limit: int = Field(default=30, ge=1, alias="SGBOT_QUERY_RATE_LIMIT")
    # How long resolution may reuse gateway, service-source and cluster metadata; 0: never.
    resolve_cache_seconds: float = Field(300.0, ge=0, le=3600, alias="SGBOT_RESOLVE_CACHE_SECONDS")
    # Drift watch (``approvals.drift_watch``): None turns the periodic reconcile off.
    reconcile_every: timedelta | None = Field(
        default=timedelta(minutes=15), alias="SGBOT_RECONCILE_EVERY"
    )
    watch_gateways: Annotated[list[str], NoDecode] = Field(
        default_factory=list, alias="SGBOT_WATCH_GATEWAYS"
    )
    drift_ignore: Annotated[list[str], NoDecode] = Field(
        default_factory=list, alias="SGBOT_DRIFT_IGNORE"
    )

    # Whole sentences come from ``bot.catalogue``; the check is there so a typo fails at start-up.
    language: str = Field(default="en", alias="SGBOT_LANGUAGE")

    log_format: Literal["text", "json"] = Field(default="text", alias="SGBOT_LOG_FORMAT")
    health_port: int | None = Field(default=None, ge=0, le=65535, alias="SGBOT_HEALTH_PORT")
    # Every interface: the kubelet's probes and the metrics scraper come from outside the pod.
    health_host: str = Field(default="0.0.0.0", alias="SGBOT_HEALTH_HOST")  # noqa: S104

    @field_validator("slack_signing_secret")
    @classmethod
    def _check_signing_secrets(cls, value: SecretStr | None) -> SecretStr | None:
        # Never echo the value: the message names only what is wrong with it.
        if value is not None:
            parts = value.get_secret_value().split(",")
            if len(parts) > MAX_SIGNING_SECRETS or not all(part.strip() for part in parts):
                raise ValueError(
                    "must be one signing secret, or two separated by a comma during a rotation"
                )
        return value

    @field_validator("language", mode="before")
    @classmethod
    def _check_language(cls, value: object) -> object:
        text = value.strip().lower() if isinstance(value, str) else value
        if text not in LANGUAGES:
            raise ValueError(f"{value!r} is not a language sgbot speaks; use en or zh")
        return text

    @field_validator("approvers", mode="before")
    @classmethod
    def _split_approvers(cls, value: object) -> object:
        return _comma_list(value)

    @field_validator("approvers")
    @classmethod
    def _check_user_ids(cls, value: list[str]) -> list[str]:
        for user_id in value:
            if not _SLACK_ID_RE.match(user_id) or user_id[0] not in "UW":
                raise ValueError(f"{user_id!r} is not a Slack user id (U… or W…)")
        return value

    @field_validator("security_channel")
    @classmethod
    def _check_channel(cls, value: str | None) -> str | None:
        if value is not None and (not _SLACK_ID_RE.match(value) or value[0] not in "CG"):
            raise ValueError(f"{value!r} is not a Slack channel id (C… or G…)")
        return value

    @field_validator("approver_group")
    @classmethod
    def _check_group(cls, value: str | None) -> str | None:
        if value is not None and (not _SLACK_ID_RE.match(value) or value[0] != "S"):
            raise ValueError(f"{value!r} is not a Slack user group id (S…)")
        return value

    @field_validator("command")
    @classmethod
    def _check_command(cls, value: str) -> str:
        if not re.fullmatch(r"/[a-z0-9_\-]{1,31}", value):
            raise ValueError(f"{value!r} must be a slash command such as /sg")
        return value

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str) -> str:
        schemes = ("redis://", "rediss://", "unix://", "redis+cluster://", "redis+sentinel://")
        if not value.startswith(schemes):
            raise ValueError(f"must start with one of {', '.join(schemes)}")
        return value

    @field_validator("mse_endpoint", "ecs_endpoint", "cs_endpoint")
    @classmethod
    def _check_endpoint(cls, value: str | None) -> str | None:
        if value is not None and not _ENDPOINT_RE.match(value):
            raise ValueError(f"{value!r} must be host[:port] without a scheme")
        return value

    @field_validator("regions")
    @classmethod
    def _check_regions(cls, value: list[str]) -> list[str]:
        for region in value:
            if not REGION_RE.fullmatch(region):
                raise ValueError(f"{region!r} is not a region id such as cn-hangzhou")
        return list(dict.fromkeys(value))

    @property
    def served_regions(self) -> tuple[str, ...]:
        """The regions whose gateways sgbot serves, the default first."""
        return tuple(self.regions) or (self.region_id,)

    @field_validator("slack_api_url")
    @classmethod
    def _check_api_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("reconcile_every", mode="before")
    @classmethod
    def _parse_reconcile_every(cls, value: object) -> object:
        if isinstance(value, str):
            if value.strip().lower() == "off":
                return None
            try:
                return parse_duration(value)
            except ValueError as exc:
                raise ValueError(f"{exc}, or off to disable it") from None
        return value

    @field_validator("drift_ignore")
    @classmethod
    def _check_drift_ignore(cls, value: list[str]) -> list[str]:
        for entry in value:
            form, _, rest = entry.partition(":")
            if (form == "id" and rest.isdigit()) or (form == "prefix" and rest):
                continue
            raise ValueError(
                f"{entry!r} is neither id:RULE_ID nor prefix:DESCRIPTION_PREFIX; "
                "write e.g. id:42,prefix:terraform"
            )
        return value

    @field_validator(
        "home_orgs", "sensitive_ports", "watch_gateways", "drift_ignore", "regions", mode="before"
    )
    @classmethod
    def _split_lists(cls, value: object) -> object:
        return _comma_list(value)

    @field_validator("sensitive_ports")
    @classmethod
    def _check_ports(cls, value: list[int]) -> list[int]:
        for port in value:
            if not 1 <= port <= 65535:
                raise ValueError(f"{port} is not a TCP port (1-65535)")
        return value

    @field_validator(
        "max_duration",
        "rate_window",
        "pending_ttl",
        "remind_before",
        "grant_warn_before",
        "retention",
        "job_claim_idle",
        "sweep_every",
        "end_overdue_after",
        "policy_check_every",
        mode="before",
    )
    @classmethod
    def _parse_max_duration(cls, value: object) -> object:
        return parse_duration(value) if isinstance(value, str) else value

    @property
    def signing_secrets(self) -> tuple[str, ...]:
        """The accepted signing secrets: one, or the new and the old one during a rotation."""
        if self.slack_signing_secret is None:
            return ()
        text = self.slack_signing_secret.get_secret_value()
        return tuple(part.strip() for part in text.split(","))

    def require_serving(self, *, socket_mode: bool = False) -> None:
        """Check what serving Slack needs beyond the defaults; raise one ConfigError line."""
        needed = {
            "SLACK_BOT_TOKEN": self.slack_bot_token,
            "SGBOT_SECURITY_CHANNEL": self.security_channel,
        }
        needed["SLACK_APP_TOKEN" if socket_mode else "SLACK_SIGNING_SECRET"] = (
            self.slack_app_token if socket_mode else self.slack_signing_secret
        )
        for name, value in needed.items():
            if value is None:
                raise ConfigError(f"{name}: missing; set it in the environment or .env")
        if not self.approvers and self.approver_group is None:
            raise ConfigError(
                "SGBOT_APPROVERS: missing; set it or SGBOT_APPROVER_GROUP so someone can approve"
            )


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings, turning the first problem into a one-line ConfigError."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "settings"
        alias = Settings.model_fields[field].alias if field in Settings.model_fields else field
        message = str(error["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{alias or field.upper()}: {message}") from None
