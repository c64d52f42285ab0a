"""Work distribution over rq: enqueue page jobs (API side), run them (worker side), and
reconcile pages that Redis lost. Jobs carry ids only and use the JSON serializer.

The API imports :mod:`ocr_service.queue.enqueue` only; :mod:`ocr_service.queue.jobs`
loads the pipeline (OpenCV, Tesseract) and is imported by workers alone.
"""
