"""Printed queue tickets: the ESC/POS bytes (python-escpos Dummy printer) hold the number, the desk and a native QR
code (GS ( k) of the public page; printer errors are reported, not raised raw."""

from __future__ import annotations

import pytest
from escpos.printer import Dummy

from kiosk.ticket_printer import EscposTicketPrinter, PrintedTicket, PrinterError, build_printer, plain

QR_COMMAND = b"\x1d(k"  # GS ( k: the printer's native 2D code function
TICKET = PrintedTicket(
    number="A031",
    desk="Quầy 1 – Hộ tịch, chứng thực",
    floor="Tầng 1",
    issued_at="06/12/2026 09:15",
    priority="Người cao tuổi",
    url="http://192.168.1.10:8000/t/Xy3kPq9Zr8WmT2aB",
    ward="Phường Cửa Nam",
)


def test_escpos_bytes_hold_number_desk_and_qr_of_the_public_page():
    device = Dummy()
    EscposTicketPrinter(lambda: device).print_ticket(TICKET)
    data = device.output
    assert b"A031" in data and b"Quay 1 - Ho tich, chung thuc" in data and b"Nguoi cao tuoi" in data
    assert QR_COMMAND in data
    qr_store = data.index(QR_COMMAND + bytes([len(TICKET.url) + 3, 0]) + b"1P0")  # GS ( k pL pH cn=49 fn=80 m=48
    assert data[qr_store + 8 : qr_store + 8 + len(TICKET.url)] == TICKET.url.encode()
    assert data.rstrip().endswith(b"\x1dV\x00") or b"\x1dV" in data  # paper cut


def test_a_normal_ticket_prints_no_priority_line():
    device = Dummy()
    EscposTicketPrinter(lambda: device).print_ticket(PrintedTicket(**{**TICKET.__dict__, "priority": None}))
    assert b"A031" in device.output and b"Priority" not in device.output


def test_unreachable_printer_is_a_printer_error(tmp_path):
    printer = build_printer("file", str(tmp_path / "missing-dir" / "lp0"))
    with pytest.raises(PrinterError):
        printer.print_ticket(TICKET)
    with pytest.raises(PrinterError):
        build_printer("none", "").print_ticket(TICKET)
    with pytest.raises(PrinterError):
        build_printer("usb", "not-hex")


def test_file_printer_writes_the_bytes(tmp_path):
    path = tmp_path / "lp0"
    path.touch()
    build_printer("file", str(path)).print_ticket(TICKET)
    assert b"A031" in path.read_bytes() and QR_COMMAND in path.read_bytes()


def test_plain_folds_vietnamese_for_printers_without_cp1258():
    assert plain("Đăng ký khai sinh – Quầy 2") == "Dang ky khai sinh - Quay 2"
