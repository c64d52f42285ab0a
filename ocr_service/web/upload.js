// The upload page: send scans, watch each upload's sheets being read, and deal with the
// refused ones (read again with another template, or mark as not a form).
// No build step and no dependencies. The API key lives in sessionStorage only; the
// language choice (Japanese first, English available) in localStorage.
"use strict";

(() => {
  const KEY_STORAGE = "ocr-upload-key";
  const LANG_STORAGE = "ocr-upload-lang";
  const POLL_MS = 1000;
  const FINISHED = new Set(["done", "done_with_failures", "failed"]);
  const REFUSED = new Set(["failed", "not_a_form"]);

  const T = {
    ja: {
      title: "申請書の取り込み", skip: "本文へ移動", signOut: "サインアウト",
      signInTitle: "サインイン", keyLabel: "窓口担当のAPIキー",
      keyHelp: "キーはこのタブの間だけ保存され（sessionStorage）、閉じると消えます。",
      signIn: "サインイン", sendTitle: "スキャンしたファイルを送る", templateLabel: "様式",
      classify: "自動で判別する",
      templateHelp: "様式が分かっていれば選んでください。選ばないと、登録されている様式から自動で判別します。",
      dropLabel: "ファイルをここにドロップ",
      dropHint: "PDF・TIFF・PNG・JPEG をここにドロップ（複数可。フィーダーでまとめてスキャンした PDF もそのまま）",
      chooseLabel: "またはファイルを選ぶ", chosenLabel: "送るファイル",
      send: "読み取りに送る", clear: "選び直す", progressTitle: "読み取りの状況",
      nothingYet: "まだ何も送っていません。送ったファイルや、下の一覧で開いた受付がここに表示されます。",
      recentTitle: "最近の受付", colReceived: "受付日時", colFile: "ファイル", colTemplate: "様式",
      colStatus: "状態", colSheets: "枚数", colOpen: "表示", refresh: "一覧を更新", open: "表示",
      noRecent: "受付はまだありません。",
      langButton: "English", langName: "en",
      sheet: (n) => `${n}枚目`,
      sheetImage: (n) => `${n}枚目の画像`,
      noImage: "画像はありません",
      templateFor: (n) => `${n}枚目の様式`,
      reread: "この様式で読み直す", notAForm: "申請書ではない",
      uploadStatus: {
        queued: "待機中", processing: "読み取り中", done: "完了",
        done_with_failures: "完了（読めない用紙あり）", failed: "読み取れませんでした",
      },
      pageStatus: {
        queued: "読み直し待ち", processing: "読み直し中", done: "読み取りました",
        failed: "読めませんでした", not_a_form: "申請書ではないとしました",
      },
      summary: (c) => `全 ${c.total} 枚: 読み取り済み ${c.done} ・ 読めず ${c.failed}` +
        (c.not_a_form ? ` ・ 申請書ではない ${c.not_a_form}` : "") +
        (c.pending ? ` ・ 処理中 ${c.pending}` : ""),
      meta: (u) => `受付ID ${u.id} ・ 様式 ${u.template || "自動判別"} ・ ${when(u.created_at)}`,
      chosen: (n) => `${n} 件のファイルを送ります`,
      sending: (name) => `「${name}」を送っています…`,
      sent: (name, n) => `「${name}」を受け付けました（${n} 枚）。`,
      repeated: (name) => `「${name}」は受付済みでした。その受付を表示します。`,
      refused: (name, msg) => `「${name}」は受け付けられませんでした: ${msg}`,
      rereadSent: (n) => `${n}枚目を読み直しに送りました。`,
      markedNotAForm: (n) => `${n}枚目を「申請書ではない」にしました。`,
      finished: (name, s) => `「${name}」の読み取りが終わりました: ${s}`,
      badKey: "APIキーが無効です。もう一度サインインしてください。",
      failedAction: (msg) => `できませんでした: ${msg}`,
      enterKey: "APIキーを入力してください。",
    },
    en: {
      title: "Send application forms", skip: "Skip to content", signOut: "Sign out",
      signInTitle: "Sign in", keyLabel: "Clerk's API key",
      keyHelp: "The key is kept for this tab only (sessionStorage) and is gone when it closes.",
      signIn: "Sign in", sendTitle: "Send scanned files", templateLabel: "Form",
      classify: "Detect the form",
      templateHelp: "Choose the form if you know it; otherwise the service detects it among the registered forms.",
      dropLabel: "Drop files here",
      dropHint: "Drop PDF, TIFF, PNG or JPEG files here (several at once, or one feeder PDF)",
      chooseLabel: "or choose files", chosenLabel: "Files to send",
      send: "Send for reading", clear: "Choose again", progressTitle: "Reading progress",
      nothingYet: "Nothing sent yet. Files you send, and uploads you open below, show here.",
      recentTitle: "Recent uploads", colReceived: "Received", colFile: "File", colTemplate: "Form",
      colStatus: "Status", colSheets: "Sheets", colOpen: "Show", refresh: "Refresh list", open: "Show",
      noRecent: "No uploads yet.",
      langButton: "日本語", langName: "ja",
      sheet: (n) => `Sheet ${n}`,
      sheetImage: (n) => `Image of sheet ${n}`,
      noImage: "No image",
      templateFor: (n) => `Form for sheet ${n}`,
      reread: "Read again with this form", notAForm: "Not a form",
      uploadStatus: {
        queued: "Waiting", processing: "Reading", done: "Done",
        done_with_failures: "Done (some sheets refused)", failed: "Could not be read",
      },
      pageStatus: {
        queued: "Waiting to be read again", processing: "Being read again", done: "Read",
        failed: "Refused", not_a_form: "Marked as not a form",
      },
      summary: (c) => `${c.total} sheets: ${c.done} read, ${c.failed} refused` +
        (c.not_a_form ? `, ${c.not_a_form} not a form` : "") +
        (c.pending ? `, ${c.pending} in progress` : ""),
      meta: (u) => `Upload ${u.id} · form ${u.template || "detected"} · ${when(u.created_at)}`,
      chosen: (n) => `${n} file(s) to send`,
      sending: (name) => `Sending "${name}"…`,
      sent: (name, n) => `"${name}" was received (${n} sheets).`,
      repeated: (name) => `"${name}" was received before; showing that upload.`,
      refused: (name, msg) => `"${name}" was refused: ${msg}`,
      rereadSent: (n) => `Sheet ${n} was sent to be read again.`,
      markedNotAForm: (n) => `Sheet ${n} was marked as not a form.`,
      finished: (name, s) => `Reading "${name}" is finished: ${s}`,
      badKey: "The API key is not valid. Please sign in again.",
      failedAction: (msg) => `That did not work: ${msg}`,
      enterKey: "Enter the API key.",
    },
  };

  const $ = (id) => document.getElementById(id);
  const el = {
    language: $("language"), signOut: $("sign-out"), main: $("main"),
    signIn: $("sign-in"), signInForm: $("sign-in-form"), apiKey: $("api-key"),
    desk: $("desk"), sendForm: $("send-form"), template: $("template"), drop: $("drop"),
    files: $("files"), chosen: $("chosen"), send: $("send"), clear: $("clear"),
    message: $("message"), nothingYet: $("nothing-yet"), watched: $("watched"),
    recent: document.querySelector("#recent tbody"), refreshRecent: $("refresh-recent"),
    uploadCard: $("upload-card"), refusedSheet: $("refused-sheet"),
  };

  const state = {
    key: sessionStorage.getItem(KEY_STORAGE),
    lang: localStorage.getItem(LANG_STORAGE) === "en" ? "en" : "ja",
    templates: [],
    files: [],
    watched: new Map(), // upload id -> {upload, card, sheets: Map(sheet -> li), wasFinished}
    touched: new Set(), // "uploadId:sheet" of sheets a clerk acted on in this tab
    images: new Map(), // "uploadId:sheet:attempts" -> blob: URL
    timer: null,
  };
  const t = () => T[state.lang];

  class ApiError extends Error {
    constructor(status, body) {
      const error = (body && body.error) || {};
      super(error.message || `HTTP ${status}`);
      this.status = status;
      this.code = error.code || "error";
    }
  }

  async function api(method, url, { json, form } = {}) {
    const headers = { Authorization: `Bearer ${state.key}`, "Accept-Language": state.lang };
    let body;
    if (json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(json);
    } else if (form !== undefined) {
      body = form;
    }
    const response = await fetch(url, {
      method, headers, body, cache: "no-store", credentials: "omit",
    });
    if (response.status === 401) {
      signOut(t().badKey);
      throw new ApiError(401, null);
    }
    if (!response.ok) {
      let payload = null;
      try { payload = await response.json(); } catch { payload = null; }
      throw new ApiError(response.status, payload);
    }
    return response;
  }

  function when(iso) {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(state.lang === "ja" ? "ja-JP" : "en-GB");
  }

  function say(text, kind = "info") {
    el.message.textContent = text;
    el.message.dataset.kind = kind;
  }

  // -- language -------------------------------------------------------------------
  function applyLanguage() {
    const texts = t();
    document.documentElement.lang = state.lang;
    document.title = `${texts.title} — ocr-service`;
    for (const node of document.querySelectorAll("[data-i18n]")) {
      const text = texts[node.dataset.i18n];
      if (typeof text === "string") node.textContent = text;
    }
    for (const node of document.querySelectorAll("[data-i18n-label]")) {
      node.setAttribute("aria-label", texts[node.dataset.i18nLabel]);
    }
    el.language.textContent = texts.langButton;
    el.language.lang = texts.langName;
    fillTemplateOptions(el.template, el.template.value);
    showChosen();
  }

  el.language.addEventListener("click", () => {
    state.lang = state.lang === "ja" ? "en" : "ja";
    localStorage.setItem(LANG_STORAGE, state.lang);
    applyLanguage();
    if (state.key && !el.desk.hidden) {
      for (const entry of state.watched.values()) render(entry); // status words now
      refreshAll(); // the service's reasons, in the new language
      loadRecent();
    }
  });

  // -- signing in -----------------------------------------------------------------
  function show(signedIn) {
    el.signIn.hidden = signedIn;
    el.desk.hidden = !signedIn;
    el.signOut.hidden = !signedIn;
  }

  function signOut(text) {
    sessionStorage.removeItem(KEY_STORAGE);
    state.key = null;
    clearTimeout(state.timer);
    for (const url of state.images.values()) URL.revokeObjectURL(url);
    state.images.clear();
    state.watched.clear();
    el.watched.replaceChildren();
    el.recent.replaceChildren();
    show(false);
    el.apiKey.value = "";
    el.apiKey.focus();
    if (text) say(text, "error");
  }

  async function start() {
    show(true);
    try {
      state.templates = await (await api("GET", "/v1/templates")).json();
    } catch (err) {
      if (err.status === 401) return;
      state.templates = [];
      say(t().failedAction(err.message), "error");
    }
    fillTemplateOptions(el.template, "");
    el.template.focus();
    await loadRecent();
  }

  el.signInForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const key = el.apiKey.value.trim();
    if (!key) {
      el.apiKey.setAttribute("aria-invalid", "true");
      say(t().enterKey, "error");
      return;
    }
    el.apiKey.removeAttribute("aria-invalid");
    state.key = key;
    sessionStorage.setItem(KEY_STORAGE, key);
    say("");
    start();
  });
  el.signOut.addEventListener("click", () => signOut(""));

  function fillTemplateOptions(select, selected) {
    const options = [new Option(t().classify, "")];
    for (const tpl of state.templates) {
      options.push(new Option(`${tpl.name}（${tpl.id}）`, tpl.id));
    }
    select.replaceChildren(...options);
    select.value = selected || "";
  }

  // -- choosing and sending files ---------------------------------------------------
  function showChosen() {
    el.chosen.replaceChildren(...state.files.map((f) => {
      const li = document.createElement("li");
      li.textContent = `${f.name}（${Math.ceil(f.size / 1024)} KB）`;
      return li;
    }));
    el.send.disabled = state.files.length === 0;
    el.clear.disabled = state.files.length === 0;
    if (state.files.length) el.chosen.setAttribute("aria-description", t().chosen(state.files.length));
  }

  function choose(fileList) {
    state.files.push(...Array.from(fileList));
    showChosen();
    if (state.files.length) say(t().chosen(state.files.length));
  }

  el.files.addEventListener("change", () => { choose(el.files.files); el.files.value = ""; });
  el.drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    el.drop.dataset.over = "true";
  });
  el.drop.addEventListener("dragleave", () => { el.drop.dataset.over = "false"; });
  el.drop.addEventListener("drop", (event) => {
    event.preventDefault();
    el.drop.dataset.over = "false";
    if (event.dataTransfer && event.dataTransfer.files.length) choose(event.dataTransfer.files);
  });
  el.clear.addEventListener("click", () => { state.files = []; showChosen(); say(""); });

  el.sendForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const files = state.files;
    state.files = [];
    showChosen();
    el.send.disabled = true;
    for (const file of files) {
      say(t().sending(file.name));
      const form = new FormData();
      form.append("file", file, file.name);
      if (el.template.value) form.append("template", el.template.value);
      try {
        const response = await api("POST", "/v1/uploads", { form });
        const upload = await response.json();
        say(response.status === 200 ? t().repeated(file.name) : t().sent(file.name, upload.pages_total), "ok");
        watch(upload);
      } catch (err) {
        if (err.status === 401) return;
        say(t().refused(file.name, err.message), "error");
      }
    }
    loadRecent();
    poll();
  });

  // -- watching uploads -------------------------------------------------------------
  function watch(upload) {
    let entry = state.watched.get(upload.id);
    if (!entry) {
      const card = el.uploadCard.content.firstElementChild.cloneNode(true);
      card.id = `upload-${upload.id}`;
      card.setAttribute("aria-labelledby", `upload-title-${upload.id}`);
      card.querySelector(".upload-title").id = `upload-title-${upload.id}`;
      entry = { upload, card, sheets: new Map(), wasFinished: FINISHED.has(upload.status) };
      state.watched.set(upload.id, entry);
      el.watched.prepend(card);
      el.nothingYet.hidden = true;
    }
    entry.upload = upload;
    render(entry);
    return entry;
  }

  function render(entry) {
    const { upload, card } = entry;
    const texts = t();
    const counts = upload.page_counts;
    card.dataset.status = upload.status;
    card.querySelector(".upload-title").textContent =
      `${upload.filename} — ${texts.uploadStatus[upload.status] || upload.status}`;
    card.querySelector(".upload-meta").textContent = texts.meta(upload);
    const bar = card.querySelector(".bar-progress");
    bar.max = Math.max(counts.total, 1);
    bar.value = counts.total - counts.pending;
    bar.setAttribute("aria-label", texts.summary(counts));
    card.querySelector(".upload-summary").textContent = texts.summary(counts);
    const list = card.querySelector(".sheets");
    for (const page of upload.pages || []) {
      const key = `${upload.id}:${page.sheet}`;
      if (!REFUSED.has(page.status) && !state.touched.has(key)) continue;
      let li = entry.sheets.get(page.sheet);
      if (!li) {
        li = sheetItem(upload, page);
        entry.sheets.set(page.sheet, li);
        list.append(li);
      }
      renderSheet(upload, page, li);
    }
  }

  function sheetItem(upload, page) {
    const li = el.refusedSheet.content.firstElementChild.cloneNode(true);
    const id = `sheet-${upload.id}-${page.sheet}`;
    li.id = id;
    li.setAttribute("aria-labelledby", `${id}-title`);
    li.querySelector(".sheet-title").id = `${id}-title`;
    const select = li.querySelector(".sheet-template");
    select.id = `${id}-template`;
    li.querySelector(".template-label").htmlFor = select.id;
    li.querySelector(".reread").addEventListener("click", () => reread(upload.id, page.sheet, li));
    li.querySelector(".not-a-form").addEventListener("click", () => notAForm(upload.id, page.sheet, li));
    return li;
  }

  function renderSheet(upload, page, li) {
    const texts = t();
    const n = page.sheet;
    li.dataset.status = page.status;
    li.dataset.sheet = String(n);
    li.querySelector(".sheet-title").textContent =
      `${texts.sheet(n)} — ${texts.pageStatus[page.status] || page.status}`;
    const reason = li.querySelector(".reason");
    const code = li.querySelector(".code");
    if (page.error) {
      reason.textContent = page.error.message;
      code.textContent = page.error.code;
    } else {
      reason.textContent = texts.pageStatus[page.status] || page.status;
      code.textContent = "";
    }
    li.querySelector(".template-label").textContent = texts.templateFor(n);
    const select = li.querySelector(".sheet-template");
    const busy = li.dataset.busy === "true";
    const refused = REFUSED.has(page.status);
    if (select.dataset.lang !== state.lang || select.options.length !== state.templates.length + 1) {
      fillTemplateOptions(select, select.value || page.template || "");
      select.dataset.lang = state.lang;
    }
    for (const node of [select, li.querySelector(".reread")]) node.disabled = busy || !refused;
    const dismiss = li.querySelector(".not-a-form");
    dismiss.disabled = busy || page.status !== "failed";
    li.querySelector(".reread").textContent = texts.reread;
    dismiss.textContent = texts.notAForm;
    const img = li.querySelector(".thumb");
    img.alt = texts.sheetImage(n);
    if (refused) loadThumb(upload.id, page, img);
  }

  async function loadThumb(uploadId, page, img) {
    const key = `${uploadId}:${page.sheet}:${page.attempts}`;
    if (img.dataset.key === key) return;
    img.dataset.key = key;
    let url = state.images.get(key);
    if (!url) {
      try {
        const blob = await (await api("GET", `/v1/uploads/${uploadId}/sheets/${page.sheet}/image`)).blob();
        url = URL.createObjectURL(blob);
        state.images.set(key, url);
      } catch (err) {
        img.removeAttribute("src");
        img.alt = `${t().sheetImage(page.sheet)}: ${t().noImage}`;
        return;
      }
    }
    img.src = url;
  }

  async function refresh(id) {
    const upload = await (await api("GET", `/v1/uploads/${id}`)).json();
    const entry = watch(upload);
    const finished = FINISHED.has(upload.status) && !upload.pages.some((p) => !["done", ...REFUSED].includes(p.status));
    if (finished && !entry.wasFinished) {
      say(t().finished(upload.filename, t().summary(upload.page_counts)), upload.status === "done" ? "ok" : "info");
      loadRecent();
    }
    entry.wasFinished = finished;
    return finished;
  }

  async function refreshAll() {
    let pending = false;
    for (const id of [...state.watched.keys()]) {
      try {
        if (!(await refresh(id))) pending = true;
      } catch (err) {
        if (err.status === 401) return false;
        pending = true;
      }
    }
    return pending;
  }

  async function poll() {
    clearTimeout(state.timer);
    if (!state.key) return;
    const pending = await refreshAll();
    if (pending && state.key) state.timer = setTimeout(poll, POLL_MS);
  }

  // -- acting on a refused sheet ------------------------------------------------------
  async function act(uploadId, sheet, li, call, done) {
    li.dataset.busy = "true";
    for (const b of li.querySelectorAll("button, select")) b.disabled = true;
    try {
      await call();
      state.touched.add(`${uploadId}:${sheet}`);
      say(done, "ok");
    } catch (err) {
      if (err.status === 401) return;
      say(t().failedAction(err.message), "error");
    } finally {
      li.dataset.busy = "false";
    }
    await poll();
    li.querySelector(".sheet-title").focus?.();
  }

  function reread(uploadId, sheet, li) {
    const template = li.querySelector(".sheet-template").value || null;
    return act(uploadId, sheet, li,
      () => api("POST", `/v1/uploads/${uploadId}/sheets/${sheet}/reread`, { json: { template } }),
      t().rereadSent(sheet));
  }

  function notAForm(uploadId, sheet, li) {
    return act(uploadId, sheet, li,
      () => api("POST", `/v1/uploads/${uploadId}/sheets/${sheet}/not-a-form`, { json: {} }),
      t().markedNotAForm(sheet));
  }

  // -- recent uploads -----------------------------------------------------------------
  async function loadRecent() {
    let items;
    try {
      items = (await (await api("GET", "/v1/uploads?limit=20")).json()).items;
    } catch (err) {
      return;
    }
    const texts = t();
    if (!items.length) {
      const row = document.createElement("tr");
      const cell = document.createElement("td");
      cell.colSpan = 6;
      cell.textContent = texts.noRecent;
      row.append(cell);
      el.recent.replaceChildren(row);
      return;
    }
    el.recent.replaceChildren(...items.map((u) => {
      const row = document.createElement("tr");
      row.dataset.uploadId = u.id;
      const cells = [when(u.created_at), u.filename, u.template || texts.classify,
        texts.uploadStatus[u.status] || u.status, texts.summary(u.page_counts)];
      for (const text of cells) {
        const td = document.createElement("td");
        td.textContent = text;
        row.append(td);
      }
      const td = document.createElement("td");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = texts.open;
      button.setAttribute("aria-label", `${texts.open}: ${u.filename} ${when(u.created_at)}`);
      button.addEventListener("click", async () => {
        await refresh(u.id).catch(() => undefined);
        poll();
        const card = $(`upload-${u.id}`);
        if (card) { card.tabIndex = -1; card.focus(); }
      });
      td.append(button);
      row.append(td);
      return row;
    }));
  }
  el.refreshRecent.addEventListener("click", loadRecent);

  applyLanguage();
  if (state.key) start(); else { show(false); el.apiKey.focus(); }
})();
