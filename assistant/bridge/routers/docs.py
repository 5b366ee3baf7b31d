"""API docs `GET /docs` served offline: Swagger UI files from the `swagger-ui-bundle-v2` package (Swagger UI 5), our own
page."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "docs"
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
    "docs-init.js": "text/javascript; charset=utf-8",
}
PAGE_HEADERS = {
    # Swagger UI sets inline styles on its elements; scripts only from this server.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

router = APIRouter(tags=["docs"])


def _swagger_dir() -> Path | None:
    try:
        import swagger_ui_bundle
    except ImportError:
        return None
    return Path(swagger_ui_bundle.swagger_ui_path)


@router.get("/docs", include_in_schema=False)
def docs_page() -> FileResponse:
    """Interactive API documentation (Swagger UI) without loading anything from the internet."""
    if _swagger_dir() is None:
        raise HTTPException(
            status_code=503, detail="Tài liệu API cần gói swagger-ui-bundle-v2. / API docs need swagger-ui-bundle-v2."
        )
    return FileResponse(STATIC_DIR / "docs.html", media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)


@router.get("/docs/assets/{name}", include_in_schema=False)
def docs_asset(name: str) -> FileResponse:
    if name not in ASSETS:
        raise HTTPException(status_code=404, detail="Không tìm thấy tệp. / File not found.")
    folder = STATIC_DIR if name == "docs-init.js" else _swagger_dir()
    if folder is None or not (folder / name).is_file():
        raise HTTPException(status_code=404, detail="Không tìm thấy tệp. / File not found.")
    return FileResponse(folder / name, media_type=ASSETS[name], headers={"Cache-Control": "max-age=86400"})
