"""How sgbot reads what people type: the strict grammar first, then the forgiving reader.

``read_command`` returns a ``Reading``: the command and what had to be inferred to get it.
Text the strict grammar reads is taken as it is, with nothing inferred. Anything else goes
through the forgiving reader (``words``, ``changes``, ``asking``), which writes it in the
strict form and parses that, so both ways end in the same grammar and the same errors. When
the forgiving reader fails too, its error is raised (it names the word the person typed),
unless the strict grammar had found a verb with missing parts, which is the better answer.

``parse_command`` is for callers that act on text without asking back (the request form, the
property tests): it returns the command only when nothing was inferred and otherwise raises
``NeedsConfirmation``, a ``UsageError`` that shows how the text was read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.catalogue import say
from bot.grammar.asking import read_leading_id, read_query, read_revoke_of_one
from bot.grammar.changes import ChangeReader
from bot.grammar.lexicon import SUGGESTIONS, VERBS, Term
from bot.grammar.parser import parse_clean
from bot.grammar.render import render_command
from bot.grammar.text import clean_text, unwrap_slack_markup
from bot.grammar.usage import VERB_FORM, VERB_OR_HELP_FORM, unexpected
from bot.grammar.values import shown
from bot.grammar.words import Inference, Inferred, Words, read_words, request_id_word
from vocabulary.commands import REGION_RE, Authorize, Command
from vocabulary.errors import IncompleteCommand, UsageError

_CHANGE_VERBS = (Term.AUTHORIZE, Term.REVOKE, Term.CLOSE)


@dataclass(frozen=True, slots=True)
class Reading:
    """A command and what was inferred to read it; nothing inferred: typed as the grammar has it."""

    command: Command
    inferred: tuple[Inference, ...] = ()

    @property
    def canonical(self) -> str:
        """The command in the strict grammar, as Slack sends it (``&``, ``<``, ``>`` escaped)."""
        return render_command(self.command)

    @property
    def shown(self) -> str:
        """The canonical text as a person reads and types it."""
        return unwrap_slack_markup(self.canonical)


class NeedsConfirmation(UsageError):
    """The text reads as a command only through inference; ``reading`` says how."""

    def __init__(self, reading: Reading) -> None:
        self.reading = reading
        notes = say("usage.list_separator").join(i.note for i in reading.inferred)
        super().__init__(say("infer.needs_confirmation", shown=shown(reading.shown), notes=notes))


def read_command(text: str, *, max_duration: timedelta | None = None) -> Reading:
    """Read chat text; raise ``UsageError`` or ``IncompleteCommand`` and nothing else."""
    cleaned = clean_text(text)
    try:
        return Reading(parse_clean(cleaned, max_duration=max_duration))
    except (UsageError, IncompleteCommand) as exc:
        if cleaned.casefold().split(maxsplit=1)[:1] == ["check"]:
            raise  # the check form is read strictly: the everyday phrasings are for requests
        strict_error = exc
    words = read_words(cleaned)
    region = _take_region(words)
    try:
        command = parse_clean(_strict_text(words), max_duration=max_duration)
    except UsageError:
        if isinstance(strict_error, IncompleteCommand):
            raise strict_error from None
        raise
    if region is not None:
        if "region" not in type(command).model_fields:
            raise unexpected(region, form=VERB_OR_HELP_FORM, choices=())
        command = command.model_copy(update={"region": region})
    _note_dropped(words, command)
    return Reading(command, tuple(words.inferred))


def parse_command(text: str, *, max_duration: timedelta | None = None) -> Command:
    """The command ``text`` asks for when nothing had to be inferred; raise
    ``NeedsConfirmation`` (a ``UsageError``) when something was, and otherwise as
    ``read_command``."""
    reading = read_command(text, max_duration=max_duration)
    if reading.inferred:
        raise NeedsConfirmation(reading)
    return reading.command


def _strict_text(words: Words) -> str:
    if not words.items:
        raise UsageError(say("usage.no_command", form=say(VERB_FORM)))
    _verb_first(words)
    first = words.items[0]
    if first.is_value() and request_id_word([first]) is not None:
        return _without_reason(words, read_leading_id(words, first))
    if first.term is Term.PENDING:
        return _without_reason(words, read_query(words, first))
    if first.term not in VERBS:
        form = VERB_OR_HELP_FORM
        choices = [word for word in SUGGESTIONS if word != first.key]
        raise unexpected(first.text, form=form, choices=choices)
    if first.term not in _CHANGE_VERBS:
        return _without_reason(words, read_query(words, first))
    if first.term is Term.CLOSE:
        words.note(Inferred.VERB, say("infer.revoke", word=shown(first.text)))
    one = read_revoke_of_one(words) if first.term is not Term.AUTHORIZE else None
    text = one or ChangeReader(words, first).read()
    if words.reason is None:
        return text
    if first.term is Term.AUTHORIZE:
        return f"{text} because {words.reason}"
    words.note(Inferred.DROPPED, say("infer.no_reason"))
    return text


def _take_region(words: Words) -> str | None:
    """``in cn-shanghai``: the gateway's region wherever it stands (no namespace has that
    shape), taken out first so the clause reader never takes it for a namespace."""
    items = words.items
    for at in range(len(items) - 1):
        value = items[at + 1]
        if items[at].term is Term.IN and value.is_value() and REGION_RE.fullmatch(value.text):
            words.items = [*items[:at], *items[at + 2 :]]
            return value.text
    return None


def _verb_first(words: Words) -> None:
    """``给 网关 X 开通 …`` (for gateway X, open …): the gateway before the verb, as Chinese
    puts it; read as if the verb came first."""
    items = words.items
    at = next((i for i, word in enumerate(items[:3]) if word.term in _CHANGE_VERBS), None)
    if not at:
        return
    before = items[:at]
    values = [word for word in before if word.is_value()]
    nouns = [word for word in before if word.term is Term.GATEWAY]
    if len(values) == 1 and len(nouns) == len(before) - 1:
        words.items = [items[at], *before, *items[at + 1 :]]


def _without_reason(words: Words, text: str) -> str:
    if words.reason is not None:
        raise UsageError(say("usage.reason_only_authorize"))
    return text


def _note_dropped(words: Words, command: Command) -> None:
    """Soft words matter only when nothing else says how long access lasts."""
    if not words.dropped or (isinstance(command, Authorize) and command.duration is not None):
        return
    for word in words.dropped:
        key = "infer.dropped_permanent" if isinstance(command, Authorize) else "infer.dropped"
        words.note(Inferred.DROPPED, say(key, word=shown(word.text)))
