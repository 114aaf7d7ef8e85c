// reach console: acts as one member through reach's public API (/v1) and its event stream.
// Plain JavaScript, no framework: every view is built with el(), never from HTML strings, so
// nothing a member writes can become markup.
"use strict";

const session = {
  token: sessionStorage.getItem("reach.token") || "",
  me: null,         // GET /v1/me of the member acted as
  dev: null,        // GET /console/dev-token when development tokens are on, else null
  events: null,     // the EventSource of /v1/events
};

// ---- building the page ----

// el makes an element: attrs are attributes (on* are listeners), children are nodes or text.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

// counted says n of a noun, in the singular for one: "1 connection", "2 connections".
const counted = (n, noun) => `${n} ${noun}${n === 1 ? "" : "s"}`;

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

const main = () => document.getElementById("main");

// show replaces the page's content and moves focus to its heading, for keyboard and screen
// reader users.
function show(title, ...content) {
  const h = el("h1", { tabindex: "-1" }, title);
  // A part left out (null, undefined, false) shows nothing, as in el.
  main().replaceChildren(h, ...content.filter((c) => c !== undefined && c !== null && c !== false));
  document.title = title + " · reach console";
  h.focus();
}

// announce says something in the live region: a toast that stays a while.
function announce(...content) {
  const t = el("div", { class: "toast" }, ...content);
  document.getElementById("live").append(t);
  setTimeout(() => t.remove(), 8000);
}

function errorBox(err) {
  return el("p", { class: "error", role: "alert" }, err.message || String(err));
}

// ---- talking to reach ----

class APIError extends Error {
  constructor(status, problem) {
    super(problem && problem.detail ? problem.detail : "reach answered " + status);
    this.status = status;
    this.problem = problem || {};
  }
}

// api calls reach as the member acted as; with development tokens on, an expired token is
// replaced once and the call repeated. It sends reach's cookies (same-origin credentials), so
// that reach_written shows the member their own actions on whichever replica answers.
async function api(method, path, body, retried) {
  const headers = { Authorization: "Bearer " + session.token };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path, {
    method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401 && session.dev && session.me && !retried) {
    await mint(session.me.id);
    return api(method, path, body, true);
  }
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new APIError(res.status, data);
  return data;
}

const q = (params) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "" && v !== null) s.set(k, v);
  const str = s.toString();
  return str ? "?" + str : "";
};

// ---- words for what the API answers ----

// badge shows a degree: "1st", "2nd", "3rd", "You", or "Outside your network".
function badge(r) {
  if (!r || r.found === false) return null;
  if (r.degree === null || r.label === "out_of_network") {
    return el("span", { class: "badge out outside", "data-degree": "out" }, "Outside your network");
  }
  const text = r.degree === 0 ? "You" : r.label;
  return el("span", { class: "badge d" + r.degree, "data-degree": r.label, title: degreeWords(r) }, text);
}

function degreeWords(r) {
  switch (r.degree) {
    case 0: return "This is you";
    case 1: return "1st degree: you are connected";
    case 2: return "2nd degree: you share a connection";
    case 3: return "3rd degree: a connection of a connection of a connection";
    default: return "Outside your network";
  }
}

// viaWords says what allows a message request: "via Go Developers" (a group both are in) or
// "via Acme (coworker)" (a company where both hold a current position).
function viaWords(v) {
  return v.kind === "company" ? `via ${v.name} (coworker)` : `via ${v.name}`;
}

// canMessage says, in plain words, what reachability's messaging decision means to me, the
// member acted as (their InMail credits and message requests left).
function canMessage(m, me) {
  const credits = me ? me.inmailCredits : undefined;
  const left = me && me.messageRequestsLeft !== undefined ? ` (${me.messageRequestsLeft} left this month).` : ".";
  const via = m.via ? m.via.name : "a group you share";
  const words = {
    self: "This is you.",
    connected: "Yes, for free: you are connected.",
    thread_reply: "Yes, for free: they wrote to you, so you may reply.",
    open_profile: "Yes, for free: they have an open profile.",
    inmail: `Yes, with an InMail: it costs ${counted(m.cost, "credit")}` +
      (credits === undefined ? "." : ` (you have ${credits}).`),
    sender_restricted: "No: your account is restricted after reports by other members.",
    declined: "No: they declined your InMail or message request.",
    awaiting_reply: "No: your earlier InMail or message request is still waiting for their answer.",
    shared_group: `Yes, free: a message request, since you are both in ${via}` + left,
    coworker: `Yes, free: a message request, since you both work at ${m.via ? m.via.name : "the same company"}` + left,
    recipient_inmail_off: "No: they have turned InMail off.",
    recipient_network_only: "No: they take InMail only from members of their network (up to 3rd degree).",
    no_credits: "No: an InMail costs a credit and you have none left.",
  };
  return words[m.reason] || (m.allowed ? "Yes." : "No.") + ` (reason: ${m.reason})`;
}

