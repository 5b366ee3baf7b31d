"""Printed queue tickets at the kiosk: ESC/POS through python-escpos (USB, network, file, or none), behind a small
Protocol so tests use a recording fake or the library's Dummy printer.

The ticket: ward, big number, desk and floor, priority, issue time, and a QR code of the public "your turn" page
(/t/{public id}) to follow the queue on a phone. Text is printed without diacritics ("Quay 1 - Ho tich"): most
kiosk thermal printers have no Vietnamese code page (CP1258) and would print garbage instead of accents.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class PrintedTicket:
    number: str
    """A031"""
    desk: str
    """The desk's name, e.g. "Quầy 1 – Hộ tịch, chứng thực"."""
    floor: str
    issued_at: str
    """Local time as printed, e.g. "06/12/2026 09:15"."""
    priority: str | None
    """Vietnamese label of the priority ("Người cao tuổi") or None for a normal ticket."""
    url: str
    """The public page of the ticket (encoded in the QR code)."""
    ward: str = ""


class TicketPrinter(Protocol):
    def print_ticket(self, ticket: PrintedTicket) -> None:
        """Print one ticket (raises PrinterError when the printer cannot be reached)."""
        ...


class PrinterError(RuntimeError):
    """The printer is not configured, not reachable or rejected the job."""


def plain(text: str) -> str:
    """Vietnamese without diacritics for printers without a Vietnamese code page:
    "Quầy 1 – Hộ tịch" -> "Quay 1 - Ho tich"."""
    text = text.replace("đ", "d").replace("Đ", "D").replace("–", "-").replace("—", "-")
    folded = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in folded if not unicodedata.combining(ch)).encode("ascii", "replace").decode("ascii")


def render(device: Any, ticket: PrintedTicket) -> None:
    """Write the ticket to a python-escpos printer object (Dummy, File, Network, Usb)."""
    device.set(align="center", bold=True)
    if ticket.ward:
        device.textln(plain(ticket.ward))
    device.set(align="center", normal_textsize=True)
    device.textln("SO THU TU / TICKET")
    device.set(align="center", bold=True, double_height=True, double_width=True)
    device.textln(ticket.number)
    device.set(align="center", normal_textsize=True)
    device.textln(plain(ticket.desk))
    device.textln(plain(f"Tầng / Floor: {ticket.floor}"))
    if ticket.priority:
        device.set(align="center", bold=True)
        device.textln(plain(f"Ưu tiên / Priority: {ticket.priority}"))
        device.set(align="center", bold=False)
    device.textln(plain(f"Giờ lấy số / Issued: {ticket.issued_at}"))
    device.textln(plain("Quét mã để theo dõi lượt / Scan to follow the queue:"))
    device.qr(ticket.url, size=6, native=True)
    device.cut()


class EscposTicketPrinter:
    """A python-escpos printer made by `open_device` for each ticket (a USB or network printer may come and go)."""

    def __init__(self, open_device: Callable[[], Any]):
        self._open = open_device
        self._lock = threading.Lock()

    def print_ticket(self, ticket: PrintedTicket) -> None:
        with self._lock:
            try:
                device = self._open()
                render(device, ticket)
                close = getattr(device, "close", None)
                if close:
                    close()
            except PrinterError:
                raise
            except Exception as exc:  # escpos raises its own errors plus OSError/USBError
                raise PrinterError(f"{type(exc).__name__}: {exc}") from exc


class NoPrinter:
    """KIOSK_PRINTER=none: the kiosk has no printer; the ticket is shown on screen only."""

    def print_ticket(self, ticket: PrintedTicket) -> None:
        raise PrinterError("no printer configured (KIOSK_PRINTER=none)")


def build_printer(kind: str, target: str) -> TicketPrinter:
    """The printer KIOSK_PRINTER names: none | file (target: a device file or path, e.g. /dev/usb/lp0) |
    network (target: host[:port], port 9100 by default) | usb (target: vendor:product in hex, e.g. 04b8:0202)."""
    if kind == "none":
        return NoPrinter()
    if not target:
        raise PrinterError(f"KIOSK_PRINTER={kind} needs KIOSK_PRINTER_TARGET")
    if kind == "file":
        from escpos.printer import File

        return EscposTicketPrinter(lambda: File(target))
    if kind == "network":
        from escpos.printer import Network

        host, _, port = target.partition(":")
        return EscposTicketPrinter(lambda: Network(host, port=int(port or 9100), timeout=5))
    if kind == "usb":
        from escpos.printer import Usb

        try:
            vendor, product = (int(part, 16) for part in target.split(":"))
        except ValueError as exc:
            raise PrinterError("KIOSK_PRINTER_TARGET for usb is vendor:product in hex, e.g. 04b8:0202") from exc
        return EscposTicketPrinter(lambda: Usb(vendor, product))
    raise PrinterError("KIOSK_PRINTER must be none, file, network or usb")
