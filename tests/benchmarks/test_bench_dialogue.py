"""bench_dialogue's turn requests: through the bridge's web chat (the citizens' path) or straight to Rasa."""

from __future__ import annotations

from benchmarks.bench_dialogue import _reply_messages, _turn_request

RASA, BRIDGE = "http://127.0.0.1:5105", "http://127.0.0.1:8100"


def test_chat_turns_go_to_the_bridge_and_rasa_turns_to_the_webhook():
    assert _turn_request("chat", RASA, BRIDGE, "bench-1", "chào") == (
        f"{BRIDGE}/api/chat",
        {"sender": "bench-1", "message": "chào"},
    )
    assert _turn_request("rasa", RASA, BRIDGE, "bench-1", "chào") == (
        f"{RASA}/webhooks/rest/webhook",
        {"sender": "bench-1", "message": "chào"},
    )


def test_reply_messages_are_read_from_either_body_and_junk_is_none():
    message = {"text": "Dạ", "buttons": []}
    assert _reply_messages("chat", {"messages": [message], "degraded": False}) == [message]
    assert _reply_messages("rasa", [message]) == [message]
    assert _reply_messages("chat", [message]) is None
    assert _reply_messages("rasa", {"messages": [message]}) is None
