// The reviewer page: claim a task, show its crop, accept or correct it, go on.
// No build step and no dependencies. The API key lives in sessionStorage only.
"use strict";

(() => {
  const KEY_STORAGE = "ocr-review-key";
  const TYPE_NAMES = {
    text: "文字", kana: "カナ", digits: "数字", number: "数値", date: "日付",
    postal_code: "郵便番号", phone: "電話番号", email: "メール", checkbox: "チェック欄",
    choice: "選択肢", boxed: "枠入り文字", mark: "記入の有無",
  };
  const HINTS = {
    date: "例: 2024-04-01、令和6年4月1日",
    postal_code: "例: 100-0001",
    phone: "例: 03-1234-5678、090-1234-5678",
    email: "例: taro@example.jp",
    digits: "数字のみ",
    number: "数値",
    kana: "カタカナ（ひらがなも可）",
    checkbox: "1 = チェックあり、0 = なし",
    mark: "1 = 記入あり、0 = なし",
  };

  // While the queue is empty the page asks again every few seconds, so new work shows up
  // by itself. ?poll=<ms> (at least 1000) changes the interval.
  const POLL_MS = Math.max(1000, Number(new URLSearchParams(location.search).get("poll")) || 5000);

  const $ = (id) => document.getElementById(id);
  const el = {
    signIn: $("sign-in"), signInForm: $("sign-in-form"), apiKey: $("api-key"),
    signOut: $("sign-out"), remaining: $("remaining"),
    task: $("task"), label: $("field-label"), name: $("field-name"), type: $("field-type"),
    documentId: $("document-id"), leaseUntil: $("lease-until"), reasons: $("reasons"),
    crop: $("crop"), ocr: $("ocr"), form: $("value-form"), value: $("value"),
    hint: $("value-hint"), skip: $("skip"), showPage: $("show-page"),
    empty: $("empty"), emptyDetail: $("empty-detail"), reload: $("reload"),
    message: $("message"), dialog: $("page-dialog"), pageImage: $("page-image"),
    closePage: $("close-page"),
    incomplete: $("incomplete"), incompleteDialog: $("incomplete-dialog"),
    incompleteForm: $("incomplete-form"), incompleteReason: $("incomplete-reason"),
    cancelIncomplete: $("cancel-incomplete"),
  };

  const state = {
    key: sessionStorage.getItem(KEY_STORAGE),
    task: null,
    prefill: "",
    skipped: [],
    busy: false,
    composing: false,
    urls: [],
    poll: null,
  };

  class ApiError extends Error {
    constructor(status, body) {
      const error = (body && body.error) || {};
      super(error.message || `HTTP ${status}`);
      this.status = status;
      this.code = error.code || "error";
      this.details = error.details || {};
    }
  }

  async function api(method, url, body) {
    const headers = { Authorization: `Bearer ${state.key}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(url, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store", credentials: "omit",
    });
    if (response.status === 401) {
      signOut("APIキーが無効です。もう一度サインインしてください。");
      throw new ApiError(401, null);
    }
    if (!response.ok) {
      let payload = null;
      try { payload = await response.json(); } catch { payload = null; }
      throw new ApiError(response.status, payload);
    }
    return response;
  }

  function say(text, kind = "info") {
    el.message.textContent = text;
    el.message.dataset.kind = kind;
  }

  function show(section) {
    for (const s of [el.signIn, el.task, el.empty]) s.hidden = s !== section;
    const signedIn = section !== el.signIn;
    el.signOut.hidden = !signedIn;
    el.remaining.hidden = !signedIn;
  }

  function setRemaining(n) {
    el.remaining.textContent = `残り ${n} 件`;
    el.remaining.dataset.count = String(n);
  }

  function asInput(value) {
    if (value === true) return "1";
    if (value === false) return "0";
    return value == null ? "" : String(value);
  }

  function clearImages() {
    for (const url of state.urls) URL.revokeObjectURL(url);
    state.urls = [];
  }

  async function loadImage(img, url, alt) {
    img.removeAttribute("src");
    img.alt = "画像を読み込み中";
    try {
      const blob = await (await api("GET", url)).blob();
      const objectUrl = URL.createObjectURL(blob);
      state.urls.push(objectUrl);
      img.src = objectUrl;
      img.alt = alt;
    } catch (err) {
      img.alt = `画像を表示できません（${err.message}）`;
    }
  }

  function hintFor(task) {
    if (task.type === "choice") {
      return "選択肢: " + task.options
        .map((o, i) => `${i + 1} = ${o.label || o.value}（${o.value}）`).join("、");
    }
    return HINTS[task.type] || "読み取れる通りに入力";
  }

  function showTask(claim) {
    const task = claim.task;
    state.task = task;
    setRemaining(claim.remaining);
    clearImages();
    el.label.textContent = task.label + (task.required ? "（必須）" : "");
    el.name.textContent = task.field;
    el.type.textContent = TYPE_NAMES[task.type] || task.type;
    el.documentId.textContent = task.document_id.slice(0, 8);
    el.documentId.title = task.document_id;
    el.leaseUntil.textContent = new Date(claim.lease_until)
      .toLocaleTimeString("ja-JP", { hour: "2-digit", minute: "2-digit" });
    el.reasons.replaceChildren(...task.reasons.map((r) => {
      const li = document.createElement("li");
      li.textContent = r.text;
      li.dataset.code = r.code;
      return li;
    }));
    const ocrValue = asInput(task.value);
    const confidence = Math.round(task.confidence * 100);
    el.ocr.textContent = `OCR: ${ocrValue || "（空欄）"} ・ 確信度 ${confidence}%` +
      (task.suggestion ? ` ・ 候補: ${task.suggestion}` : "");
    el.hint.textContent = hintFor(task);
    state.prefill = task.suggestion != null ? task.suggestion : ocrValue;
    el.value.value = state.prefill;
    el.value.removeAttribute("aria-invalid");
    show(el.task);
    el.value.focus();
    el.value.select();
    loadImage(el.crop, task.image_url, `${task.label}の記入欄の画像`);
  }

  function stopPolling() {
    if (state.poll !== null) clearTimeout(state.poll);
    state.poll = null;
  }

  function pollLater() {
    stopPolling();
    state.poll = setTimeout(() => {
      state.poll = null;
      if (state.key && !el.empty.hidden && !state.busy) claimNext({ quiet: true });
    }, POLL_MS);
  }

  async function claimNext({ quiet = false } = {}) {
    stopPolling();
    state.task = null;
    state.busy = true;
    try {
      const response = await api("POST", "/v1/review/claim", { skip: state.skipped });
      if (response.status === 204) {
        const left = Number(response.headers.get("X-Review-Remaining") || "0");
        setRemaining(left);
        clearImages();
        state.skipped = [];
        el.emptyDetail.textContent = (left > 0
          ? `残りの ${left} 件は他のレビュアーが確認中です。`
          : "すべての項目を確認しました。") + "新しい項目が届くと自動で表示します。";
        const wasEmpty = !el.empty.hidden;
        show(el.empty);
        if (!wasEmpty || !quiet) el.reload.focus();
        pollLater();
        return;
      }
      showTask(await response.json());
    } catch (err) {
      if (err.status !== 401) say(`次の項目を取得できません: ${err.message}`, "error");
      if (err.status !== 401 && !el.empty.hidden) pollLater();
    } finally {
      state.busy = false;
    }
  }

  async function submit() {
    const task = state.task;
    if (!task || state.busy) return;
    const typed = el.value.value;
    const base = `/v1/documents/${encodeURIComponent(task.document_id)}` +
      `/fields/${encodeURIComponent(task.field)}`;
    const unchanged = typed === state.prefill && typed === asInput(task.value);
    state.busy = true;
    try {
      // the field's own version: changes to other fields of the document never conflict
      const response = unchanged
        ? await api("POST", `${base}/accept`, { field_version: task.field_version })
        : await api("PUT", base, { value: typed, field_version: task.field_version });
      const result = await response.json();
      state.skipped = state.skipped.filter(
        (s) => !(s.document_id === task.document_id && s.field === task.field));
      const done = result.status === "verified" ? " 文書の確認が完了しました。" : "";
      say(`${task.label}を${unchanged ? "承認" : "保存"}しました。${done}`, "ok");
      state.busy = false;
      await claimNext();
    } catch (err) {
      state.busy = false;
      await handleSaveError(err, task);
    }
  }

  async function handleSaveError(err, task) {
    if (err.status === 401) return;
    el.value.focus();  // the typed value stays in the box in every case below
    if (err.status === 422) {
      el.value.setAttribute("aria-invalid", "true");
      say(`値を確認してください: ${err.message}`, "error");
      return;
    }
    const stale = err.details.current_field_version != null;
    if (err.status === 409 && (stale || err.details.lease_required)) {
      // someone changed this field, or our lease lapsed: take the field again, which
      // gives its current version; what was typed stays in the box
      try {
        const claim = await (await api("POST", `${fieldBase(task)}/lease`)).json();
        task.field_version = claim.task.field_version;
        task.document_version = claim.task.document_version;
        task.value = claim.task.value;
        say((stale ? "この項目はほかの人が変更しました（現在の値: " +
          `${asInput(claim.task.value) || "空欄"}）。` : "担当の期限が切れたため取り直しました。") +
          "入力はそのままです。もう一度 Enter で保存できます。", "error");
      } catch (reloadErr) {
        if (reloadErr.status === 404) {
          say("この項目はほかのレビュアーが確認済みです。Esc で次の項目へ進めます。", "error");
        } else {
          say(`${err.message}`, "error");
        }
      }
      return;
    }
    if (err.status === 409 || err.status === 403) {
      say(`${err.message}`, "error");
      return;
    }
    say(`保存できません: ${err.message}`, "error");
  }

  function fieldBase(task) {
    return `/v1/documents/${encodeURIComponent(task.document_id)}` +
      `/fields/${encodeURIComponent(task.field)}`;
  }

  // --- 不備 (return the document as incomplete) --------------------------------------------

  function openIncomplete() {
    if (!state.task || state.busy || el.incompleteDialog.open) return;
    el.incompleteReason.value = "";
    el.incompleteDialog.showModal();
    el.incompleteReason.focus();
  }

  async function returnIncomplete(reason) {
    const task = state.task;
    if (!task || state.busy) return;
    const url = `/v1/documents/${encodeURIComponent(task.document_id)}/incomplete`;
    state.busy = true;
    try {
      try {
        await api("POST", url, { version: task.document_version, reason });
      } catch (err) {
        // another reviewer resolved a field meanwhile: the paper is as incomplete as before
        if (err.status !== 409 || err.details.status !== "needs_review") throw err;
        await api("POST", url, { version: err.details.current_version, reason });
      }
      el.incompleteDialog.close();
      state.skipped = state.skipped.filter((s) => s.document_id !== task.document_id);
      say("文書を不備として返却しました。", "ok");
      state.busy = false;
      await claimNext();
    } catch (err) {
      state.busy = false;
      if (err.status === 401) return;
      say(`不備として返却できません: ${err.message}`, "error");
      el.incompleteReason.focus();
    }
  }

  async function skip() {
    const task = state.task;
    if (!task || state.busy) return;
    state.skipped.push({ document_id: task.document_id, field: task.field });
    const base = `/v1/documents/${encodeURIComponent(task.document_id)}` +
      `/fields/${encodeURIComponent(task.field)}`;
    try {
      await api("DELETE", `${base}/lease`);
    } catch {
      // the lease lapses by itself; skipping still moves on
    }
    say(`${task.label}をスキップしました。`, "info");
    await claimNext();
  }

  async function togglePage() {
    if (el.dialog.open) {
      el.dialog.close();
      return;
    }
    const task = state.task;
    if (!task) return;
    el.dialog.showModal();
    el.closePage.focus();
    await loadImage(el.pageImage, task.page_image_url,
      `${task.label}の欄を青枠で示したページ全体の画像`);
  }

  function signOut(text) {
    stopPolling();
    const task = state.task;
    if (task && state.key) {
      const base = `/v1/documents/${encodeURIComponent(task.document_id)}` +
        `/fields/${encodeURIComponent(task.field)}`;
      fetch(`${base}/lease`, {
        method: "DELETE", headers: { Authorization: `Bearer ${state.key}` }, keepalive: true,
      }).catch(() => {});
    }
    sessionStorage.removeItem(KEY_STORAGE);
    state.key = null;
    state.task = null;
    state.skipped = [];
    clearImages();
    show(el.signIn);
    say(text || "サインアウトしました。", text ? "error" : "info");
    el.apiKey.value = "";
    el.apiKey.focus();
  }

  // --- events ----------------------------------------------------------------------------

  el.signInForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const key = el.apiKey.value.trim();
    if (!key) {
      say("APIキーを入力してください。", "error");
      el.apiKey.focus();
      return;
    }
    state.key = key;
    sessionStorage.setItem(KEY_STORAGE, key);
    el.apiKey.value = "";
    say("");
    claimNext();
  });

  el.form.addEventListener("submit", (event) => {
    event.preventDefault();  // Enter is handled on keydown (IME-aware); this is the button
    if (!state.composing) submit();
  });

  // Japanese IME: the Enter (or Esc) that confirms or cancels a conversion must not submit
  // or skip. Chrome reports it as isComposing / keyCode 229; the composition events cover
  // browsers that fire keydown after compositionend.
  el.value.addEventListener("compositionstart", () => { state.composing = true; });
  el.value.addEventListener("compositionend", () => {
    setTimeout(() => { state.composing = false; }, 0);
  });
  const composing = (event) => event.isComposing || event.keyCode === 229 || state.composing;

  el.value.addEventListener("keydown", (event) => {
    if (composing(event)) return;
    if (event.key === "Enter") {
      event.preventDefault();
      submit();
    }
  });
  el.value.addEventListener("input", () => el.value.removeAttribute("aria-invalid"));

  document.addEventListener("keydown", (event) => {
    if (composing(event)) return;
    if (event.key === "F2" || (event.altKey && (event.key === "p" || event.key === "π"))) {
      event.preventDefault();
      togglePage();
      return;
    }
    if (event.key === "F8" && !el.task.hidden) {
      event.preventDefault();
      openIncomplete();
      return;
    }
    if (event.key === "Escape" && !el.dialog.open && !el.incompleteDialog.open &&
        !el.task.hidden) {
      event.preventDefault();
      skip();
    }
  });

  el.skip.addEventListener("click", skip);
  el.incomplete.addEventListener("click", openIncomplete);
  el.cancelIncomplete.addEventListener("click", () => el.incompleteDialog.close());
  el.incompleteForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const reason = el.incompleteReason.value.trim();
    if (!reason) {
      say("不備の理由を入力してください（例: 同意欄にチェックがない）。", "error");
      el.incompleteReason.focus();
      return;
    }
    returnIncomplete(reason);
  });
  el.incompleteDialog.addEventListener("close", () => { if (!el.task.hidden) el.value.focus(); });
  el.showPage.addEventListener("click", togglePage);
  el.closePage.addEventListener("click", () => el.dialog.close());
  el.dialog.addEventListener("close", () => { if (!el.task.hidden) el.value.focus(); });
  el.reload.addEventListener("click", () => claimNext());
  el.signOut.addEventListener("click", () => signOut());

  if (state.key) {
    claimNext();
  } else {
    show(el.signIn);
    el.apiKey.focus();
  }
})();
