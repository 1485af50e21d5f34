/* Offline attendance (issue 20): the participant list and the queue of changes live in IndexedDB,
   so they survive a reload, a closed browser and a restart; the queue is sent when online.

   IndexedDB "portal-kehadiran-luring" v1:
   - activities (key id): {id, user, prepared_at, activity, participants[], statuses, kelurahan, kbli}
   - changes (key key):   {key, activity, kind, state: "pending"|"conflict", created_at, conflict?, ...payload}
   - meta (key name):     {name: "owner", user}: whose device data this is
*/
(function () {
  "use strict";
  const T = JSON.parse(document.getElementById("teks-luring").textContent);
  const URLS = JSON.parse(document.getElementById("alamat-luring").textContent);
  const ID_MESSAGES = JSON.parse(document.getElementById("pesan-identitas").textContent);
  const Identifiers = window.PortalIdentifiers;
  const DB_NAME = "portal-kehadiran-luring";
  const HADIR = "hadir";

  const $ = (id) => document.getElementById(id);
  const activityId = Number(new URLSearchParams(location.search).get("kegiatan")) || null;
  let db = null;
  let pack = null; // the stored activity record
  let changes = []; // this activity's queued changes, oldest first
  let syncing = false;

  function fmt(template, values) {
    return template.replace(/%\((\w+)\)[sd]/g, (_, name) => String(values[name] ?? ""));
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  /* --- IndexedDB ----------------------------------------------------------------------- */

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        const d = request.result;
        d.createObjectStore("activities", { keyPath: "id" });
        d.createObjectStore("changes", { keyPath: "key" }).createIndex("activity", "activity");
        d.createObjectStore("meta", { keyPath: "name" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function run(stores, mode, work) {
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(stores, mode);
      let request = null;
      request = work(transaction);
      transaction.oncomplete = () => resolve(request && "result" in request ? request.result : undefined);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  }

  const get = (store, key) => run([store], "readonly", (t) => t.objectStore(store).get(key));
  const put = (store, value) => run([store], "readwrite", (t) => t.objectStore(store).put(value));
  const remove = (store, key) => run([store], "readwrite", (t) => t.objectStore(store).delete(key));
  const getAll = (store) => run([store], "readonly", (t) => t.objectStore(store).getAll());

  function wipe() {
    return run(["activities", "changes", "meta"], "readwrite", (t) => {
      ["activities", "changes", "meta"].forEach((name) => t.objectStore(name).clear());
    });
  }

  async function loadChanges() {
    const all = await run(["changes"], "readonly", (t) =>
      t.objectStore("changes").index("activity").getAll(activityId)
    );
    changes = (all || []).sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  /* --- Messages and status ------------------------------------------------------------- */

  function say(text, kind) {
    const box = $("pesan");
    box.textContent = text;
    box.className = "alert py-2 small alert-" + (kind || "info");
    box.hidden = !text;
  }

  function showNetwork() {
    $("jaringan").textContent = navigator.onLine ? T.online : T.offline;
    $("siapkan").disabled = !navigator.onLine || !activityId;
  }

  function statusLabel(value) {
    const found = (pack ? pack.statuses : []).find((s) => s[0] === value);
    return found ? found[1] : value;
  }

  /* --- Rendering ----------------------------------------------------------------------- */

  function wanted(participantId) {
    // The latest queued status for this participant, if any.
    let value = null;
    changes.forEach((c) => {
      if (c.kind === "status" && c.participation === participantId) value = c;
    });
    return value;
  }

  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function pendingBadge(change) {
    const decide = change && change.state === "conflict";
    return element("span", { class: "badge belum-terkirim ms-1" }, decide ? T.to_decide : T.pending);
  }

  function participantItem(p) {
    const change = wanted(p.id);
    const status = change ? change.status : p.status;
    const li = element("li", { "data-peserta": String(p.id) });
    const name = element("div", { class: "nama" }, p.business);
    if (change) name.appendChild(pendingBadge(change));
    li.appendChild(name);
    li.appendChild(element("div", { class: "rinci" }, [p.owner, p.nik, p.kelurahan].filter(Boolean).join(" · ")));
    const group = element("div", { class: "pilihan", role: "group", "aria-label": fmt(T.group, { name: p.business }) });
    pack.statuses.forEach(([value, label]) => {
      const button = element("button", {
        type: "button",
        class: "btn btn-outline-secondary " + value,
        "aria-pressed": String(status === value),
        "data-status": value,
      }, label);
      button.disabled = !pack.activity.can_mark;
      button.addEventListener("click", () => mark(p, value));
      group.appendChild(button);
    });
    li.appendChild(group);
    return li;
  }

  function newcomerItem(change) {
    const li = element("li", { "data-kunci": change.key });
    const title = change.kind === "walkin"
      ? fmt(T.new_walkin, { number: change.label })
      : fmt(T.new_registration, { name: change.business_name });
    const name = element("div", { class: "nama" }, title);
    name.appendChild(pendingBadge());
    li.appendChild(name);
    li.appendChild(element("div", { class: "rinci" }, statusLabel(HADIR)));
    return li;
  }

  function matches(text, query) {
    return !query || text.toLowerCase().includes(query);
  }

  function renderList() {
    const list = $("daftar-peserta");
    const focused = document.activeElement;
    const focusKey = focused && focused.closest && focused.closest("[data-peserta]")
      ? [focused.closest("[data-peserta]").dataset.peserta, focused.dataset.status]
      : null;
    list.replaceChildren();
    if (!pack) return;
    const query = $("cari").value.trim().toLowerCase();
    let shown = 0;
    changes.filter((c) => c.kind !== "status" && c.state === "pending").forEach((c) => {
      if (matches([c.label, c.business_name, c.owner_name].join(" "), query)) {
        list.appendChild(newcomerItem(c));
        shown += 1;
      }
    });
    pack.participants.forEach((p) => {
      if (matches([p.business, p.owner, p.kelurahan].join(" "), query)) {
        list.appendChild(participantItem(p));
        shown += 1;
      }
    });
    $("tidak-cocok").hidden = shown > 0 || !query;
    $("tidak-cocok").textContent = T.no_match;
    if (focusKey) {
      const again = list.querySelector(`[data-peserta="${focusKey[0]}"] [data-status="${focusKey[1]}"]`);
      if (again) again.focus();
    }
  }

  function renderConflicts() {
    const list = $("daftar-konflik");
    list.replaceChildren();
    const conflicts = changes.filter((c) => c.state === "conflict");
    $("konflik").hidden = conflicts.length === 0;
    conflicts.forEach((c) => {
      const li = element("li", { "data-konflik": c.key });
      const who = c.kind === "status"
        ? (pack.participants.find((p) => p.id === c.participation) || {}).business
        : c.kind === "walkin" ? fmt(T.new_walkin, { number: c.label }) : fmt(T.new_registration, { name: c.business_name });
      const changed = c.conflict.reason === "changed";
      li.appendChild(element("div", { class: "fw-semibold" }, `${who || ""} — ${changed ? T.conflict_changed : T.conflict_refused}`));
      li.appendChild(element("div", { class: "small" }, c.conflict.message || ""));
      li.appendChild(element("div", {}, fmt(T.mine, { value: statusLabel(c.status || HADIR) })));
      const theirs = c.conflict.theirs;
      if (theirs) {
        li.appendChild(element("div", {}, theirs.by
          ? fmt(T.theirs_by, { value: theirs.label, by: theirs.by, at: theirs.at })
          : fmt(T.theirs, { value: theirs.label })));
      }
      const buttons = element("div", { class: "d-flex flex-wrap gap-2 mt-2" });
      const keep = element("button", { type: "button", class: "btn btn-sm btn-primary" }, changed ? T.keep_mine : T.retry);
      keep.addEventListener("click", () => resolve(c, "mine"));
      const take = element("button", { type: "button", class: "btn btn-sm btn-outline-secondary" }, changed ? T.take_theirs : T.drop);
      take.addEventListener("click", () => resolve(c, "theirs"));
      buttons.append(keep, take);
      li.appendChild(buttons);
      list.appendChild(li);
    });
  }

  function renderQueue() {
    $("jumlah-antrean").textContent = String(changes.filter((c) => c.state === "pending").length);
  }

  function render() {
    if (pack) {
      const a = pack.activity;
      $("judul").textContent = a.title;
      $("kegiatan-info").textContent = [a.date, a.venue, fmt(T.prepared, { time: new Date(pack.prepared_at).toLocaleString(document.documentElement.lang) })]
        .filter(Boolean).join(" · ");
      $("bagian-walkin").hidden = !a.can_mark;
      if (!a.can_mark) say(T.cannot_mark, "warning");
    } else {
      $("bagian-walkin").hidden = true;
    }
    renderQueue();
    renderConflicts();
    renderList();
  }

  function fillSelect(select, options) {
    select.replaceChildren(element("option", { value: "" }, "—"));
    options.forEach(([value, label]) => select.appendChild(element("option", { value: String(value) }, label)));
  }

  /* --- Recording ----------------------------------------------------------------------- */

  async function queue(change) {
    change.key = change.key || newKey();
    change.activity = activityId;
    change.state = "pending";
    change.created_at = change.created_at || new Date().toISOString();
    await put("changes", change);
    await loadChanges();
    render();
    if (navigator.onLine) sync();
  }

  async function mark(participant, status) {
    const previous = wanted(participant.id);
    if (previous && previous.state === "pending" && previous.status === status) return;
    // A newer choice replaces the queued one; it is sent with a key of its own.
    if (previous && previous.state === "pending") await remove("changes", previous.key);
    await queue({ kind: "status", participation: participant.id, status: status, base: participant.version });
  }

  function fieldError(input, box, text) {
    input.classList.toggle("is-invalid", Boolean(text));
    input.setAttribute("aria-invalid", text ? "true" : "false");
    box.textContent = text || "";
  }

  async function addWalkin(event) {
    event.preventDefault();
    const input = $("walkin-nomor");
    const number = input.value.replace(/[\s.\-]/g, "");
    let checked;
    if (number.length === 13) checked = Identifiers.parseNib(input.value);
    else checked = Identifiers.parseNik(input.value);
    if (!input.value.trim()) checked = { ok: false, code: "required", params: {} };
    if (!checked.ok) {
      const text = checked.code === "nik_length" && number.length !== 16 && /^\d+$/.test(number)
        ? T.nik_or_nib
        : Identifiers.message(ID_MESSAGES, checked);
      fieldError(input, $("walkin-pesan"), text);
      input.focus();
      return;
    }
    fieldError(input, $("walkin-pesan"), "");
    const isNib = checked.value.length === 13;
    const label = isNib ? checked.value : checked.value.slice(0, 4) + " **** **** " + checked.value.slice(-4);
    input.value = ""; // at once: the officer may type the next number while this one is stored
    await queue({ kind: "walkin", status: HADIR, nik: isNib ? "" : checked.value, nib: isNib ? checked.value : "", label: label });
    say(T.walkin_added, "success");
  }

  async function addRegistration(event) {
    event.preventDefault();
    const form = $("form-daftar");
    const values = Object.fromEntries(new FormData(form).entries());
    const nikInput = $("daftar-nik");
    if (values.nik.trim()) {
      const checked = Identifiers.parseNik(values.nik);
      if (!checked.ok) {
        fieldError(nikInput, $("daftar-nik-pesan"), Identifiers.message(ID_MESSAGES, checked));
        nikInput.focus();
        return;
      }
      values.nik = checked.value;
    }
    fieldError(nikInput, $("daftar-nik-pesan"), "");
    let missing = null;
    ["owner_name", "business_name", "kelurahan", "kbli_category"].forEach((name) => {
      const input = form.elements[name];
      const empty = !String(values[name] || "").trim();
      input.classList.toggle("is-invalid", empty);
      input.setAttribute("aria-invalid", String(empty));
      if (empty && !missing) missing = input;
    });
    $("daftar-pesan").textContent = missing ? T.required : "";
    $("daftar-pesan").style.display = missing ? "block" : "";
    if (missing) {
      missing.focus();
      return;
    }
    form.reset();
    await queue({
      kind: "registration",
      status: HADIR,
      owner_name: values.owner_name.trim(),
      nik: values.nik.trim(),
      phone: values.phone.trim(),
      business_name: values.business_name.trim(),
      kelurahan: values.kelurahan,
      kbli_category: values.kbli_category,
      label: values.business_name.trim(),
    });
    say(T.walkin_added, "success");
  }

  async function resolve(change, choice) {
    await remove("changes", change.key);
    const theirs = change.conflict.theirs;
    if (change.kind === "status" && theirs) {
      // The server's value becomes what the device knows; "mine" is sent again on top of it.
      const participant = pack.participants.find((p) => p.id === change.participation);
      if (participant) {
        participant.status = theirs.status;
        participant.version = theirs.version;
        await put("activities", pack);
      }
    }
    if (choice === "mine") {
      const again = Object.assign({}, change, { key: newKey(), created_at: new Date().toISOString() });
      delete again.conflict;
      if (theirs) again.base = theirs.version;
      await queue(again);
    } else {
      await loadChanges();
      render();
    }
  }

  /* --- Talking to the server ----------------------------------------------------------- */

  async function currentSession() {
    const response = await fetch(URLS.session, { credentials: "same-origin", headers: { Accept: "application/json" } });
    const type = response.headers.get("Content-Type") || "";
    // A session that ended (idle timeout) is sent to the login page: nobody is signed in.
    if (response.redirected || !type.includes("json")) return { user: null, csrf: "" };
    if (!response.ok) throw new Error(String(response.status));
    return response.json();
  }

  async function checkOwner(user) {
    const owner = await get("meta", "owner");
    if (owner && user && owner.user !== user) {
      await wipe();
      pack = null;
      changes = [];
      say(T.other_user, "warning");
      return false;
    }
    if (user && !owner) await put("meta", { name: "owner", user: user });
    return true;
  }

  async function prepare() {
    if (!activityId || !navigator.onLine) return;
    say(T.preparing);
    try {
      const response = await fetch(URLS.data.replace("/0/", `/${activityId}/`), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok || !type.includes("json")) throw new Error(response.redirected ? T.session_ended : String(response.status));
      const data = await response.json();
      if (!(await checkOwner(data.user))) return;
      data.id = activityId;
      data.prepared_at = new Date().toISOString();
      await put("activities", data);
      pack = data;
      fillSelect($("daftar-kelurahan"), pack.kelurahan);
      fillSelect($("daftar-kbli"), pack.kbli);
      say(fmt(T.prepared, { time: new Date(pack.prepared_at).toLocaleString(document.documentElement.lang) }), "success");
      render();
    } catch (error) {
      say(fmt(T.prepare_failed, { error: error.message }), "danger");
    }
  }

  function payload(change) {
    const fields = ["key", "kind", "participation", "status", "base", "nik", "nib", "owner_name", "phone", "business_name", "kelurahan", "kbli_category"];
    return Object.fromEntries(fields.filter((f) => change[f] !== undefined).map((f) => [f, change[f]]));
  }

  function applyRow(row) {
    const index = pack.participants.findIndex((p) => p.id === row.id);
    if (index >= 0) pack.participants[index] = row;
    else pack.participants.push(row);
  }

  async function sync() {
    if (syncing || !pack) return;
    if (!navigator.onLine) {
      showNetwork();
      return;
    }
    const pending = changes.filter((c) => c.state === "pending");
    if (!pending.length) {
      say(T.nothing_to_send);
      return;
    }
    syncing = true;
    say(T.sending);
    try {
      const session = await currentSession();
      if (!session.user) {
        say(T.session_ended, "warning");
        return;
      }
      if (!(await checkOwner(session.user))) {
        render();
        return;
      }
      const response = await fetch(URLS.sync.replace("/0/", `/${activityId}/`), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": session.csrf },
        body: JSON.stringify({ changes: pending.map(payload) }),
      });
      const type = response.headers.get("Content-Type") || "";
      const body = type.includes("json") ? await response.json() : null;
      if (!response.ok || !body || !body.results) {
        say(body && body.error ? body.error : T.send_failed, "danger");
        return;
      }
      let sent = 0;
      for (const result of body.results) {
        const change = changes.find((c) => c.key === result.key);
        if (!change) continue;
        if (result.outcome === "ok") {
          applyRow(result.participant);
          await remove("changes", change.key);
          sent += 1;
        } else {
          change.state = "conflict";
          change.conflict = result;
          await put("changes", change);
        }
      }
      await put("activities", pack);
      await loadChanges();
      say(fmt(T.sent, { n: sent }), "success");
    } catch (error) {
      say(T.send_failed, "danger");
    } finally {
      syncing = false;
      render();
    }
  }

  /* Signing out takes the device's copy with it: IndexedDB, the kept screen and the worker here,
     and the server's answer (Clear-Site-Data) for whatever else the portal stored. */
  async function logout(event) {
    event.preventDefault();
    const form = event.target;
    if (!navigator.onLine) {
      say(T.logout_offline, "warning");
      return;
    }
    const all = await getAll("changes");
    const unsent = all.length;
    if (unsent && !window.confirm(fmt(T.logout_pending, { n: unsent }))) return;
    try {
      const session = await currentSession();
      form.elements.csrfmiddlewaretoken.value = session.csrf;
    } catch (error) {
      say(T.logout_offline, "warning");
      return;
    }
    db.close();
    await new Promise((done) => {
      const request = indexedDB.deleteDatabase(DB_NAME);
      request.onsuccess = request.onerror = request.onblocked = () => done();
    });
    if (window.caches) {
      const keys = await caches.keys();
      await Promise.all(keys.filter((k) => k.startsWith("kehadiran-luring-")).map((k) => caches.delete(k)));
    }
    if ("serviceWorker" in navigator) {
      const registrations = await navigator.serviceWorker.getRegistrations();
      await Promise.all(registrations.map((r) => r.unregister()));
    }
    form.submit();
  }

  /* --- Start --------------------------------------------------------------------------- */

  async function start() {
    showNetwork();
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(URLS.worker).catch(() => {});
    }
    db = await openDb();
    if (navigator.onLine) {
      try {
        const session = await currentSession();
        await checkOwner(session.user);
      } catch (error) {
        /* the server is out of reach: work from the device */
      }
    }
    if (!activityId) {
      const stored = await getAll("activities");
      $("kegiatan-info").textContent = T.no_activity;
      const list = $("daftar-peserta");
      stored.forEach((a) => {
        const li = element("li");
        li.appendChild(element("a", { href: `?kegiatan=${a.id}` }, a.activity.title));
        list.appendChild(li);
      });
      $("bagian-walkin").hidden = true;
      return;
    }
    pack = (await get("activities", activityId)) || null;
    await loadChanges();
    if (pack) {
      fillSelect($("daftar-kelurahan"), pack.kelurahan);
      fillSelect($("daftar-kbli"), pack.kbli);
    } else if (navigator.onLine) {
      await prepare();
    } else {
      say(T.not_prepared, "warning");
    }
    render();
    if (navigator.onLine && changes.some((c) => c.state === "pending")) sync();
  }

  $("siapkan").addEventListener("click", prepare);
  $("kirim").addEventListener("click", sync);
  $("cari").addEventListener("input", renderList);
  $("form-walkin").addEventListener("submit", addWalkin);
  $("form-daftar").addEventListener("submit", addRegistration);
  $("keluar").addEventListener("submit", logout);
  window.addEventListener("online", () => {
    showNetwork();
    sync();
  });
  window.addEventListener("offline", showNetwork);
  start().then(() => document.body.setAttribute("data-siap", "1"));
})();
