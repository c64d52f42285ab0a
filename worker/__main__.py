import sys

from ocr_service.worker_context import limit_threads

limit_threads()  # before the engines load: Tesseract reads OMP_THREAD_LIMIT then

from worker import main  # noqa: E402

sys.exit(main())
