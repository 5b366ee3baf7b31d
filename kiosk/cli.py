"""Command line: say, transcribe, converse (one turn through the bridge), run (local microphone loop)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from pydantic import ValidationError

from assistant.privacy import install_log_redaction
from kiosk.audio import AudioFormatError, read_wav
from kiosk.dialogue import DialogueUnavailable
from kiosk.settings import KioskSettings
from kiosk.sources import NoAudioDevice
from kiosk.speakable import speakable
from kiosk.stt import SpeechModelError
from kiosk.tts import SpeechSynthesisError

EXIT_BAD_INPUT = 2
"""Unusable audio file or arguments."""
EXIT_ENVIRONMENT = 1
"""Missing model, espeak-ng, sound device."""
EXIT_BRIDGE_DOWN = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kiosk", description="Kiosk speech tools (Lễ tân số).")
    commands = parser.add_subparsers(dest="command", required=True)

    say = commands.add_parser("say", help="speak TEXT into a WAV file")
    say.add_argument("text")
    say.add_argument("--out", required=True, type=Path)
    say.add_argument("--lang", choices=["vi", "en"], default="vi")
    say.add_argument("--voice", help="espeak-ng voice id (default KIOSK_VOICE_VI / KIOSK_VOICE_EN)")
    say.add_argument("--rate", type=int, help="words per minute (default KIOSK_SPEECH_RATE)")
    say.add_argument("--as-written", action="store_true", help="do not rewrite numbers/codes/dates as words")

    for name, helptext in (
        ("transcribe", "recognise speech in a 16-bit mono WAV file"),
        ("converse", "one full turn: WAV question -> bridge /api/chat -> WAV reply"),
    ):
        sub = commands.add_parser(name, help=helptext)
        sub.add_argument("file", type=Path)
        sub.add_argument("--model", type=Path, help="vosk model folder (default KIOSK_VOSK_MODEL_DIR)")
        sub.add_argument("--phrases", type=Path, help="restrict recognition to these phrases (one per line)")
        sub.add_argument("--downmix", action="store_true", help="accept stereo by averaging the two channels")
        sub.add_argument("--json", action="store_true", help="print JSON")
        if name == "converse":
            sub.add_argument("--out", required=True, type=Path)
            sub.add_argument("--bridge", help="bridge base URL (default KIOSK_BRIDGE_URL or http://127.0.0.1:8000)")

    run = commands.add_parser("run", help="local microphone loop (needs a sound device and `sounddevice`)")
    run.add_argument("--model", type=Path)
    run.add_argument("--bridge")
    return parser


def _settings_for(args: argparse.Namespace) -> KioskSettings:
    updates = {}
    if getattr(args, "model", None):
        updates["vosk_model_dir"] = args.model
    if getattr(args, "phrases", None):
        updates["phrases_path"] = args.phrases
    if getattr(args, "rate", None):
        updates["speech_rate"] = args.rate
    if getattr(args, "voice", None):
        updates["voice_vi" if args.lang == "vi" else "voice_en"] = args.voice
    if getattr(args, "bridge", None):
        updates["bridge_url"] = args.bridge
    return KioskSettings().model_copy(update=updates)


def cmd_say(args: argparse.Namespace, settings: KioskSettings) -> int:
    from kiosk.engines import build_tts

    text = args.text if args.as_written or args.lang != "vi" else speakable(args.text)
    wav = build_tts(settings).synthesize(text, args.lang)
    args.out.write_bytes(wav)
    print(f"{args.out} ({read_wav(wav, max_seconds=3600).seconds:.2f} s)")
    return 0


def cmd_transcribe(args: argparse.Namespace, settings: KioskSettings) -> int:
    from kiosk.engines import build_stt

    audio = read_wav(args.file, downmix=args.downmix)
    transcript = build_stt(settings).transcribe(audio)
    print(json.dumps(transcript.to_json(), ensure_ascii=False) if args.json else transcript.text)
    return 0


def cmd_converse(args: argparse.Namespace, settings: KioskSettings) -> int:
    from kiosk.conversation import KioskConversation, TurnKind
    from kiosk.engines import build_dialogue, build_stt, build_tts

    audio = read_wav(args.file, downmix=args.downmix)
    conversation = KioskConversation(
        stt=build_stt(settings),
        tts=build_tts(settings),
        dialogue=build_dialogue(settings),
        min_confidence=settings.min_confidence,
    )
    started = time.perf_counter()
    result = conversation.hear(audio)
    args.out.write_bytes(result.audio)
    if args.json:
        print(json.dumps({**result.to_json(), "seconds": round(time.perf_counter() - started, 3)}, ensure_ascii=False))
    else:
        if result.transcript is not None:
            print(f"Nghe được / Heard: {result.transcript.text or '(không rõ / unclear)'}")
        print(result.display_text)
        for index, button in enumerate(result.buttons, start=1):
            print(f"  [{index}] {button.title}")
    if result.kind is TurnKind.UNAVAILABLE:
        print(
            f"kiosk: error: bridge {settings.bridge_url or 'http://127.0.0.1:8000'} did not answer /api/chat",
            file=sys.stderr,
        )
        return EXIT_BRIDGE_DOWN
    return 0


def cmd_run(args: argparse.Namespace, settings: KioskSettings) -> int:
    from kiosk.conversation import KioskConversation
    from kiosk.engines import build_dialogue, build_stt, build_tts, build_vad
    from kiosk.loop import ConsoleScreen, KioskLoop
    from kiosk.sources import MicrophoneSource, SpeakerPlayer

    source, player = MicrophoneSource(), SpeakerPlayer()  # fail fast without a sound device
    conversation = KioskConversation(
        stt=build_stt(settings),
        tts=build_tts(settings),
        dialogue=build_dialogue(settings),
        min_confidence=settings.min_confidence,
    )
    KioskLoop(
        conversation,
        source=source,
        screen=ConsoleScreen(),
        player=player,
        vad=build_vad(settings),
        max_follow_ups=settings.max_follow_ups,
    ).run()
    return 0


COMMANDS = {"say": cmd_say, "transcribe": cmd_transcribe, "converse": cmd_converse, "run": cmd_run}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.ERROR, format="kiosk: %(message)s")
    install_log_redaction()
    try:
        settings = _settings_for(args)
        return COMMANDS[args.command](args, settings)
    except AudioFormatError as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    except (SpeechModelError, SpeechSynthesisError, NoAudioDevice) as exc:
        return _fail(str(exc), EXIT_ENVIRONMENT)
    except DialogueUnavailable as exc:
        return _fail(str(exc), EXIT_BRIDGE_DOWN)
    except OSError as exc:
        return _fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "), EXIT_BAD_INPUT)
    except ValidationError as exc:  # a KIOSK_* setting with a wrong value
        problems = "; ".join(f"KIOSK_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
        return _fail(f"invalid setting — {problems}", EXIT_ENVIRONMENT)
    except KeyboardInterrupt:
        return 130


def _fail(message: str, code: int) -> int:
    print(f"kiosk: error: {' '.join(message.split())}", file=sys.stderr)
    return code
