"""`asf-registry --help`, as an official reads it: Swedish by default, English with --lang en or ASF_LANG=en."""

from __future__ import annotations

import argparse

import pytest

from pipelines.cli import build_parser, help_language, main

# Every command the parser has, so that a new one is checked too.
COMMANDS = sorted(next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices)


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, "--help"])
    assert exit_info.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", ["", *COMMANDS, "sources check"])
def test_every_commands_help_is_in_swedish_by_default_and_in_english_when_asked(
    command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ASF_LANG", raising=False)
    argv = command.split()
    swedish = _help(capsys, *argv)
    assert swedish.startswith(f"användning: asf-registry {command}".rstrip())
    assert "flaggor:" in swedish and "visa den här hjälpen och avsluta" in swedish
    assert "usage:" not in swedish and "show this help message" not in swedish
    english = _help(capsys, "--lang", "en", *argv)
    assert english.startswith(f"usage: asf-registry {command}".rstrip()) and "show this help message" in english
    monkeypatch.setenv("ASF_LANG", "en")
    assert _help(capsys, *argv) == english


def test_the_commands_officials_use_explain_themselves_in_swedish(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ASF_LANG", raising=False)
    found = " ".join(_help(capsys, "find").split())
    assert "Exempel, catering nära Stockholm: asf-registry find --area catering --lan 01" in found
    assert "även organisationer som bara finns på en allmän medlemslista" in found
    assert "marknadsöversikt: vilka organisationer kan leverera vad" in " ".join(_help(capsys).split())
    assert "posterna som den senaste körningen höll tillbaka" in " ".join(_help(capsys).split())
    exported = " ".join(_help(capsys, "export").split())
    assert "{schema_version, exported_at, filters, organisations, change_log}" in exported


@pytest.mark.parametrize(
    ("argv", "env", "lang"),
    [
        (["find"], {}, "sv"),
        (["--lang", "en", "find"], {}, "en"),
        (["find", "--lang=en"], {}, "en"),
        (["find"], {"ASF_LANG": "en"}, "en"),
        (["find", "--lang", "sv"], {"ASF_LANG": "en"}, "sv"),
        (["find"], {"ASF_LANG": "fi"}, "sv"),  # reported as an error once the arguments are parsed
        (["find", "--lang"], {}, "sv"),
    ],
)
def test_the_help_language_is_known_before_the_arguments_are_parsed(
    argv: list[str], env: dict[str, str], lang: str
) -> None:
    assert help_language(argv, env) == lang
