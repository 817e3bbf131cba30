"""The forgiving reader's vocabulary: every word and phrase it knows, in English and Chinese.

Each entry maps a phrase (a tuple of lower-cased words) to a ``Term``: a keyword of the strict
grammar (``authorize``, ``gateway``, ``to``, ``on``), a word with a role of its own (``close``
reads as ``revoke`` and is noted; ``show`` picks a query by what follows), or filler.
``NOISE`` is politeness and connecting words that cannot change what a request means and are
dropped silently; ``SOFT`` words are dropped but could matter (``temporarily`` with no
duration), so the reader notes them. Negations (``not``, ``不要``) are deliberately absent:
an unknown word is refused, never dropped. Chinese words are matched as whole pieces, after
``segment`` has cut unspaced Chinese text at these words.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Term(StrEnum):
    AUTHORIZE = "authorize"
    REVOKE = "revoke"
    CLOSE = "close"  # a revoke synonym the strict grammar does not know: noted when read
    LIST = "list"
    SHOW = "show"  # list, status or history, by what follows
    RULES = "rules"
    RULE = "rule"
    STATUS = "status"
    CANCEL = "cancel"
    HISTORY = "history"
    HELP = "help"
    GATEWAY = "gateway"
    SERVICE = "service"
    SECURITY_GROUP = "security group"
    INSTANCE = "instance"
    CLUSTER = "cluster"
    NODEPOOL = "nodepool"
    NAMESPACE = "namespace"
    REQUEST = "request"
    PENDING = "pending"
    KEEP = "keep"
    BACKEND = "backend"
    TO = "to"
    FROM = "from"
    ON = "on"
    PORT = "port"
    TCP = "tcp"
    OTHER_PROTOCOL = "other protocol"
    IN = "in"
    FOR = "for"
    BECAUSE = "because"
    AND = "and"
    THROUGH = "through"
    OF = "of"
    PERMANENT = "permanent"
    ALL = "all"  # every port, before ``port``/``端口`` or inside a ports clause
    UNSUPPORTED_TARGET = "unsupported target"
    NOISE = "noise"
    SOFT = "soft"


VERBS = frozenset(
    {Term.AUTHORIZE, Term.REVOKE, Term.CLOSE, Term.LIST, Term.SHOW, Term.RULES, Term.STATUS}
    | {Term.CANCEL, Term.HISTORY, Term.HELP}
)
TARGET_NOUNS = frozenset(
    {Term.SERVICE, Term.SECURITY_GROUP, Term.INSTANCE, Term.CLUSTER, Term.NODEPOOL}
)
KIND_NOUNS = TARGET_NOUNS | {Term.GATEWAY}


def _table(*groups: tuple[Term, Iterable[str]]) -> dict[tuple[str, ...], Term]:
    table: dict[tuple[str, ...], Term] = {}
    for term, phrases in groups:
        for phrase in phrases:
            key = tuple(phrase.split())
            assert key not in table, f"{phrase!r} is listed twice"
            table[key] = term
    return table


PHRASES = _table(
    (Term.AUTHORIZE, ("authorize", "authorise", "allow", "grant", "open", "give", "let")),
    (Term.AUTHORIZE, ("permit", "enable", "open up", "can i get", "授权", "允许", "开通")),
    (Term.AUTHORIZE, ("开放", "放通", "放行", "打开", "让")),
    (Term.AUTHORIZE, ("i need", "we need", "need", "i want", "we want")),
    (Term.REVOKE, ("revoke", "remove", "delete", "撤销", "删除")),
    (Term.CLOSE, ("close", "disallow", "remove access", "take away", "cut off", "undo")),
    (Term.CLOSE, ("关闭", "移除", "回收", "收回", "取消 授权")),
    (Term.LIST, ("list", "列出", "列表")),
    (Term.SHOW, ("show", "show me", "display", "what", "what's", "whats", "what is")),
    (Term.SHOW, ("what are", "which", "any", "are there any", "check", "查看", "看看")),
    (Term.SHOW, ("显示", "查询", "看一下")),
    (Term.RULES, ("rules", "firewall rules")),
    (Term.RULE, ("rule", "规则")),
    (Term.STATUS, ("status", "state", "状态", "进度")),
    (Term.CANCEL, ("cancel", "withdraw", "取消", "撤回")),
    (Term.HISTORY, ("history", "历史", "记录", "历史记录")),
    (Term.HELP, ("help", "help me", "commands", "usage", "what can you do")),
    (Term.HELP, ("how do i use this", "how does this work", "how do i use you")),
    (Term.HELP, ("帮助", "怎么用", "如何使用", "使用说明")),
    (Term.GATEWAY, ("gateway", "gw", "mse gateway", "网关")),
    (Term.SERVICE, ("service", "svc", "k8s service", "服务")),
    (Term.SECURITY_GROUP, ("security group", "security-group", "sg", "secgroup", "安全组")),
    (Term.INSTANCE, ("instance", "ecs", "ecs instance", "vm", "实例")),
    (Term.CLUSTER, ("cluster", "k8s cluster", "ack cluster", "集群")),
    (Term.NODEPOOL, ("nodepool", "node pool", "node-pool", "节点池")),
    (Term.NAMESPACE, ("namespace", "ns", "命名空间")),
    (Term.REQUEST, ("request", "requests", "req", "请求", "申请")),
    (Term.PENDING, ("pending", "waiting for approval", "awaiting approval", "待审批", "待处理")),
    (Term.PENDING, ("待批准", "待审核")),
    (Term.KEEP, ("keep", "保留")),
    (Term.BACKEND, ("backend", "后端")),
    (Term.TO, ("to", "to reach", "to access", "to talk to", "to connect to", "reach", "->")),
    (Term.TO, ("access to", "talk to", "connect to", "into", "→", "=>", "访问", "到", "连接")),
    (Term.FROM, ("from", "从")),
    (Term.ON, ("on", "at", "via", "over", ":")),
    (Term.PORT, ("port", "ports", "tcp port", "tcp ports", "端口")),
    (Term.TCP, ("tcp",)),
    (Term.OTHER_PROTOCOL, ("udp", "icmp", "sctp", "gre", "icmpv6")),
    (Term.IN, ("in", "inside", "在")),
    (Term.FOR, ("for", "持续", "为期", "时长", "期限", "有效期")),
    (Term.BECAUSE, ("because", "reason", "reason:", "due to", "因为", "由于", "原因", "理由")),
    (Term.AND, ("and", "&", "plus", "和", "与", "及")),
    (Term.THROUGH, ("through", "thru", "up to", "至", "~", "-")),
    (Term.OF, ("of", "的", "对")),
    (Term.PERMANENT, ("permanent", "permanently", "forever", "永久", "长期")),
    (Term.ALL, ("all", "every", "所有", "全部")),
    (Term.UNSUPPORTED_TARGET, ("pod", "pods", "deployment", "ingress", "node", "host", "ip")),
    (Term.SOFT, ("temporarily", "temporary", "temp", "briefly", "for now", "for a while")),
    (Term.SOFT, ("for a bit", "临时", "暂时", "短期")),
    # Politeness, address and connecting words: none of them can change what is asked.
    (Term.NOISE, ("please", "pls", "plz", "kindly", "thanks", "thank you", "thx", "ty")),
    (Term.NOISE, ("cheers", "asap", "right now", "now", "quickly", "just", "also", "again")),
    (Term.NOISE, ("the", "a", "an", "my", "our", "me", "us", "traffic", "access", "does")),
    (Term.NOISE, ("have", "has", "are", "is", "there", "currently", "hey", "hi", "hello")),
    (Term.NOISE, ("yo", "ok", "okay", "dear", "sgbot", "@sgbot", "bot", "for me")),
    (Term.NOISE, ("can you", "could you", "would you", "will you", "can u", "could u")),
    (Term.NOISE, ("would you please", "would you mind", "i'd like to", "i would like to")),
    (Term.NOISE, ("i want to", "i need to", "we need to", "go ahead and", "hey there")),
    (Term.NOISE, ("请", "麻烦", "麻烦你", "帮我", "帮忙", "一下", "谢谢", "多谢", "感谢")),
    (Term.NOISE, ("你好", "您好", "吗", "呢", "吧", "了", "能不能", "能否", "可以", "可否")),
    (Term.NOISE, ("请问",)),
    (Term.NOISE, ("我想", "我要", "我需要", "我的", "给", "一下子", ",", ".", "!", "?", ";")),
    (Term.NOISE, ("(", ")", "'s")),
)
LONGEST_PHRASE = max(len(key) for key in PHRASES)

# Single words that are never names: a reader that took them for one would guess.
NOT_NAMES = frozenset(
    {
        *("it", "this", "that", "them", "everything", "anything", "everyone", "all", "any"),
        *("not", "no", "never", "don't", "dont", "nothing", "none", "something", "stuff"),
        *("不", "不要", "别", "禁止", "没有", "什么"),
    }
)

# Keywords a mistyped word is compared with for "did you mean": the strict grammar's first.
SUGGESTIONS = (
    *("authorize", "authorise", "allow", "grant", "open", "give", "revoke", "remove", "delete"),
    *("close", "list", "show", "rules", "status", "cancel", "history", "help", "gateway"),
    *("service", "security", "instance", "cluster", "nodepool", "namespace", "port", "ports"),
    *("pending", "because", "reason:", "from"),
)
CHINESE_KEYWORDS = frozenset(
    word for key in PHRASES for word in key if any("\u4e00" <= char <= "\u9fff" for char in word)
)
# Chinese words that end a name glued to them: connectors and particles, never nouns or verbs,
# because Chinese names often end in a noun (``订单服务``) and such a name must stay whole.
CHINESE_BREAKS = frozenset(
    word
    for word in CHINESE_KEYWORDS
    if PHRASES.get((word,))
    in {Term.TO, Term.FROM, Term.ON, Term.PORT, Term.IN, Term.FOR, Term.BECAUSE, Term.OF}
    | {Term.AND, Term.NAMESPACE, Term.NOISE, Term.THROUGH}
)