const inmailIcon = () => {
  const s = svg("svg", { class: "icon", viewBox: "0 0 32 32", role: "img", "aria-label": "InMail" },
    svg("title", {}, "InMail"),
    svg("rect", { x: 2, y: 6, width: 28, height: 20, rx: 3, fill: "#915907" }),
    svg("path", { d: "M4 9l12 9 12-9", fill: "none", stroke: "#fff", "stroke-width": 2 }));
  s.dataset.icon = "inmail";
  return s;
};
const messageIcon = () => {
  const s = svg("svg", { class: "icon", viewBox: "0 0 32 32", role: "img", "aria-label": "Message" },
    svg("title", {}, "Message"),
    svg("path", { d: "M4 6h24v16H12l-6 5v-5H4z", fill: "#0a66c2" }));
  s.dataset.icon = "message";
  return s;
};

const requestIcon = () => {
  const s = svg("svg", { class: "icon", viewBox: "0 0 32 32", role: "img", "aria-label": "Message request" },
    svg("title", {}, "Message request"),
    svg("path", { d: "M4 6h24v16H12l-6 5v-5H4z", fill: "#057642" }),
    svg("path", { d: "M16 9v10M11 14h10", stroke: "#fff", "stroke-width": 2.5 }));
  s.dataset.icon = "request";
  return s;
};
const iconOf = (kind) => (kind === "inmail" ? inmailIcon() : kind === "request" ? requestIcon() : messageIcon());

const when = (iso) => new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });

// ---- signing in ----

async function mint(member) {
  const res = await fetch("/console/dev-token", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ member }),
  });
  const data = await res.json();
  if (!res.ok) throw new APIError(res.status, data);
  setToken(data.token);
}

function setToken(token) {
  session.token = token;
  sessionStorage.setItem("reach.token", token);
}

async function devMembers() {
  try {
    const res = await fetch("/console/dev-token");
    return res.ok ? await res.json() : null;
  } catch {
    return null;
  }
}

async function signInView() {
  session.dev = await devMembers();
  const content = [];
  if (session.dev) {
    content.push(el("section", { class: "card", "aria-labelledby": "pick-h" },
      el("h2", { id: "pick-h" }, "Act as a demo member"),
      el("p", { class: "hint" }, `Development mode: reach gives the console a token valid for ${session.dev.ttlSeconds / 60} minutes.`),
      el("div", { class: "pick" }, session.dev.members.map((m) =>
        el("button", { type: "button", "data-member": m.id, onclick: () => signIn(() => mint(m.id)) }, m.name)))));
  }
  const area = el("textarea", { id: "token", rows: 3, autocomplete: "off", spellcheck: "false" });
  content.push(el("form", { class: "card", onsubmit: (e) => { e.preventDefault(); signIn(async () => setToken(area.value.trim())); } },
    el("label", { for: "token" }, "Paste a token"),
    el("p", { class: "hint" }, "A bearer token (JWT) whose sub is your member id."),
    area,
    el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "Sign in"))));
  show("Sign in", ...content);
}

async function signIn(get) {
  try {
    await get();
    await loadMe();
    location.hash = "#/inbox";
    route();
  } catch (err) {
    main().append(errorBox(err));
  }
}

async function loadMe() {
  session.me = await api("GET", "/v1/me");
  document.getElementById("who-name").textContent = `Acting as ${session.me.name} (${session.me.id})`;
  document.getElementById("who").hidden = false;
  document.getElementById("nav").hidden = false;
  listen();
}

function signOut() {
  if (session.events) session.events.close();
  session.events = null;
  session.me = null;
  session.token = "";
  sessionStorage.removeItem("reach.token");
  document.getElementById("who").hidden = true;
  document.getElementById("nav").hidden = true;
  location.hash = "";
  signInView();
}

// ---- live events ----

