"""The clause readers the parser is built from: a token cursor, targets, ports, durations.

``Cursor`` walks the tokens of one request; ``take_value`` stops at the clause keywords it is
given, which is how a missing value (``to on 443``) is told apart from a wrong one. The
readers return None for "not given" and raise ``UsageError`` for "given but wrong".
"""

from __future__ import annotations

from bot.catalogue import say
from bot.grammar.text import Token, tokenize
from bot.grammar.usage import A_TARGET_FORM, needs, unexpected
from bot.grammar.values import (
    DurationSpec,
    instance_id,
    match_duration,
    parse_ports,
    security_group_id,
    shown,
    split_reason,
)
from vocabulary.commands import (
    MAX_REASON_CHARS,
    REGION_RE,
    ClusterTarget,
    InstanceTarget,
    NodePoolTarget,
    PortRange,
    SecurityGroupsTarget,
    SecurityGroupTarget,
    ServiceTarget,
    Target,
)
from vocabulary.errors import UsageError

REASON_PREFIX = "reason:"
NO_STOPS: frozenset[str] = frozenset()
_SERVICE_FORM = "syntax.service"
_NODEPOOL_FORM = "syntax.nodepool"
DURATION_FORM = "syntax.duration"


class Cursor:
    """The tokens of one request and how far the parser has read them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.position = 0

    def peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take_word(self, *words: str) -> bool:
        token = self.peek()
        if token is not None and token.word in words:
            self.position += 1
            return True
        return False

    def take_value(self, stops: frozenset[str]) -> Token | None:
        """The next token as a value, or None when the text ends or a clause keyword follows."""
        token = self.peek()
        if token is None or token.word in stops or token.word.startswith(REASON_PREFIX):
            return None
        if token.unclosed:
            raise UsageError(say("usage.unclosed_quote", word=shown(token.text)))
        if not token.text.strip():
            raise UsageError(say("usage.empty_quote"))
        self.position += 1
        return token

    def require_value(self, stops: frozenset[str], *, what: str, form: str) -> Token:
        token = self.take_value(stops)
        if token is None:
            raise needs(what, form=form)
        return token

    def expect_end(self, form: str) -> None:
        token = self.peek()
        if token is not None:
            raise unexpected(token.text, form=form)


def parse_target(cursor: Cursor, stops: frozenset[str]) -> Target | None:
    token = cursor.take_value(stops)
    if token is None:
        return None
    word = token.word
    if word == "service":
        return _parse_service(cursor, stops)
    if word in ("security", "security-group", "sg"):
        cursor.take_word("group")
        value = cursor.require_value(stops, what=word, form="syntax.security_group")
        return _groups(cursor, value, stops)
    if word.startswith("sg-"):
        return _groups(cursor, token, stops)
    if word == "instance":
        value = cursor.require_value(stops, what=word, form="syntax.instance")
        return InstanceTarget(instance_id=instance_id(value.text))
    if word.startswith("i-"):
        return InstanceTarget(instance_id=instance_id(token.text))
    if word == "cluster":
        value = cursor.require_value(stops, what=word, form="syntax.cluster")
        return ClusterTarget(cluster_id=value.text)
    if word in ("nodepool", "node-pool"):
        nodepool = cursor.require_value(stops | {"in"}, what=word, form=_NODEPOOL_FORM)
        if not cursor.take_word("in"):
            raise UsageError(say("usage.nodepool_needs_cluster", form=say(_NODEPOOL_FORM)))
        cursor.take_word("cluster")
        cluster = cursor.require_value(stops, what="in cluster", form=_NODEPOOL_FORM)
        return NodePoolTarget(nodepool_id=nodepool.text, cluster_id=cluster.text)
    targets = ("service", "security", "instance", "cluster", "nodepool")
    raise unexpected(token.text, form=A_TARGET_FORM, choices=targets)


def _groups(
    cursor: Cursor, first: Token, stops: frozenset[str]
) -> SecurityGroupTarget | SecurityGroupsTarget:
    """``sg-a`` alone, or a list ``sg-a, sg-b`` (commas, or ``and`` before the last)."""
    texts = [first.text]
    while (token := cursor.peek()) is not None and token.word not in stops:
        after = (
            cursor.tokens[cursor.position + 1] if cursor.position + 1 < len(cursor.tokens) else None
        )
        listed = texts[-1].endswith(",")
        if token.text in (",", "and") and after is not None and after.word.startswith("sg-"):
            cursor.position += 1
        elif not (listed and token.word.startswith("sg-")):
            break
        texts.append(cursor.tokens[cursor.position].text)
        cursor.position += 1
    pieces = [piece for text in texts for piece in text.split(",") if piece.strip()]
    ids = tuple(dict.fromkeys(security_group_id(piece) for piece in pieces))
    if len(ids) == 1:
        return SecurityGroupTarget(security_group_id=ids[0])
    return SecurityGroupsTarget(security_group_ids=ids)


def _parse_service(cursor: Cursor, stops: frozenset[str]) -> ServiceTarget:
    token = cursor.require_value(stops | {"in"}, what="service", form=_SERVICE_FORM)
    if cursor.take_word("in"):
        namespace_token = cursor.require_value(stops, what="in", form=_SERVICE_FORM)
        return ServiceTarget(name=token.text, namespace=namespace_token.text)
    # Kubernetes names hold no dots, so one dot splits name and namespace; quote to keep it.
    if not token.quoted and token.text.count(".") == 1:
        name, namespace = token.text.split(".")
        if not name or not namespace:
            raise UsageError(
                say("usage.not_a_service", word=shown(token.text), form=say(_SERVICE_FORM))
            )
        return ServiceTarget(name=name, namespace=namespace)
    return ServiceTarget(name=token.text)


def take_region(cursor: Cursor) -> str | None:
    """``in cn-shanghai`` right after the gateway's name: its region, if it has that shape."""
    upcoming = cursor.tokens[cursor.position : cursor.position + 2]
    if len(upcoming) == 2 and upcoming[0].word == "in" and REGION_RE.fullmatch(upcoming[1].word):
        cursor.position += 2
        return upcoming[1].word
    return None


def take_ports(cursor: Cursor, stops: frozenset[str]) -> tuple[PortRange, ...] | None:
    cursor.take_word("port", "ports")
    pieces: list[str] = []
    while (token := cursor.take_value(stops)) is not None:
        pieces.append(token.text)
    return parse_ports(" ".join(pieces)) if pieces else None


def take_duration(cursor: Cursor) -> DurationSpec:
    upcoming = cursor.tokens[cursor.position : cursor.position + 2]
    spec = match_duration([token.word for token in upcoming])
    if spec is None:
        if not upcoming:
            raise needs("for", form=DURATION_FORM)
        raise not_a_duration(upcoming[0].text)
    cursor.position += spec.size
    return spec


def not_a_duration(text: str) -> UsageError:
    return UsageError(say("usage.not_a_duration", word=shown(text), form=say(DURATION_FORM)))


def take_reason(cursor: Cursor, start: int) -> tuple[str, DurationSpec | None]:
    """The rest of the text from ``start`` as a reason, and the duration at its end, if any."""
    reason, trailing_duration = split_reason(cursor.text[start:])
    cursor.position = len(cursor.tokens)
    if not reason:
        raise UsageError(say("usage.empty_reason"))
    if len(reason) > MAX_REASON_CHARS:
        raise UsageError(say("usage.long_reason", length=len(reason), most=MAX_REASON_CHARS))
    return reason, trailing_duration
