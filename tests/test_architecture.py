"""The layout keeps its promises: imports point down, and the stand-ins stay out of the product.

Every module of the product is read with ``ast`` (nothing is imported) and placed in a part by
its module path; parts sit on ranked layers (``ARCHITECTURE.md`` draws them). An import may
point to its own layer or one below, never above; the catalogue imports nothing of ours; the
stand-ins are imported only by entry modules and only inside a function. Imports made inside
functions or under ``TYPE_CHECKING`` count too: a lazy import is still an arrow.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("bot", "handlers", "approvals", "vocabulary")
STANDINS = "standins"

# Top first. A module belongs to the part whose path is its longest prefix; any other bot.*
# module is entry wiring (ENTRY_DEFAULT), so a new one may import anything below it but
# nothing below may import it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("command line", ("bot.__main__",)),
    ("commands", ("bot.cli",)),
    (
        "wiring",
        (
            "bot.deps",
            "bot.core",
            "bot.app",
            "bot.server",
            "bot.delivery",
            "bot.health",
            "bot.signatures",
            "bot.front_load",
        ),
    ),
    ("Slack surface", ("handlers",)),
    ("workflow", ("approvals",)),
    ("cloud", ("bot.cloud",)),
    ("process support", ("bot.settings", "bot.logs", "bot.metrics", "bot.event_loop")),
    ("grammar", ("bot.grammar",)),
    ("vocabulary", ("vocabulary",)),
    ("catalogue", ("bot.catalogue",)),
)
ENTRY_DEFAULT = "wiring"
PART_OF = {"bot.backlog": "bot.health"}  # the backlog gauges are read by the health endpoints
LEAVES = ("bot.catalogue",)  # the words people read, in each language; above it only rank rules
ENTRY_LAYERS = ("command line", "commands", "wiring")


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int
    in_function: bool

    def __str__(self) -> str:
        where = "inside a function" if self.in_function else "at module level"
        return f"{self.source}:{self.line} imports {self.target} {where}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def product_files() -> Iterator[Path]:
    for package in PRODUCT:
        yield from sorted((ROOT / package).rglob("*.py"))


def known_modules() -> set[str]:
    paths = [*product_files(), *(ROOT / STANDINS).rglob("*.py")]
    return {module_name(path) for path in paths}


def _imports_of(path: Path, modules: set[str]) -> Iterator[Import]:
    source = module_name(path)
    package = source if path.name == "__init__.py" else source.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

    def visit(node: ast.AST, in_function: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield Import(source, alias.name, child.lineno, in_function)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in child.names:
                    # ``from bot import backlog`` imports the module bot.backlog.
                    submodule = f"{base}.{alias.name}"
                    target = submodule if submodule in modules else base
                    yield Import(source, target, child.lineno, in_function)
            yield from visit(child, nested)

    yield from visit(tree, False)


def ours(module: str) -> bool:
    return module.partition(".")[0] in (*PRODUCT, STANDINS)


def product_imports() -> list[Import]:
    modules = known_modules()
    found = [item for path in product_files() for item in _imports_of(path, modules)]
    return [item for item in found if ours(item.target)]


def part_of(module: str) -> str:
    prefixes = [prefix for _, parts in LAYERS for prefix in (*parts, *PART_OF)]
    matches = [p for p in prefixes if module == p or module.startswith(f"{p}.")]
    if not matches:
        return module.partition(".")[0] if module.partition(".")[0] != "bot" else module
    longest = max(matches, key=len)
    return PART_OF.get(longest, longest)


def layer_of(module: str) -> str:
    part = part_of(module)
    for name, parts in LAYERS:
        if part in parts:
            return name
    if part.startswith("bot"):
        return ENTRY_DEFAULT
    raise AssertionError(f"{module} is in no layer; add it to LAYERS")


RANK = {name: rank for rank, (name, _) in enumerate(LAYERS)}


def test_the_product_imports_the_stand_ins_at_module_level_nowhere() -> None:
    found = [
        str(item)
        for item in product_imports()
        if item.target.partition(".")[0] == STANDINS and not item.in_function
    ]
    assert found == []


def test_only_entry_modules_load_the_stand_ins() -> None:
    found = [
        str(item)
        for item in product_imports()
        if item.target.partition(".")[0] == STANDINS and layer_of(item.source) not in ENTRY_LAYERS
    ]
    assert found == []


def test_no_layer_imports_one_above_it() -> None:
    upward = [
        f"{item} ({layer_of(item.source)} -> {layer_of(item.target)})"
        for item in product_imports()
        if item.target.partition(".")[0] != STANDINS
        and RANK[layer_of(item.target)] < RANK[layer_of(item.source)]
    ]
    assert upward == []


def test_the_catalogue_imports_nothing_of_ours() -> None:
    found = [
        str(item)
        for item in product_imports()
        if part_of(item.source) in LEAVES and part_of(item.target) != part_of(item.source)
    ]
    assert found == []


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of ``graph`` as its path, or [] when it has none."""
    state: dict[str, int] = {}  # 1 while on the current path, 2 once finished
    path: list[str] = []

    def walk(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for after in sorted(graph.get(node, ())):
            if state.get(after) == 1:
                return [*path[path.index(after) :], after]
            if after not in state and (found := walk(after)):
                return found
        path.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (found := walk(node)):
            return found
    return []


def test_no_import_cycle_between_parts() -> None:
    graph: dict[str, set[str]] = {}
    for item in product_imports():
        source, target = part_of(item.source), part_of(item.target)
        if source != target:
            graph.setdefault(source, set()).add(target)
    assert _cycle(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}}) == []


