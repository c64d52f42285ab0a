"""The HTTP API (v1). ``create_app(settings)`` builds it; nothing connects at import."""

from ocr_service.api.app import create_app

__all__ = ["create_app"]
