"""Webhooks: downstream systems register a URL and receive signed event notifications.

* ``db.models``     the ``webhooks``, ``webhook_deliveries`` and ``webhook_attempts`` tables
* :mod:`.signing`  the ``X-OCR-Signature`` header (HMAC-SHA256 of ``"<t>.<body>"``)
* :mod:`.service`  register, list, remove, delivery log, and emitting events
* :mod:`.delivery` the rq job that POSTs one delivery (worker side), retried with backoff
* :mod:`.routes`   ``/v1/webhooks`` (admin only)

Payloads carry ids and statuses, never a field's value: the receiver fetches the document
through the API with its own key.
"""
