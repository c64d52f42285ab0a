"""The reading layer: read field zones, normalize, validate, score and flag.

Pure text modules (``normalize``, ``dates``, ``formats``, ``checks``, ``vocabulary``,
``postal``, ``validate``, ``confidence``) need neither OpenCV nor Tesseract. The image
modules (``prepare``, ``marks``, ``readers``) use OpenCV and talk to an OCR engine only
through :class:`ocr_service.ocr.base.OcrEngine`.
"""