// listen opens /v1/events; EventSource cannot send headers, so the token goes in the query. When
// the stream is refused (an expired token), it asks for a new token in development mode and
// listens again.
function listen() {
  if (session.events) session.events.close();
  const es = new EventSource("/v1/events?access_token=" + encodeURIComponent(session.token));
  session.events = es;
  es.addEventListener("message", (e) => onMessage(JSON.parse(e.data)));
  es.addEventListener("invitation", (e) => {
    const d = JSON.parse(e.data);
    announce(`${d.from.name} invited you to connect.`);
  });
  es.addEventListener("acceptance", (e) => {
    const d = JSON.parse(e.data);
    announce(`${d.by.name} accepted your invitation.`);
  });
  es.addEventListener("decline", async (e) => {
    const d = JSON.parse(e.data);
    // The event does not say what was declined; the message does.
    const what = await api("GET", "/v1/messages/" + encodeURIComponent(d.id))
      .then((m) => (m.kind === "request" ? "message request" : "InMail"), () => "InMail");
    announce(`${d.by.name} declined your ${what}${d.note ? ": " + d.note : "."}`);
  });
  es.addEventListener("request_accepted", (e) => {
    const d = JSON.parse(e.data);
    announce(`${d.by.name} accepted your message request: you may now write to each other freely.`);
  });
  for (const type of ["conversation_read", "conversation_unread", "conversation_archived", "conversation_muted", "conversation_moved"]) {
    // A change made on another device: the list shows it.
    es.addEventListener(type, () => { if (currentSection() === "inbox") inboxView(true); });
  }
  // Events were missed that the log no longer holds (EventSource resumes with Last-Event-ID):
  // what is shown is read again.
  es.addEventListener("resync", () => { if (currentSection() === "inbox") inboxView(true); });
  es.addEventListener("open", () => { document.body.dataset.live = "on"; });
  es.addEventListener("error", () => {
    document.body.dataset.live = "off";
    if (es.readyState !== EventSource.CLOSED || session.events !== es) return;
    setTimeout(async () => {
      if (session.events !== es || !session.me) return;
      try {
        if (session.dev) await mint(session.me.id);
        listen();
      } catch { /* the next view's request will say what is wrong */ }
    }, 3000);
  });
}

function onMessage(d) {
  announce(el("a", { href: "#/message/" + d.id }, d.preview));
  if (currentSection() === "inbox") inboxView(true);
}

// ---- views ----

const currentSection = () => (location.hash.split("/")[1] || "inbox").split("?")[0];

let inboxFilter = "all";
// The inbox's views: the inbox with its filters, then the other boxes: Other (InMail and message
// requests from senders that look like a mass blast), archived, and message requests waiting for
// an answer.
const filters = [
  ["all", "All", { box: "inbox" }],
  ["unread", "Unread", { box: "inbox", unread: "true" }],
  ["inmail", "InMail", { box: "inbox", kind: "inmail" }],
  ["message", "Messages", { box: "inbox", kind: "conversation" }],
  ["other", "Other", { box: "other" }],
  ["archived", "Archived", { box: "archived" }],
  ["requests", "Requests", { box: "requests" }],
];

// boxHints say what a box holds, above its list.
const boxHints = {
  other: "InMail and message requests from senders who write to many members at once land here. Move a conversation to your inbox if it is not spam.",
  archived: "Conversations you archived. A new message brings one back to your inbox.",
  requests: "Fellow members of your groups and your coworkers may send you a free message request. It waits here until you accept it (the conversation then moves to your inbox) or decline it.",
};

// requestsPageSize is how many waiting requests one look at the requests box counts and lists.
const requestsPageSize = 50;

// inboxView lists the caller's conversations in the box and with the filter chosen, one row per
// conversation, with the number of requests waiting on its button; quiet keeps the focus where it
// is (a live refresh).
async function inboxView(quiet) {
  const [, , params] = filters.find(([k]) => k === inboxFilter);
  const requests = inboxFilter === "requests";
  const bar = el("div", { class: "filters", role: "group", "aria-label": "Show" }, filters.map(([key, label]) =>
    el("button", { type: "button", "aria-pressed": String(key === inboxFilter), "data-filter": key,
      onclick: () => { inboxFilter = key; inboxView(); } }, label)));
  const title = { other: "Other", archived: "Archived", requests: "Message requests" }[params.box] || "Inbox";
  const list = el("ul", { class: "list", id: "inbox-list", "aria-label": title, "data-box": params.box, "data-filter": inboxFilter });
  const hint = boxHints[params.box];
  const body = [bar, hint ? el("p", { class: "hint", id: params.box + "-hint" }, hint) : null, el("div", { class: "card" }, list)];
  const shown = document.getElementById("inbox-list");
  if (quiet && currentSection() === "inbox" && shown?.dataset.filter === inboxFilter) {
    shown.replaceWith(list);
  } else {
    show(title, ...body);
  }
  // The count is for the button only: without it, the button just says "Requests".
  const waiting = requests ? null : api("GET", "/v1/conversations" + q({ box: "requests", limit: requestsPageSize })).catch(() => null);
  try {
    const page = await api("GET", "/v1/conversations" + q({ ...params, limit: requests ? requestsPageSize : 50 }));
    if (!page.items.length) list.append(el("li", { class: "hint" }, requests ? "No message requests are waiting." : "Nothing here."));
    for (const c of page.items) list.append(conversationRow(c));
    showRequestCount(requests ? page : await waiting);
  } catch (err) {
    list.append(el("li", {}, errorBox(err)));
  }
}

// showRequestCount puts the number of requests waiting on the Requests button.
function showRequestCount(page) {
  const button = document.querySelector('button[data-filter="requests"]');
  if (!button || !page) return;
  const n = page.items.length + (page.nextCursor ? "+" : "");
  button.dataset.count = n;
  button.textContent = `Requests (${n})`;
}

