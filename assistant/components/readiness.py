"""`GET /webhooks/readiness/`: is a model loaded? Rasa's readiness without its HTTP API (registered in credentials.yml).

`rasa run` is started without `--enable-api`: that API has no token by default and lets anyone who reaches the
port read every tracker (`GET /conversations/{id}/tracker`), unload the model (`DELETE /model`) or make Rasa
fetch a URL (`PUT /model`). Without it Rasa serves only `/` and its channels, so this tiny input channel
answers the one question the bridge's /health and the start scripts need: 200 `{"model_loaded": true}`, else
503 `{"model_loaded": false}`. It takes no messages and creates no conversation.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse


class ReadinessChannel(InputChannel):
    """An input channel with a single GET route and no way to send a message."""

    @classmethod
    def name(cls) -> str:
        return "readiness"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        readiness = Blueprint("readiness_webhook", __name__)

        @readiness.route("/", methods=["GET"])
        async def ready(request: Request) -> HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            loaded = bool(agent is not None and agent.is_ready())
            return response.json({"model_loaded": loaded}, status=200 if loaded else 503)

        return readiness
