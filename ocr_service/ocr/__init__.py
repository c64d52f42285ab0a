"""OCR engines behind one seam (:mod:`ocr_service.ocr.base`).

Only :mod:`ocr_service.ocr.tesseract` imports the Tesseract bindings.
"""