// conversationRow is one conversation: its last message's preview, how the caller stands to the
// other member, its unread count and badges, and what the caller may do with it there.
function conversationRow(c) {
  const m = c.lastMessage;
  const unread = c.unreadCount > 0;
  return el("li", { "data-conversation": c.id },
    el("a", { class: "entry" + (unread ? " unread" : ""), href: "#/message/" + m.id, "data-message": m.id, "data-from": c.with.id },
      el("span", { class: "dot" + (unread ? "" : " read"), "aria-hidden": "true" }),
      iconOf(m.kind),
      el("span", { class: "body" },
        el("span", { class: "preview" }, m.preview),
        el("span", { class: "meta" },
          unread ? el("span", { class: "badge", "data-unread": c.unreadCount }, c.unreadCount + " unread") : null,
          c.kind === "inmail" ? el("span", { class: "badge inmail" }, "InMail") : null,
          c.kind === "request" ? el("span", { class: "badge request" }, "Request") : null,
          c.with.former ? el("span", { class: "badge out", "data-former": "" }, "Former member") : badge(c.with),
          m.via ? el("span", { class: "via", "data-via": m.via.id }, viaWords(m.via)) : null,
          c.muted ? el("span", { class: "badge", "data-muted": "" }, "Muted") : null,
          el("span", {}, when(c.lastActivityAt))))),
    conversationActions(c));
}

// conversationActions archive or unarchive, mute or unmute, mark unread, and move out of Other.
function conversationActions(c) {
  const change = (patch, said) => submitOnce(async () => {
    await api("PATCH", "/v1/conversations/" + encodeURIComponent(c.id), patch);
    announce(said);
    inboxView(true);
  });
  const received = c.lastMessage.from.id !== session.me.id;
  return el("div", { class: "row-actions" },
    c.box === "other" ? el("button", { type: "button", "data-action": "not-spam", onclick: change({ box: "inbox" }, "Moved to your inbox.") }, "Not spam") : null,
    c.unreadCount === 0 && received ? el("button", { type: "button", "data-action": "unread", onclick: change({ unread: true }, "Marked unread.") }, "Mark unread") : null,
    el("button", { type: "button", "data-action": c.muted ? "unmute" : "mute", onclick: change({ muted: !c.muted }, c.muted ? "Unmuted." : "Muted: you will not be told of new messages.") }, c.muted ? "Unmute" : "Mute"),
    el("button", { type: "button", "data-action": c.archived ? "unarchive" : "archive", onclick: change({ archived: !c.archived }, c.archived ? "Moved back to your inbox." : "Archived.") }, c.archived ? "Unarchive" : "Archive"));
}

async function messageView(id) {
  show("Message");
  try {
    const m = await api("GET", "/v1/messages/" + encodeURIComponent(id));
    const thread = await api("GET", "/v1/threads/" + encodeURIComponent(m.threadId) + "?limit=100");
    const other = m.from.id === session.me.id ? m.to : m.from;
    markRead(m.conversationId, thread.items);
    const titles = { inmail: "InMail from ", request: "Message request from " };
    show(m.subject || (titles[m.kind] ? titles[m.kind] + m.from.name : "Conversation with " + other.name),
      el("p", {}, "With ", other.former ? el("span", { "data-former": "" }, other.name + " (the account is closed)")
        : el("a", { href: "#/member/" + other.id }, other.name), other.headline ? " · " + other.headline : null),
      m.kind === "request" ? requestLine(m) : null,
      el("section", { class: "card thread", "aria-label": "Conversation" }, thread.items.map((t) =>
        el("article", { class: "msg" + (t.from.id === session.me.id ? " mine" : ""), "data-message": t.id },
          el("div", { class: "from" }, t.kind === "message" ? null : iconOf(t.kind), " ", t.from.name,
            el("span", { class: "hint" }, " · " + when(t.sentAt) + (t.via ? " · " + viaWords(t.via) : "") + (t.status ? " · " + t.status : ""))),
          el("div", { class: "text" }, t.body)))),
      messageActions(m, other));
  } catch (err) {
    main().append(errorBox(err));
  }
}

// markRead marks the conversation read up to the last message shown, when any shown was received
// unread; a failure costs only the mark.
function markRead(conversation, shown) {
  const unread = shown.filter((t) => !t.read && t.to.id === session.me.id);
  if (!unread.length) return;
  api("PATCH", "/v1/conversations/" + encodeURIComponent(conversation), { readUpTo: shown[shown.length - 1].id }).catch(() => {});
}

// requestLine says what allowed a message request and where it stands: "Message request via Go
// Developers, a group you are both in: waiting for your answer; accept it to reply."
function requestLine(m) {
  const received = m.to.id === session.me.id;
  const status = {
    pending: received ? "waiting for your answer; accept it to reply" : `waiting for ${m.to.name} to accept it`,
    accepted: "accepted; you may write to each other",
    declined: "declined",
  }[m.status] || m.status;
  const via = !m.via ? "" : " " + viaWords(m.via) + (m.via.kind === "group" ? ", a group you are both in" : "");
  return el("p", { id: "request-status", "data-status": m.status, "data-via": m.via ? m.via.id : null },
    requestIcon(), ` Message request${via}: ${status}.`);
}

