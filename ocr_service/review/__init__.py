"""Human review of flagged fields: tasks and leases, corrections, images and the audit trail.

Every flagged, unresolved field of a document in ``needs_review`` is one task. A reviewer
claims the next task and holds a lease on it for a limited time; corrections and
acceptances are checked against the field's type, locked optimistically on the
document's ``version`` and written to the append-only audit log. When a document's last
flagged field is resolved, the document becomes ``verified`` and reaches the feed.

Nothing here imports OpenCV or Tesseract: the API process runs it.
"""