# One module of each layer, and a new bot module nobody has placed yet.
PLACES = {
    "bot.cli.serve": "commands",
    "bot.deps": "wiring",
    "bot.backlog": "wiring",
    "handlers.views": "Slack surface",
    "approvals.store": "workflow",
    "bot.cloud.aliyun": "cloud",
    "bot.settings": "process support",
    "bot.grammar.parser": "grammar",
    "vocabulary.errors": "vocabulary",
    "bot.catalogue.en": "catalogue",
    "bot.some_new_module": "wiring",
}


def test_modules_are_placed_by_their_path() -> None:
    assert {module: layer_of(module) for module in PLACES} == PLACES


# The image: what the Dockerfile copies, what the build context lets in, what pip packages.


def dockerfile_copies() -> list[str]:
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    sources: list[str] = []
    for line in text.splitlines():
        words = line.split()
        if not words or words[0].upper() != "COPY":
            continue
        if any(word.startswith("--from=") for word in words):
            continue  # from the builder stage, not from the checkout
        sources += [word for word in words[1:-1] if not word.startswith("--")]
    return sources


def dockerignore_allowed() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [line[1:].rstrip("/") for line in lines if line.startswith("!")]


def packaged() -> set[str]:
    """The packages ``pip install .`` puts in the wheel: setuptools' ``packages.find`` rule (every
    directory with an ``__init__.py`` under the root, kept when a pattern of ``include`` and none
    of ``exclude`` matches its dotted name), read from pyproject.toml."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    find = config["tool"]["setuptools"]["packages"]["find"]
    found = set()
    tops = [top for top in ROOT.iterdir() if top.is_dir() and not top.name.startswith(".")]
    for init in (init for top in tops for init in top.rglob("__init__.py")):
        relative = init.parent.relative_to(ROOT)
        # A package is found only where every directory above it is a package too.
        chain = [ROOT.joinpath(*relative.parts[: i + 1]) for i in range(len(relative.parts))]
        if not all((directory / "__init__.py").is_file() for directory in chain):
            continue
        name = ".".join(relative.parts)
        if any(fnmatch(name, pattern) for pattern in find["include"]) and not any(
            fnmatch(name, pattern) for pattern in find.get("exclude", ())
        ):
            found.add(name)
    return found


def test_the_image_copies_the_product_and_none_of_the_stand_ins() -> None:
    copied = {source.rstrip("/").removeprefix("./") for source in dockerfile_copies()}
    assert copied == {"pyproject.toml", "README.md", *PRODUCT}
    assert "." not in copied  # the whole checkout would bring the stand-ins along
    assert set(dockerignore_allowed()) == {"pyproject.toml", "README.md", *PRODUCT}


def test_the_product_wheel_packages_no_stand_in() -> None:
    packages = packaged()
    assert {package.partition(".")[0] for package in packages} == set(PRODUCT)
    assert not [package for package in packages if package.partition(".")[0] == STANDINS]
    # Every product package on disk is in the wheel, so none is left for the image to miss.
    on_disk = {module_name(path.parent) for path in product_files() if path.name == "__init__.py"}
    assert on_disk <= packages


def test_the_stand_ins_are_a_distribution_of_their_own() -> None:
    config = tomllib.loads((ROOT / STANDINS / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["project"]["name"] == "sgbot-standins"
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {module_name(path.parent) for path in (ROOT / STANDINS).rglob("__init__.py")}
    assert listed == on_disk
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-e ./standins" in makefile
    assert "-e ./standins" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_architecture_md_follows_a_request_in_at_most_ten_hops_through_real_files() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    journey = text.split("## One request", 1)[1]
    hops = re.findall(r"^(\d+)\. ", journey, flags=re.MULTILINE)
    assert 1 <= len(hops) <= 10
    named = set(
        re.findall(r"`((?:bot|handlers|approvals|vocabulary|standins)/[\w/]*(?:\.py)?)`", text)
    )
    # The message catalogue is a part that may arrive after this file was written.
    missing = [path for path in named if not (ROOT / path).exists() and "catalogue" not in path]
    assert named
    assert missing == []
