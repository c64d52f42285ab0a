"""The scanner folder: ``ocr-service watch DIR`` sends what scanners drop into ``DIR``.

A scanner set to "scan to folder" writes files into ``DIR``; the watcher sends each one
to the service over the HTTP API (``POST /v1/uploads``, as any client would) and files it
away. The folder's layout::

    DIR/                 the scanners write here (the inbox)
    DIR/processing/      claimed: being sent, or waiting for the service to answer
    DIR/done/            accepted by the service; NAME.upload.txt beside it names the upload
    DIR/failed/          refused; NAME.reason.txt beside it says why (Japanese, and the code)

One file's way, in four steps (:mod:`.watcher` runs them; :mod:`.settle`, :mod:`.folder`
and :mod:`.client` each own one idea):

1. **settle** — a file is taken only when its size and mtime have not changed for the
   settle interval and it can be opened; dotfiles and the temporary names scanners and
   copy tools use (``~*``, ``*.tmp``, ``*.part``...) are never taken.
2. **claim** — one atomic rename moves it into ``processing/``: from then on the inbox
   no longer has it, and a restart finds it there.
3. **send** — ``POST /v1/uploads``. The service keeps one upload per file content,
   template and key (``ocr_service.db.uploads``): sending the same bytes again answers
   ``200`` with the upload it already has, so a watcher killed after the service stored a
   file but before the file was moved sends it again and gets the same upload back.
4. **file** — the note (receipt or reason) is written first, atomically, then the file is
   renamed into ``done/`` or ``failed/``. A kill between the two leaves the file in
   ``processing/``; the next run sends it again (step 3) and rewrites the note.

So every file is in exactly one of the four folders at every moment, and the service holds
one upload per file: exactly once, across SIGKILL and restarts. This package imports no
OCR engine and no database: a scanner PC needs only the URL and a clerk's API key.
"""
