"""Without the stand-ins installed, the commands that need them say how to install them, and
the product's own commands still load."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.optional import standins_required
from vocabulary.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]

# Runs the CLI in a fresh interpreter in which `standins` cannot be imported, as in the image.
WITHOUT_STANDINS = """
import sys
from importlib.abc import MetaPathFinder

class NoStandins(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "standins":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoStandins())
from bot.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def _sgbot_without_standins(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_STANDINS, *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("argv", "command"),
    [(("emulator", "--port", "0"), "sgbot emulator"), (("demo", "--port", "0"), "sgbot demo")],
)
def test_a_stand_in_command_says_how_to_install_the_stand_ins(
    argv: tuple[str, ...], command: str
) -> None:
    result = _sgbot_without_standins(*argv)
    assert result.returncode == 78, result.stderr
    assert f"{command} needs the local stand-ins" in result.stderr
    assert "pip install -e ./standins" in result.stderr


def test_the_product_commands_load_without_the_stand_ins() -> None:
    result = _sgbot_without_standins("parse", "authorize gateway prod-gw to sg-1 on 80")
    assert result.returncode == 0, result.stderr
    assert '"kind": "authorize"' in result.stdout


def test_only_the_stand_ins_absence_is_explained() -> None:
    with pytest.raises(ModuleNotFoundError), standins_required("x"):
        raise ModuleNotFoundError("No module named 'yaml'", name="yaml")
    with pytest.raises(ConfigError, match="x needs the local stand-ins"), standins_required("x"):
        raise ModuleNotFoundError("No module named 'standins.cloud'", name="standins.cloud")
