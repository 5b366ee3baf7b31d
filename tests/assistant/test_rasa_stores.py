"""Which endpoints file the Rasa launcher picks (assistant/rasa_stores.py), and that the files say what it says."""

from __future__ import annotations

import re

import pytest
import yaml

from assistant import rasa_stores
from assistant.rasa_stores import ENDPOINT_FILES, VARIABLES, StoreConfigError, plan_run

RUN = ["run", "-i", "127.0.0.1", "-p", "5005", "--model", "m.tar.gz"]


def endpoints_of(plan) -> str:
    return plan.argv[plan.argv.index("--endpoints") + 1]


def test_default_is_the_in_memory_file_of_make_run():
    plan = plan_run(RUN, {})
    assert endpoints_of(plan) == str(ENDPOINT_FILES["memory"])
    assert "memory" in plan.summary
    tracker = yaml.safe_load(ENDPOINT_FILES["memory"].read_text())["tracker_store"]
    assert tracker["type"] == "assistant.components.tracker_store.RedactingTrackerStore"
    assert "lock_store" not in yaml.safe_load(ENDPOINT_FILES["memory"].read_text())


@pytest.mark.parametrize(
    "choice, tracker_type",
    [
        ("sql", "assistant.components.shared_tracker_stores.RedactingSQLTrackerStore"),
        ("redis", "assistant.components.shared_tracker_stores.RedactingRedisTrackerStore"),
    ],
)
def test_shared_choices_name_a_redacting_store_and_the_redis_lock_store(choice, tracker_type):
    plan = plan_run(RUN, {"LETANSO_TRACKER_STORE": choice.upper(), "LETANSO_TRACKER_DB_PASSWORD": "s3cret"})
    assert endpoints_of(plan) == str(ENDPOINT_FILES[choice])
    config = yaml.safe_load(ENDPOINT_FILES[choice].read_text())
    assert config["tracker_store"]["type"] == tracker_type
    assert config["lock_store"]["type"] == "redis"
    assert "s3cret" not in plan.summary


@pytest.mark.parametrize("choice", ["sql", "redis"])
def test_every_variable_a_shared_file_expands_has_a_default(choice):
    text = ENDPOINT_FILES[choice].read_text()
    expanded = set(re.findall(r"\$\{(\w+)\}", text))
    assert expanded, "the shared files take their hosts from the environment"
    known = {v.name for v in VARIABLES}
    assert expanded <= known, expanded - known
    plan = plan_run(RUN, {"LETANSO_TRACKER_STORE": choice})
    assert expanded <= set(plan.environment)


def test_given_values_and_dotenv_win_over_defaults_and_the_process_environment_wins_over_both(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("# comment\nLETANSO_REDIS_PORT=6390\nLETANSO_TRACKER_STORE=sql\nBRIDGE_PORT=1\n")
    found = rasa_stores.read_dotenv(dotenv)
    assert found == {"LETANSO_REDIS_PORT": "6390", "LETANSO_TRACKER_STORE": "sql"}
    plan = plan_run(RUN, {**found, "LETANSO_REDIS_PORT": "6400"})
    assert plan.environment["LETANSO_REDIS_PORT"] == "6400"
    assert plan.environment["LETANSO_REDIS_HOST"] == "127.0.0.1"
    environ = {"LETANSO_REDIS_HOST": "redis.internal"}
    rasa_stores.apply(plan, environ)
    assert environ["LETANSO_REDIS_HOST"] == "redis.internal" and environ["LETANSO_REDIS_PORT"] == "6400"


def test_an_explicit_endpoints_file_is_used_as_given():
    plan = plan_run([*RUN, "--endpoints", "my.yml"], {"LETANSO_TRACKER_STORE": "sql"})
    assert plan.argv.count("--endpoints") == 1 and endpoints_of(plan) == "my.yml"
    assert "my.yml" in plan.summary


def test_an_unknown_store_is_a_clear_error():
    with pytest.raises(StoreConfigError, match="memory, sql, redis"):
        plan_run(RUN, {"LETANSO_TRACKER_STORE": "mongo"})


@pytest.mark.parametrize(
    "argv", [[*RUN, "--enable-api"], [*RUN, "--enable-api", "--auth-token", " "], [*RUN, "--enable-api", "-t"]]
)
def test_the_rasa_api_is_refused_without_a_token(argv):
    with pytest.raises(StoreConfigError, match="--auth-token"):
        plan_run(argv, {})


@pytest.mark.parametrize("token", [["--auth-token", "abc"], ["--auth-token=abc"], ["-t", "abc"]])
def test_the_rasa_api_with_a_token_is_allowed(token):
    assert "--enable-api" in plan_run([*RUN, "--enable-api", *token], {}).argv
