// The demo page: who you are, the Home tab, the DM, modals and the clock, each turned into a call to the page's
// JSON API, which sends the bot what Slack would. All text is set with textContent (see blockkit.js).
"use strict";

(function () {
  const { el, mrkdwn, renderBlocks, stateValues, plain } = window.BlockKit;
  const $ = (id) => document.getElementById(id);
  let user = null;
  let people = [];
  let tab = "home";
  let homeKey = null;
  let modalKey = null;
  let modalForm = [];
  let busy = false;

  async function api(method, path, body) {
    const options = { method, headers: {} };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(path, options);
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || "HTTP " + response.status);
    return data;
  }

  function toast(text, isError) {
    const t = $("toast");
    t.textContent = text;
    t.className = isError ? "show error" : "show";
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => (t.className = ""), 4000);
  }

  async function run(promise) {
    busy = true;
    document.body.classList.add("busy");
    try {
      const state = await promise;
      if (state && state.home !== undefined) show(state);
      return state;
    } catch (e) {
      toast(e.message, true);
      return null;
    } finally {
      busy = false;
      document.body.classList.remove("busy");
    }
  }

  // -- who and when ----------------------------------------------------------------------------------------

  function showTime(info) {
    people = info.people;
    $("demo-date").textContent = info.weekday + " " + info.date;
    $("jump-date").min = info.date;
    const select = $("person");
    if (select.options.length === 0) {
      people.forEach((p) => {
        const o = el("option", null, p.label);
        o.value = p.id;
        select.appendChild(o);
      });
    }
    const list = $("people-times");
    list.replaceChildren(
      ...people.map((p) => {
        const li = el("li", "person-time");
        li.appendChild(el("span", "person-name", p.name));
        li.appendChild(el("span", "person-local", p.local_time));
        return li;
      }),
    );
    const me = people.find((p) => p.id === user);
    $("localtime").textContent = me ? "Your local time: " + me.local_time + " (" + me.tz + ")" : "";
  }

  function ctxFor(where, extra) {
    return {
      people,
      confirm: askConfirm,
      onAction: (action) => {
        if (busy) return;
        const body = { user, where, action, ...extra };
        if (where === "modal") body.values = stateValues(modalForm);
        run(api("POST", "/api/action", body));
      },
      ...extra,
    };
  }

  // -- what the person's Slack shows ---------------------------------------------------------------------

  function show(state) {
    showTime(state);
    showHome(state.home);
    showDm(state.dm);
    showModal(state.modals, state.errors || {});
  }

  function showHome(home) {
    const key = home ? home.id + ":" + home.hash : "none";
    if (key === homeKey) return;
    homeKey = key;
    const pane = $("home");
    if (!home) {
      pane.replaceChildren(el("p", "empty", "The app has not published a Home tab for you yet."));
      return;
    }
    pane.replaceChildren(renderBlocks(home.blocks, ctxFor("home", {})));
  }

  function showDm(dm) {
    const box = $("dm");
    const shown = dm.filter((m) => !m.ephemeral).length;
    $("dm-count").textContent = shown ? String(shown) : "";
    box.replaceChildren(
      ...dm.map((m) => {
        const row = el("div", "message" + (m.ephemeral ? " ephemeral" : ""));
        row.dataset.ts = m.ts;
        const head = el("div", "message-head");
        head.appendChild(el("span", "app-icon", "cp"));
        head.appendChild(el("span", "sender", "careerplan"));
        head.appendChild(el("span", "app-badge", "APP"));
        if (m.edited) head.appendChild(el("span", "edited", "(edited)"));
        row.appendChild(head);
        if (m.ephemeral) row.appendChild(el("div", "only-you", "Only visible to you"));
        const body = el("div", "message-body");
        if (m.blocks && m.blocks.length) body.appendChild(renderBlocks(m.blocks, ctxFor("message", { ts: m.ts })));
        else body.appendChild(mrkdwn(m.text, people));
        (m.files || []).forEach((f) => {
          const card = el("div", "file");
          card.appendChild(el("span", "file-icon", /\.html$/i.test(f.name || "") ? "HTML" : "MD"));
          card.appendChild(el("span", "file-name", f.title || f.name));
          const a = el("a", "download", "Download");
          a.href = "/api/file?user=" + encodeURIComponent(user) + "&id=" + encodeURIComponent(f.id);
          a.download = f.name;
          card.appendChild(a);
          body.appendChild(card);
        });
        row.appendChild(body);
        return row;
      }),
    );
    box.scrollTop = box.scrollHeight;
  }

  function showModal(modals, errors) {
    const layer = $("modal-layer");
    const top = modals.length ? modals[modals.length - 1] : null;
    const key = top ? top.id + ":" + top.hash : null;
    if (!top) {
      layer.className = "hidden";
      layer.replaceChildren();
      modalKey = null;
      modalForm = [];
      return;
    }
    if (key === modalKey) {
      // The same view (a submission answered with errors): what was typed stays, the errors show on the fields.
      layer.querySelectorAll("[data-error-for]").forEach((node) => {
        node.textContent = errors[node.dataset.errorFor] || "";
      });
      return;
    }
    modalKey = key;
    modalForm = [];
    const dialog = el("div", "modal");
    dialog.setAttribute("role", "dialog");
    dialog.setAttribute("aria-modal", "true");
    const head = el("div", "modal-head");
    if (modals.length > 1) head.appendChild(el("span", "stack", "‹ " + modals.length));
    head.appendChild(el("h3", "modal-title", plain(top.title)));
    const x = el("button", "modal-x", "×");
    x.type = "button";
    x.setAttribute("aria-label", "Close");
    x.addEventListener("click", () => run(api("POST", "/api/close", { user })));
    head.appendChild(x);
    dialog.appendChild(head);
    const ctx = ctxFor("modal", {});
    ctx.form = modalForm;
    ctx.errors = errors;
    const body = el("div", "modal-body");
    body.appendChild(renderBlocks(top.blocks, ctx));
    dialog.appendChild(body);
    const foot = el("div", "modal-foot");
    const close = el("button", "btn", plain(top.close) || "Cancel");
    close.type = "button";
    close.id = "modal-close";
    close.addEventListener("click", () => run(api("POST", "/api/close", { user })));
    foot.appendChild(close);
    if (top.submit) {
      const submit = el("button", "btn primary", plain(top.submit));
      submit.type = "button";
      submit.id = "modal-submit";
      submit.addEventListener("click", () => {
        if (!busy) run(api("POST", "/api/submit", { user, values: stateValues(modalForm) }));
      });
      foot.appendChild(submit);
    }
    dialog.appendChild(foot);
    layer.replaceChildren(dialog);
    layer.className = "";
  }

  function askConfirm(confirm, proceed) {
    const layer = $("confirm-layer");
    const box = el("div", "modal confirm");
    box.setAttribute("role", "alertdialog");
    box.appendChild(el("h3", "modal-title", plain(confirm.title) || "Are you sure?"));
    box.appendChild(mrkdwn(confirm.text ? confirm.text.text : "", people));
    const foot = el("div", "modal-foot");
    const no = el("button", "btn", plain(confirm.deny) || "Cancel");
    no.type = "button";
    no.id = "confirm-deny";
    const yes = el("button", "btn " + (confirm.style || "primary"), plain(confirm.confirm) || "Yes");
    yes.type = "button";
    yes.id = "confirm-yes";
    const done = () => {
      layer.className = "hidden";
      layer.replaceChildren();
    };
    no.addEventListener("click", done);
    yes.addEventListener("click", () => {
      done();
      proceed();
    });
    foot.appendChild(no);
    foot.appendChild(yes);
    box.appendChild(foot);
    layer.replaceChildren(box);
    layer.className = "";
  }

  // -- controls ------------------------------------------------------------------------------------------

  function showTab(name) {
    tab = name;
    $("home").classList.toggle("hidden", name !== "home");
    $("messages").classList.toggle("hidden", name !== "messages");
    $("tab-home").classList.toggle("active", name === "home");
    $("tab-messages").classList.toggle("active", name === "messages");
  }

  async function become(id) {
    user = id;
    homeKey = modalKey = null;
    localStorage.setItem("careerplan-demo-user", id);
    await run(api("POST", "/api/home", { user }));
  }

  async function moveClock(move, date) {
    const info = await run(api("POST", "/api/clock", { move, date }));
    if (info) {
      toast("Demo date " + info.date + ": " + info.report);
      await run(api("GET", "/api/state?user=" + encodeURIComponent(user)));
    }
  }

  async function start() {
    const info = await api("GET", "/api/people");
    const saved = localStorage.getItem("careerplan-demo-user");
    user = info.people.some((p) => p.id === saved) ? saved : info.people[0].id;
    showTime(info);
    $("person").value = user;
    $("person").addEventListener("change", (e) => become(e.target.value));
    $("tab-home").addEventListener("click", () => showTab("home"));
    $("tab-messages").addEventListener("click", () => showTab("messages"));
    $("plus-day").addEventListener("click", () => moveClock("day"));
    $("plus-week").addEventListener("click", () => moveClock("week"));
    $("next-reminder").addEventListener("click", () => moveClock("next"));
    $("jump").addEventListener("click", () => moveClock("date", $("jump-date").value));
    $("composer").addEventListener("submit", (e) => {
      e.preventDefault();
      const box = $("message-box");
      const text = box.value.trim();
      if (!text) return;
      if (!text.startsWith("/")) {
        toast("careerplan answers /careerplan commands: try /careerplan help");
        return;
      }
      box.value = "";
      run(api("POST", "/api/command", { user, text }));
    });
    showTab(tab);
    await become(user);
    document.body.dataset.ready = "true";
  }

  window.CareerplanDemo = { askConfirm };  // the page's confirmation dialog, for the renderer's tests
  start().catch((e) => toast(e.message, true));
})();