// messageActions are what the caller may do with a message: reply, and when they received it,
// accept (a pending message request, before any reply), decline (a pending InMail or request),
// report and block; nothing for a message with a former member.
function messageActions(m, other) {
  if (other.former) return null; // a closed account: nobody to reply to, decline, report or block
  const received = m.to.id === session.me.id;
  const pending = m.status === "pending";
  const request = m.kind === "request";
  const panel = el("div", { id: "panel" });
  const open = (form) => { panel.replaceChildren(form); form.querySelector("textarea,select,input")?.focus(); };
  return el("section", { class: "card", "aria-label": "Actions" },
    el("div", { class: "actions" },
      // A pending request is answered first: accepting it opens the conversation; its sender
      // waits for that answer.
      request && pending
        ? (received ? el("button", { type: "button", class: "primary", onclick: submitOnce(() => acceptRequest(m)) }, "Accept") : null)
        : el("button", { type: "button", class: "primary", onclick: () => open(replyForm(m, other)) }, "Reply"),
      received && pending && (m.kind === "inmail" || request)
        ? el("button", { type: "button", onclick: () => open(declineForm(m)) }, "Decline") : null,
      received ? el("button", { type: "button", onclick: () => open(reportForm(m, other)) }, "Report") : null,
      received ? el("button", { type: "button", class: "danger", onclick: () => open(blockForm(other)) }, "Block") : null),
    panel);
}

function replyForm(m, other) {
  const text = el("textarea", { id: "reply-body", required: true });
  return el("form", { onsubmit: submit(async () => {
    const subject = m.subject && !m.subject.startsWith("Re: ") ? "Re: " + m.subject : m.subject;
    await api("POST", "/v1/messages", { to: other.id, subject, body: text.value });
    announce("Reply sent.");
    messageView(m.id);
  }) },
  el("label", { for: "reply-body" }, "Your reply to " + other.name), text,
  el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "Send reply")));
}

// acceptRequest accepts a message request: the conversation opens both ways and moves to the
// inbox.
async function acceptRequest(m) {
  await api("POST", "/v1/messages/" + encodeURIComponent(m.id) + "/accept");
  announce(`Message request accepted: you and ${m.from.name} may now write to each other.`);
  messageView(m.id);
}

// declineForm declines a pending InMail (its sender gets the credit back) or a message request
// (it leaves the requests box, and the view goes back to it).
function declineForm(m) {
  const request = m.kind === "request";
  const note = el("textarea", { id: "decline-note" });
  return el("form", { onsubmit: submit(async () => {
    await api("POST", "/v1/messages/" + encodeURIComponent(m.id) + "/decline", note.value ? { note: note.value } : {});
    if (request) {
      announce(`Message request from ${m.from.name} declined.`);
      inboxFilter = "requests";
      location.hash = "#/inbox";
      return;
    }
    announce("InMail declined; " + m.from.name + " gets the credit back.");
    messageView(m.id);
  }) },
  el("label", { for: "decline-note" }, "Note to " + m.from.name + " (optional)"), note,
  el("p", { class: "hint" }, "They will not be able to send you another InMail" + (request ? " or message request." : ".")),
  el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, request ? "Decline request" : "Decline InMail")));
}

const reportReasons = [
  ["spam", "Spam"], ["harassment", "Harassment"], ["inappropriate", "Inappropriate content"],
  ["fake", "Fake profile"], ["other", "Something else"],
];

function reportForm(m, other) {
  const reason = el("select", { id: "report-reason" }, reportReasons.map(([v, t]) => el("option", { value: v }, t)));
  const block = el("input", { type: "checkbox", id: "report-block" });
  return el("form", { onsubmit: submit(async () => {
    await api("POST", "/v1/reports", { member: other.id, message: m.id, reason: reason.value, block: block.checked });
    announce("Report received" + (block.checked ? "; " + other.name + " is blocked." : "."));
    if (block.checked) location.hash = "#/inbox";
  }) },
  el("label", { for: "report-reason" }, "Why are you reporting this message?"), reason,
  el("label", { class: "inline" }, block, "Also block " + other.name),
  el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "Send report")));
}

function blockForm(other) {
  return el("form", { onsubmit: submit(async () => {
    await api("PUT", "/v1/blocks/" + encodeURIComponent(other.id));
    announce(other.name + " is blocked.");
    location.hash = "#/inbox";
  }) },
  el("p", {}, `Block ${other.name}? You will no longer see each other: not in search, not in your inbox, and neither of you can message the other.`),
  el("div", { class: "actions" }, el("button", { type: "submit", class: "danger" }, "Block " + other.name)));
}

