"""``python -m ocr_service.cli``: the ``ocr-service`` command."""

import sys

from ocr_service.cli import main

sys.exit(main())
