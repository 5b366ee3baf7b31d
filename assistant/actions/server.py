"""The action server's composition root: ``python -m assistant.actions -p 5055`` (rasa-sdk's other options apply).

``ActionSettings`` is read from the environment / ``.env`` here, once, and every action is constructed with one
``ServiceProvider`` over it, so no action module reads settings itself. rasa-sdk's own ``python -m rasa_sdk
--actions …`` cannot do that: its package scan constructs action classes without arguments. A module-level instance
set here would not do either: Sanic serves from a spawned worker process, which imports our modules afresh and
receives only the pickled action executor — so the settings travel inside the actions. ``build_executor`` is the
part a test can call: the executor it returns is the one served.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import logging
import pkgutil
from collections.abc import Sequence

from rasa_sdk import Action, utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_argument_parser, run
from rasa_sdk.executor import ActionExecutor

import assistant.actions
from assistant.actions.runtime import ServiceProvider
from assistant.actions.settings import ActionSettings

ACTION_MODULE_SUFFIX = "_actions"
"""The action classes live in ``assistant/actions/*_actions.py``; the other modules are logic they call."""


def action_classes() -> list[type[Action]]:
    """Every concrete action class of ``assistant.actions``, importing its ``*_actions`` modules."""
    for module in pkgutil.iter_modules(assistant.actions.__path__, prefix="assistant.actions."):
        if module.name.endswith(ACTION_MODULE_SUFFIX):
            importlib.import_module(module.name)
    return [
        cls
        for cls in utils.all_subclasses(Action)
        if cls.__module__.startswith("assistant.actions.") and not inspect.isabstract(cls)
    ]


def build_executor(settings: ActionSettings) -> ActionExecutor:
    """An executor whose actions share one ServiceProvider over ``settings``."""
    provider = ServiceProvider(settings)
    executor = ActionExecutor()
    for cls in action_classes():
        executor.register_action(cls(provider))
    return executor


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """rasa-sdk's options, less those that would load actions some other way (a package, hot reload, gRPC)."""
    parser = create_argument_parser()
    parser.prog = "python -m assistant.actions"
    args = parser.parse_args(argv)
    for option, given in (
        ("--actions", args.actions),
        ("--actions-module", args.actions_module),
        ("--auto-reload", args.auto_reload),
        ("--grpc", args.grpc),
    ):
        if given:
            parser.error(f"{option} is not supported: this entry point registers assistant.actions itself")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    logging.getLogger("matplotlib").setLevel(logging.WARN)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file, args.loglevel, args.logging_config_file
    )
    utils.update_sanic_log_level()
    executor = build_executor(ActionSettings())
    run(
        executor,
        args.port,
        args.cors,
        args.ssl_certificate,
        args.ssl_keyfile,
        args.ssl_password,
        auto_reload=False,
        endpoints=args.endpoints,
    )