// submitOnce wraps a button's action: the button waits, and a refusal is shown after it.
function submitOnce(action) {
  return async (e) => {
    const button = e.currentTarget;
    button.parentElement.parentElement.querySelector(":scope > .error")?.remove();
    button.disabled = true;
    try {
      await action();
    } catch (err) {
      button.parentElement.after(errorBox(err));
    } finally {
      button.disabled = false;
    }
  };
}

// submit wraps a form's action: the button waits, and a refusal is shown in the form.
function submit(action) {
  return async (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    const button = form.querySelector("button[type=submit]");
    form.querySelector(".error")?.remove();
    button.disabled = true;
    try {
      await action();
    } catch (err) {
      form.append(errorBox(err));
    } finally {
      button.disabled = false;
    }
  };
}

async function memberView(id) {
  show("Member");
  try {
    const [p, r] = await Promise.all([
      api("GET", "/v1/members/" + encodeURIComponent(id)),
      api("GET", "/v1/members/" + encodeURIComponent(id) + "/reachability"),
    ]);
    show(p.name,
      el("section", { class: "card", "aria-label": "Profile" },
        el("p", {}, badge(p), " ", p.headline),
        p.company ? el("p", {}, "Works at " + p.company) : null,
        p.connectionsCount !== undefined ? el("p", { class: "hint" }, `${counted(p.connectionsCount, "connection")} · ${p.mutualCount} shared`) : el("p", { class: "hint" }, "They show their full profile only to some members.")),
      el("section", { class: "card", "aria-labelledby": "msg-h" },
        el("h2", { id: "msg-h" }, "Can I message them?"),
        el("p", { class: "answer " + (r.messaging.allowed ? "yes" : "no"), id: "can-message", "data-reason": r.messaging.reason },
          canMessage(r.messaging, session.me)),
        memberActions(p, r)),
      sharedCard(p.shared),
      el("section", { class: "card path", "aria-labelledby": "path-h", id: "path" }, el("h2", { id: "path-h" }, "How you're connected")),
      el("section", { class: "card", "aria-labelledby": "mutual-h", id: "mutual" }, el("h2", { id: "mutual-h" }, "Shared connections")));
    drawPath(id);
    mutualPage(id, "");
  } catch (err) {
    main().append(errorBox(err));
  }
}

// sharedKinds are what two members may share, as the profile's shared lists them.
const sharedKinds = [["companies", "Companies"], ["schools", "Schools"], ["groups", "Groups"]];

// sharedCard shows what the caller and the member share: companies and schools where both have
// held a position, and groups both are in, with "and N more" beyond the names the API gives.
// The profile leaves it out when the member shows their full profile only to some members.
function sharedCard(shared) {
  const box = el("section", { class: "card", "aria-labelledby": "shared-h", id: "shared" }, el("h2", { id: "shared-h" }, "What you share"));
  if (!shared) {
    box.append(el("p", { class: "hint" }, "They show what you share only to some members."));
    return box;
  }
  const kinds = sharedKinds.filter(([k]) => shared[k].total > 0);
  if (!kinds.length) {
    box.append(el("p", { class: "hint", id: "shared-none" }, "No company, school or group in common."));
    return box;
  }
  box.append(el("dl", { class: "shared" }, kinds.flatMap(([k, label]) => {
    const l = shared[k];
    const more = l.total - l.items.length;
    return [el("dt", {}, label),
      el("dd", { "data-kind": k, "data-total": l.total },
        el("ul", { class: "inline-list" }, l.items.map((o) => el("li", { "data-id": o.id }, o.name))),
        more > 0 ? el("span", { "data-more": more }, ` and ${more} more`) : null)];
  })));
  return box;
}

// memberActions are what the messaging answer allows: Connect when not connected, and Message,
// Message request or InMail when a send would be taken.
function memberActions(p, r) {
  const panel = el("div", { id: "panel" });
  const m = r.messaging;
  const sendLabel = m.channel === "inmail" ? `InMail (${counted(m.cost, "credit")})`
    : m.channel === "request" ? "Message request" : "Message";
  return el("div", {},
    el("div", { class: "actions" },
      r.degree !== 0 && r.degree !== 1
        ? el("button", { type: "button", onclick: () => { panel.replaceChildren(connectForm(p)); panel.querySelector("textarea").focus(); } }, "Connect") : null,
      m.allowed
        ? el("button", { type: "button", class: "primary", onclick: () => { panel.replaceChildren(sendForm(p, m, sendLabel)); panel.querySelector("textarea").focus(); } }, sendLabel) : null),
    panel);
}

function connectForm(p) {
  const note = el("textarea", { id: "invite-note" });
  return el("form", { onsubmit: submit(async () => {
    const inv = await api("POST", "/v1/invitations", { to: p.id, note: note.value });
    announce(inv.status === "accepted" ? `You and ${p.name} are now connected.` : `Invitation sent to ${p.name}.`);
    memberView(p.id);
  }) },
  el("label", { for: "invite-note" }, "Note to " + p.name + " (optional)"), note,
  el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "Send invitation")));
}

