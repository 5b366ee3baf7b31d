"""Base class of the thin actions: services injection, language of the turn, sending a Reply."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from assistant.actions.channel import turn_channel
from assistant.actions.language import language_of_turn
from assistant.actions.reply import Reply
from assistant.actions.runtime import ServiceProvider, Services, services_of


def turn_language(tracker: Tracker) -> str:
    """Language of the latest user message; button payloads and bare numbers keep the previous one.

    Rasa's LanguageSlotPolicy has already put this turn's language in the slot; detecting again here is
    cheap and keeps the actions right when they run without it (tests, another policy set-up).
    """
    return language_of_turn(tracker.latest_message.get("text") or "", tracker.get_slot("language"))


def send(dispatcher: CollectingDispatcher, reply: Reply) -> list[dict[str, Any]]:
    """Utter the reply (text, buttons and the structured payload) and return its slot events."""
    message: dict[str, Any] = {"text": reply.text}
    if reply.buttons:
        message["buttons"] = reply.buttons
    if reply.payload is not None:
        message["json_message"] = reply.payload.to_custom()
    dispatcher.utter_message(**message)
    return [SlotSet(name, value) for name, value in reply.slots.items()]


class ServiceAction(Action, ABC):
    """An action that calls one service: the server passes its ``ServiceProvider``, tests ``Services`` built on a
    fake bridge. rasa-sdk's own package scan constructs actions without arguments; such an action can be listed
    but refuses to run.

    `run` makes the turn's channel (its ward, from the message metadata) current for every bridge call, then `act`s.
    """

    def __init__(self, services: Services | ServiceProvider | None = None) -> None:
        self._services = services

    @property
    def services(self) -> Services:
        return services_of(self._services, self.name())

    @abstractmethod
    def name(self) -> str: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        with turn_channel((tracker.latest_message or {}).get("metadata")):
            return await self.act(dispatcher, tracker, domain)

    @abstractmethod
    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        """The action itself (read slots, call a service, utter, return events)."""
