"""The one error family of ocr-service.

Every error the service raises on purpose derives from :class:`OcrServiceError`.
Each subclass carries a stable machine-readable ``code``, the HTTP status the API
answers with, the exit code of the command line, and whether a retry can help.
One FastAPI handler and one worker failure handler map them, and both bring any other
exception into the family with the one classifier, :mod:`ocr_service.failures`; nothing
outside the API layer raises ``HTTPException``.

    OcrServiceError
    ├── InputError                      (4xx: the caller sent something we cannot use)
    │   ├── UnsupportedFileType         unsupported_file_type
    │   ├── CorruptFile                 corrupt_file
    │   ├── EncryptedFile               encrypted_file
    │   ├── FileTooLarge                file_too_large
    │   ├── TooManyPages                too_many_pages
    │   ├── ImageTooLarge               image_too_large
    │   ├── ImageTooSmall               image_too_small
    │   └── InvalidValue                invalid_value
    ├── TemplateError
    │   ├── TemplateInvalid             template_invalid
    │   └── TemplateNotFound            template_not_found
    ├── PageError                       (a page could be read but not used)
    │   ├── BlankPage                   blank_page
    │   ├── TemplateMismatch            template_mismatch (another form than the one chosen)
    │   ├── NoTemplateMatched           no_template_matched (no known form)
    │   └── UnreadablePage              unreadable_page (too dark or too blurred to tell)
    ├── NotFound                        not_found
    ├── Conflict                        conflict (stale version, lease held)
    │   └── DuplicateUpload             duplicate_upload (the file was sent before, another ref)
    ├── InternalError                   internal_error (500; a bug, not the input)
    │   └── InvariantBroken             invariant_broken (stored state is inconsistent)
    ├── MissingDependency               missing_dependency (503, not retryable; exit 78)
    ├── AuthError
    │   ├── Unauthenticated             unauthenticated (401)
    │   └── Forbidden                   forbidden (403)
    └── ServiceUnavailable              service_unavailable (503, retryable)
        ├── OcrEngineError              ocr_engine_error (retryable)
        ├── JobTimeout                  job_timeout (retryable)
        └── StorageError                storage_error (retryable)
            └── StorageFull             storage_full (507, retryable)
"""

from __future__ import annotations

from typing import Any, ClassVar


class OcrServiceError(Exception):
    """Root of every error ocr-service raises on purpose."""

    code: ClassVar[str] = "error"
    http_status: ClassVar[int] = 500
    exit_code: ClassVar[int] = 1
    retryable: ClassVar[bool] = False

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


class InputError(OcrServiceError):
    """The input cannot be used; sending it again will not help."""

    code = "invalid_input"
    http_status = 400
    exit_code = 2


class UnsupportedFileType(InputError):
    """The bytes are not a PDF, TIFF, PNG or JPEG."""

    code = "unsupported_file_type"
    http_status = 415


class CorruptFile(InputError):
    """The file claims a supported type but cannot be decoded (truncated or damaged)."""

    code = "corrupt_file"
    http_status = 422


class EncryptedFile(InputError):
    """The PDF is password-protected."""

    code = "encrypted_file"
    http_status = 422


class FileTooLarge(InputError):
    """The upload is over the byte limit."""

    code = "file_too_large"
    http_status = 413


class TooManyPages(InputError):
    """The file has more pages than the per-file limit."""

    code = "too_many_pages"
    http_status = 413


class ImageTooLarge(InputError):
    """A page has more pixels than the limit (or is a decompression bomb)."""

    code = "image_too_large"
    http_status = 413


class ImageTooSmall(InputError):
    """A page is too small to hold a readable form."""

    code = "image_too_small"
    http_status = 422


class BodyTooLarge(InputError):
    """A request body (not an upload) is over its limit."""

    code = "body_too_large"
    http_status = 413


class InvalidValue(InputError):
    """A value does not fit its field's type or rules."""

    code = "invalid_value"
    http_status = 422


class TemplateError(OcrServiceError):
    """Something is wrong with a form template."""

    code = "template_error"
    http_status = 422
    exit_code = 3


class TemplateInvalid(TemplateError):
    """A template file breaks the template rules."""

    code = "template_invalid"


class TemplateNotFound(TemplateError):
    """No template has that id."""

    code = "template_not_found"
    http_status = 404


class PageError(OcrServiceError):
    """A page was decoded but cannot be read as a form."""

    code = "page_error"
    http_status = 422
    exit_code = 4


class BlankPage(PageError):
    """The page holds (almost) no ink."""

    code = "blank_page"


class TemplateMismatch(PageError):
    """The page is not the form of the template it was registered against."""

    code = "template_mismatch"


class NoTemplateMatched(PageError):
    """No known template matches the page."""

    code = "no_template_matched"


class UnreadablePage(PageError):
    """The page is too dark or too blurred to be registered; a rescan can help."""

    code = "unreadable_page"


class NotFound(OcrServiceError):
    """No such resource."""

    code = "not_found"
    http_status = 404
    exit_code = 2


class MethodNotAllowed(OcrServiceError):
    """The path exists, but not with this HTTP method."""

    code = "method_not_allowed"
    http_status = 405
    exit_code = 2


class Conflict(OcrServiceError):
    """The change is based on a stale version, or someone else holds the item."""

    code = "conflict"
    http_status = 409
    exit_code = 2


class DuplicateUpload(Conflict):
    """The same file was uploaded before with another ``external_ref``; nothing was recorded."""

    code = "duplicate_upload"


class InternalError(OcrServiceError):
    """Something unexpected broke inside the service (a bug); the details are in the log."""

    code = "internal_error"
    http_status = 500


class MissingDependency(OcrServiceError):
    """A program, model or data file the service needs is not installed; an operator must fix it."""

    code = "missing_dependency"
    http_status = 503
    exit_code = 78  # EX_CONFIG
    retryable = False


class InvariantBroken(InternalError):
    """Stored state breaks a rule the code relies on (a bug or a hand-edited database)."""

    code = "invariant_broken"


class AuthError(OcrServiceError):
    """Authentication or authorization failed."""

    code = "auth_error"
    http_status = 401
    exit_code = 2


class Unauthenticated(AuthError):
    """No API key, or a key we do not know."""

    code = "unauthenticated"
    http_status = 401


class Forbidden(AuthError):
    """The key's role may not do this."""

    code = "forbidden"
    http_status = 403


class ServiceUnavailable(OcrServiceError):
    """A dependency (database, Redis, storage) is unavailable; try again later."""

    code = "service_unavailable"
    http_status = 503
    exit_code = 75
    retryable = True


class OcrEngineError(ServiceUnavailable):
    """The OCR engine failed on a crop (not the same as reading nothing)."""

    code = "ocr_engine_error"


class JobTimeout(ServiceUnavailable):
    """Reading a page took longer than the job timeout."""

    code = "job_timeout"


class StorageError(ServiceUnavailable):
    """Storage could not be written or read."""

    code = "storage_error"


class StorageFull(StorageError):
    """Storage has no space left (or its quota is used up)."""

    code = "storage_full"
    http_status = 507