function sendForm(p, m, label) {
  const request = m.channel === "request";
  const subject = el("input", { type: "text", id: "send-subject" });
  const body = el("textarea", { id: "send-body", required: true, "aria-describedby": request ? "send-hint" : null });
  return el("form", { onsubmit: submit(async () => {
    const sent = await api("POST", "/v1/messages", { to: p.id, subject: subject.value, body: body.value });
    session.me.inmailCredits = sent.inmailCredits;
    if (sent.kind === "request") {
      session.me = await api("GET", "/v1/me"); // the requests left this month
      announce(`Message request sent to ${p.name}; it waits for their answer (${session.me.messageRequestsLeft} left this month).`);
    } else {
      announce(sent.kind === "inmail" ? `InMail sent to ${p.name} (${counted(sent.cost, "credit")}; ${sent.inmailCredits} left).` : `Message sent to ${p.name}.`);
    }
    memberView(p.id);
  }) },
  el("label", { for: "send-subject" }, "Subject (optional)"), subject,
  el("label", { for: "send-body" }, (request ? "Message request to " : "Message to ") + p.name), body,
  request ? el("p", { class: "hint", id: "send-hint" }, `Free. It waits in ${p.name}'s requests until they accept it, which opens the conversation, or decline it.`) : null,
  el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "Send " + (request ? "request" : label))));
}

// drawPath draws one shortest chain from the caller to the member as a row of people in SVG.
async function drawPath(id) {
  const box = document.getElementById("path");
  let steps;
  try {
    steps = (await api("GET", "/v1/members/" + encodeURIComponent(id) + "/path")).path;
  } catch (err) {
    box.append(el("p", { class: "hint" }, err.status === 404 ? "You are not connected within three steps." : err.message));
    return;
  }
  const gap = 150, r = 22, w = gap * (steps.length - 1) + 2 * 70, h = 96;
  const chain = steps.map((s, i) => (i === 0 ? "You" : s.name)).join(", who knows ");
  const pic = svg("svg", { viewBox: `0 0 ${w} ${h}`, role: "img", "aria-labelledby": "path-desc", "data-steps": steps.length },
    svg("title", { id: "path-desc" }, chain));
  steps.forEach((s, i) => {
    const x = 70 + i * gap;
    if (i > 0) pic.append(svg("line", { class: "edge", x1: x - gap + r, y1: 30, x2: x - r, y2: 30 }));
  });
  steps.forEach((s, i) => {
    const x = 70 + i * gap;
    const g = svg("g", { "data-member": s.id },
      svg("circle", { class: "node" + (i === 0 ? " you" : ""), cx: x, cy: 30, r }),
      svg("text", { x, y: 35, "text-anchor": "middle", fill: i === 0 ? "#fff" : "#0a66c2" }, initials(s.name)),
      svg("text", { x, y: 78, "text-anchor": "middle" }, i === 0 ? "You" : s.name));
    pic.append(g);
  });
  box.append(pic, el("ol", { class: "sr-only" }, steps.map((s) => el("li", {}, s.name))));
}

const initials = (name) => name.split(/\s+/).map((w) => w[0] || "").join("").slice(0, 2).toUpperCase();

// mutualPageSize is how many shared connections a page shows; a card, not a directory.
const mutualPageSize = 3;

// mutualPage shows one page of the shared connections, with a button for the next.
async function mutualPage(id, cursor) {
  const box = document.getElementById("mutual");
  box.querySelector("[data-more]")?.remove();
  let page;
  try {
    page = await api("GET", "/v1/members/" + encodeURIComponent(id) + "/mutual-connections" + q({ limit: mutualPageSize, cursor }));
  } catch (err) {
    box.append(errorBox(err));
    return;
  }
  let list = box.querySelector("ul");
  if (!list) {
    box.append(el("p", { class: "hint", id: "mutual-total" }, counted(page.total, "shared connection")));
    list = el("ul", { class: "list", "aria-labelledby": "mutual-h" });
    box.append(list);
  }
  for (const m of page.items) {
    list.append(el("li", { "data-member": m.id }, el("a", { class: "entry", href: "#/member/" + m.id },
      el("span", { class: "body" }, el("span", {}, m.name), el("span", { class: "meta" }, m.headline)))));
  }
  if (page.nextCursor) {
    box.append(el("button", { type: "button", "data-more": "", onclick: () => mutualPage(id, page.nextCursor) }, "Show more shared connections"));
  }
}

