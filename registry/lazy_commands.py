"""The `registry` group's subcommands whose modules are slow to import, loaded when they are used.

`registry.intake.commands` imports the extractor (cn2an, the rule and vocabulary tables): about a second
of start-up that `registry export` or `registry info` never needs. The group holds those commands as
names until one is run, asked for its help or walked (mkdocs-click's reference, a test): `commands` is a
mapping whose keys are every command and whose values import on first access. `registry --help` lists
them by the summaries below without importing them; tests/test_cli_conventions.py checks each summary
is the command's own.
"""
from __future__ import annotations

import importlib
from collections.abc import MutableMapping

import click

# name -> (module, attribute, the first paragraph of the command's docstring)
LAZY = {
    "init": ("registry.intake.commands", "init",
             "Create an empty registry folder (projects.csv, targets.csv, plans/documents.csv)."),
    "add-plan": ("registry.intake.commands", "add_plan_command",
                 "Add a plan (a .txt, .pdf, .html or .docx file, an http(s) URL, or a document of a JSON sentence "
                 "corpus with --entry) and extract its candidates for review."),
    "review": ("registry.intake.commands", "review_command",
               "Accept, edit or reject a plan's candidates; add what the extractor missed; accepted rows go into "
               "projects.csv and targets.csv."),
}


class LazyCommands(MutableMapping):
    """A group's `commands`: loaded commands, and lazy ones imported when their value is first read."""

    def __init__(self, lazy: dict[str, tuple[str, str, str]]):
        self._loaded: dict[str, click.Command] = {}
        self._lazy = dict(lazy)

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded and name in self._lazy:
            module, attribute, _summary = self._lazy.pop(name)
            self._loaded[name] = getattr(importlib.import_module(module), attribute)
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._lazy.pop(name, None)
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        if self._lazy.pop(name, None) is None:
            del self._loaded[name]

    def __iter__(self):
        return iter([*self._loaded, *self._lazy])

    def __len__(self) -> int:
        return len(self._loaded) + len(self._lazy)

    def summary(self, name: str) -> click.Command | None:
        """A stand-in carrying a lazy command's summary for the group's help, or None once it is loaded."""
        if name in self._lazy:
            return click.Command(name, help=self._lazy[name][2])
        return None


class LazyGroup(click.Group):
    """click.Group with the LAZY commands (see the module's docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands(LAZY)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # click's own listing, but an unloaded command is listed by its summary instead of being imported.
        commands = []
        for name in self.list_commands(ctx):
            command = self.commands.summary(name) or self.get_command(ctx, name)
            if command is not None and not command.hidden:
                commands.append((name, command))
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            with formatter.section("Commands"):
                formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in commands])