async function searchView(query) {
  const input = el("input", { type: "search", id: "search-q", value: query || "", autocomplete: "off" });
  const results = el("ul", { class: "list", id: "results", "aria-label": "Results" });
  show("Search",
    el("form", { role: "search", class: "card", onsubmit: (e) => { e.preventDefault(); location.hash = "#/search?q=" + encodeURIComponent(input.value); } },
      el("label", { for: "search-q" }, "Name"), input,
      el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "Search"))),
    el("div", { class: "card" }, results));
  if (!query) { input.focus(); return; }
  try {
    const page = await api("GET", "/v1/members" + q({ q: query, limit: 50 }));
    if (!page.items.length) results.append(el("li", { class: "hint" }, "No one by that name."));
    for (const m of page.items) {
      results.append(el("li", { "data-member": m.id }, el("a", { class: "entry", href: "#/member/" + m.id },
        el("span", { class: "body" }, el("span", {}, m.name),
          el("span", { class: "meta" }, badge(m), m.mutualCount ? `${m.mutualCount} shared` : null, m.headline)))));
    }
  } catch (err) {
    results.append(el("li", {}, errorBox(err)));
  }
}

const settingsFields = [
  { key: "inmail", label: "Who may send you InMail", kind: "radio",
    options: [["anyone", "Anyone"], ["network", "Only my network (up to 3rd degree)"], ["off", "No one"]],
    hint: "InMail is a paid message from someone you are not connected to; off refuses them all." },
  { key: "openProfile", label: "Open profile", kind: "check",
    hint: "Anyone may message you for free, without spending an InMail credit." },
  { key: "profileVisibility", label: "Who sees your full profile", kind: "select",
    options: [["everyone", "Everyone"], ["network", "My network"], ["connections", "My connections"]],
    hint: "Others see only your name and headline." },
  { key: "connectionsVisibility", label: "Who sees your connections", kind: "select",
    options: [["connections", "My connections"], ["only_me", "Only me"]],
    hint: "Shared connections are still shown to the members you share them with." },
  { key: "searchable", label: "Found by name search", kind: "check",
    hint: "When off, members find you only through a link or a shared connection." },
  { key: "messageRequests", label: "Message requests", kind: "check",
    hint: "Fellow members of your groups and your current coworkers may send you a free message request, which waits under Requests until you accept or decline it. InMail settings do not change this." },
];

async function settingsView() {
  show("Settings");
  let me;
  try {
    me = await api("GET", "/v1/me");
  } catch (err) {
    main().append(errorBox(err));
    return;
  }
  const form = el("form", { class: "card", id: "settings", onsubmit: submit(async () => {
    const change = {};
    for (const f of settingsFields) {
      if (f.kind === "check") change[f.key] = form.elements[f.key].checked;
      else change[f.key] = form.elements[f.key].value;
    }
    const saved = await api("PATCH", "/v1/me/settings", change);
    session.me = saved;
    status.textContent = "Saved.";
  }) }, settingsFields.map((f) => settingField(f, me.settings[f.key])));
  const status = el("p", { role: "status", id: "settings-status" });
  form.append(el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "Save settings")), status);
  show("Settings",
    el("p", { class: "hint" }, `${me.name} · ${me.plan} plan · ${counted(me.inmailCredits, "InMail credit")} · ${counted(me.messageRequestsLeft, "message request")} left this month`), form);
}

function settingField(f, value) {
  const hintID = "hint-" + f.key;
  const hint = el("p", { class: "hint", id: hintID }, f.hint);
  if (f.kind === "radio") {
    return el("fieldset", { "aria-describedby": hintID }, el("legend", {}, f.label), hint,
      f.options.map(([v, t]) => el("label", { class: "inline" },
        el("input", { type: "radio", name: f.key, value: v, checked: v === value, id: f.key + "-" + v }), t, " ")));
  }
  if (f.kind === "check") {
    return el("div", {}, el("label", { class: "inline" },
      el("input", { type: "checkbox", name: f.key, id: f.key, checked: value, "aria-describedby": hintID }), f.label), hint);
  }
  return el("div", {}, el("label", { for: f.key }, f.label), hint,
    el("select", { name: f.key, id: f.key, "aria-describedby": hintID },
      f.options.map(([v, t]) => el("option", { value: v, selected: v === value }, t))));
}

// ---- routing ----

async function route() {
  if (!session.token) return signInView();
  if (!session.me) {
    try {
      session.dev = await devMembers();
      await loadMe();
    } catch {
      return signOut();
    }
  }
  const [, section, arg] = location.hash.split("/");
  for (const a of document.querySelectorAll("#nav a")) {
    if (a.dataset.section === (section || "inbox").split("?")[0]) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  switch ((section || "inbox").split("?")[0]) {
    case "message": return messageView(decodeURIComponent(arg));
    case "member": return memberView(decodeURIComponent(arg));
    case "search": return searchView(new URLSearchParams((location.hash.split("?")[1]) || "").get("q"));
    case "settings": return settingsView();
    default: return inboxView();
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("sign-out").addEventListener("click", signOut);
  window.addEventListener("hashchange", route);
  route();
});
