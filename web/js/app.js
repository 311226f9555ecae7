// The helixmatch web app: sign in with a token, then one view per user:
// a company (need -> research groups), a TTO (capability -> firms), one
// pair explained, a programme screening a batch, and the outcome loop.
import { ApiError, call, describeError, setToken, token } from "./api.js";
import { clear, csvLink, enumWords, fixed, h } from "./dom.js";
import { screeningBody } from "./proposals.js";
import { barChart, readableEnums, screeningReport, suggestionCard } from "./render.js";

const $ = (id) => document.getElementById(id);

function showMessage(text, kind = "error") {
  const box = $("message");
  box.textContent = text;
  box.className = `message ${kind}`;
  box.hidden = false;
}

function hideMessage() {
  $("message").hidden = true;
}

// Runs `work`, showing a busy state on the form and any error in words.
async function guarded(form, work) {
  hideMessage();
  const button = form?.querySelector("button[type=submit]");
  if (button) button.disabled = true;
  document.body.classList.add("busy");
  try {
    await work();
  } catch (error) {
    showMessage(describeError(error));
    if (error instanceof ApiError && error.code === "unauthenticated" && !token()) signOut(false);
  } finally {
    if (button) button.disabled = false;
    document.body.classList.remove("busy");
  }
}

// ------------------------------------------------------------ sign in

async function signIn(value) {
  setToken(value);
  try {
    const stats = await call("Stats");
    $("sign-in").hidden = true;
    $("app").hidden = false;
    $("session").hidden = false;
    hideMessage();
    const name = await greet(await loadOwnProfiles());
    $("session-stats").textContent =
      (name ? `${name} · ` : "") +
      `${stats.organizations ?? 0} organizations · ${stats.capabilities ?? 0} capabilities · ${stats.needs ?? 0} needs`;
  } catch (error) {
    setToken("");
    throw error;
  }
}

// Leaves nothing of the last user on the page: answers, forms, lists.
function signOut(clearMessage = true) {
  setToken("");
  $("app").hidden = true;
  $("session").hidden = true;
  $("sign-in").hidden = false;
  $("token").value = "";
  for (const results of document.querySelectorAll(".results")) clear(results);
  for (const form of document.querySelectorAll("#app form")) form.reset();
  for (const pick of document.querySelectorAll(".pick")) pick.hidden = true;
  batch.reports = [];
  showView("company");
  $("outcome-year").value = new Date().getFullYear();
  if (clearMessage) hideMessage();
}

// ------------------------------------------------------------ tabs

function showView(name) {
  for (const tab of document.querySelectorAll(".tabs button")) {
    tab.setAttribute("aria-selected", String(tab.dataset.view === name));
  }
  for (const view of document.querySelectorAll(".view")) {
    view.hidden = view.id !== `view-${name}`;
  }
}

// ------------------------------------------------------------ own profiles

// Fills the "pick one of yours" lists with the caller's own needs and
// capability profiles; operators and programmes have none of their own.
// Returns the caller's organization id, or "" when it has none.
async function loadOwnProfiles() {
  let organization = "";
  for (const [kind, selectId, inputId] of [["RECORD_KIND_NEED", "company-pick", "company-need"],
                                           ["RECORD_KIND_CAPABILITY", "tto-pick", "tto-capability"]]) {
    const select = clear($(selectId));
    let listed = {};
    try {
      listed = await call("ListProfiles", { kind, limit: 1000 });
    } catch {
      listed = {};
    }
    const profiles = listed.profiles ?? [];
    organization ||= listed.organizationId ?? "";
    select.append(h("option", { value: "" }, profiles.length ? "–" : "none"));
    for (const p of profiles) select.append(h("option", { value: p.id }, `${p.title} (${p.id})`));
    select.closest(".pick").hidden = profiles.length === 0;
    select.onchange = () => { $(inputId).value = select.value; };
    // Typing a description replaces a picked or given id.
    $(inputId.replace(/-(need|capability)$/, "-text")).oninput = () => {
      $(inputId).value = "";
      select.value = "";
    };
  }
  return organization;
}

// Where each kind of organization starts.
const START_VIEW = {
  ORGANIZATION_KIND_UNIVERSITY: "tto",
  ORGANIZATION_KIND_RESEARCH_INSTITUTE: "tto",
  ORGANIZATION_KIND_GOVERNMENT_PROGRAMME: "programme",
};

// The caller's organization's name, and its view shown first.
async function greet(organization) {
  if (!organization) return "";
  try {
    const org = (await call("Get", { kind: "RECORD_KIND_ORGANIZATION", id: organization })).organization ?? {};
    showView(START_VIEW[org.kind] ?? "company");
    return org.name ?? organization;
  } catch {
    return organization;
  }
}

// ------------------------------------------------------------ suggestions

// The text of each suggestion's profiles, for highlighting; profiles the
// caller may not read are left out.
async function profileTexts(suggestions, kind) {
  const texts = new Map();
  const ids = suggestions.flatMap((s) => (s.profiles ?? []).map((p) => p.id));
  await Promise.all(ids.map(async (id) => {
    try {
      const record = await call("Get", { kind, id });
      const profile = record.capability ?? record.need;
      if (profile?.description) texts.set(id, profile.description);
    } catch {
      // Only the title is shown.
    }
  }));
  return texts;
}

async function recommend(prefix, direction, idField, kind) {
  const text = $(`${prefix}-text`).value.trim();
  const id = $(`${prefix}-${idField === "needId" ? "need" : "capability"}`).value.trim();
  const request = { k: Number($(`${prefix}-k`).value) };
  if (id) request[idField] = id;
  else if (text) { request.text = text; request.direction = direction; }
  else throw new ApiError("invalid_argument", "type a description or give an id", 0);
  const country = $(`${prefix}-country`).value.trim().toUpperCase();
  if (country) request.filter = { countries: [country] };
  const requester = $(`${prefix}-requester`).value.trim();
  if (requester) request.requesterOrganizationId = requester;
  const programme = $(`${prefix}-call-programme`).value.trim();
  const topic = $(`${prefix}-call-topic`).value.trim();
  if (programme || topic) {
    if (!request.text) {
      throw new ApiError("invalid_argument",
        "a funding call goes with a described text; a record names its own call", 0);
    }
    request.fundingCall = { programme, topic };
  }
  const results = clear($(`${prefix}-results`));
  results.append(h("p", { class: "pending" }, "Searching…"));
  const response = await call("Recommend", request);
  const suggestions = response.suggestions ?? [];
  const texts = await profileTexts(suggestions, kind);
  clear(results);
  results.append(h("p", { class: "summary", title: `model ${response.model ?? "?"}` },
    `${suggestions.length} suggestions from ${response.candidatesConsidered ?? 0} candidate profiles. `,
    suggestions.length ? csvLink(`${prefix}-suggestions.csv`, suggestionRows(suggestions)) : null));
  suggestions.forEach((s, i) => results.append(suggestionCard(s, i + 1, texts)));
  if (!suggestions.length) results.append(h("p", {}, "No suggestions."));
}

// The suggestions as spreadsheet rows, the header first.
function suggestionRows(suggestions) {
  return [
    ["rank", "organization_id", "organization", "kind", "country", "score", "best_profile_id",
     "best_profile", "start_rung", "high_barriers", "shared_terms"],
    ...suggestions.map((s, i) => {
      const org = s.organization ?? {};
      const best = (s.profiles ?? [])[0] ?? {};
      return [i + 1, org.id ?? "", org.name ?? "", enumWords(org.kind, "ORGANIZATION_KIND_"), org.country ?? "",
              fixed(s.score, 4), best.id ?? "", best.title ?? "", `L${s.ladder?.recommendedRung ?? 0}`,
              (s.barriers ?? []).filter((b) => b.severity === "SEVERITY_HIGH")
                .map((b) => enumWords(b.code, "BARRIER_CODE_")).join("; "),
              (s.evidenceTerms ?? []).join("; ")];
    }),
  ];
}

async function explainPair() {
  const request = { needId: $("pair-need").value.trim(), capabilityId: $("pair-capability").value.trim() };
  const results = clear($("pair-results"));
  const response = await call("Explain", request);
  const need = response.need ?? {};
  const capability = response.capability ?? {};
  const texts = new Map([[capability.id, capability.description ?? ""]]);
  results.append(
    h("div", { class: "pair-heads" },
      h("div", {}, h("h4", {}, "Need"), h("p", { class: "pair-title" }, need.title ?? need.id),
        need.description ? h("p", { class: "profile-text" }, need.description) : null),
      h("div", {}, h("h4", {}, "Capability"), h("p", { class: "pair-title" }, capability.title ?? capability.id))),
    suggestionCard(response.suggestion ?? {}, 0, texts));
}

// ------------------------------------------------------------ programme

const COLUMNS = [
  ["rank", "Rank", (r) => r.rank ?? 0],
  ["id", "Proposal", (r) => r.proposalId ?? ""],
  ["programme", "Programme", (r) => r.programmeId ?? ""],
  ["eligible", "Eligible", (r) => (r.eligible ? 1 : 0)],
  ["readiness", "Readiness", (r) => r.readiness?.score ?? 0],
  ["band", "Band", (r) => r.readiness?.band ?? ""],
  ["failed", "Failed rules", (r) => (r.rules ?? []).filter((x) => !x.passed).length],
  ["warnings", "Warnings", (r) => (r.warnings ?? []).length],
];

const batch = { reports: [], sort: "rank", ascending: true };

function renderBatchTable() {
  const results = $("programme-results");
  const old = results.querySelector("table");
  const rows = [...batch.reports];
  const [, , key] = COLUMNS.find(([k]) => k === batch.sort);
  rows.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    const order = typeof x === "string" ? x.localeCompare(y) : x - y;
    return batch.ascending ? order : -order;
  });
  const table = h("table", { class: "readiness", id: "readiness-table" },
    h("thead", {}, h("tr", {}, COLUMNS.map(([k, label]) =>
      h("th", {
        scope: "col", "data-sort": k, tabindex: 0,
        "aria-sort": batch.sort === k ? (batch.ascending ? "ascending" : "descending") : "none",
        onclick: () => sortBy(k), onkeydown: (e) => { if (e.key === "Enter") sortBy(k); },
      }, label, batch.sort === k ? (batch.ascending ? " ▲" : " ▼") : "")))),
    h("tbody", {}, rows.map((r) => {
      const failed = (r.rules ?? []).filter((x) => !x.passed);
      return h("tr", {
        class: r.eligible ? "eligible-row" : "ineligible",
        "data-proposal": r.proposalId, tabindex: 0,
        onclick: () => openReport(r), onkeydown: (e) => { if (e.key === "Enter") openReport(r); },
      },
        h("td", {}, String(r.rank ?? "")),
        h("td", { class: "proposal-id" }, r.proposalId),
        h("td", {}, r.programmeId ?? ""),
        h("td", { class: "eligibility" }, r.eligible ? "yes" : h("span", { class: "ineligible-badge" }, "ineligible")),
        h("td", { class: "num" }, fixed(r.readiness?.score)),
        h("td", {}, h("span", { class: `band band-${(r.readiness?.band ?? "").replaceAll(" ", "-")}` }, r.readiness?.band ?? "")),
        h("td", {}, failed.length ? failed.map((x) => x.rule).join(", ") : "–"),
        h("td", { class: "num", title: (r.warnings ?? []).map((w) => w.message).join("\n") }, String((r.warnings ?? []).length)));
    })));
  if (old) old.replaceWith(table); else results.append(table);
}

function sortBy(key) {
  if (batch.sort === key) batch.ascending = !batch.ascending;
  else { batch.sort = key; batch.ascending = true; }
  renderBatchTable();
}

function openReport(report) {
  const box = clear($("programme-report"));
  box.append(screeningReport(report));
  box.scrollIntoView({ block: "start" });
}

async function screenBatch() {
  const file = $("programme-file").files[0];
  if (!file) throw new ApiError("invalid_argument", "choose a JSONL or CSV file of proposals", 0);
  const text = await file.text();
  let request;
  try {
    request = screeningBody(file.name, text);
  } catch (e) {
    throw new ApiError("invalid_argument", `${file.name}: ${e.message}`, 0);
  }
  clear($("programme-report"));
  const results = clear($("programme-results"));
  const response = await call("ScreenProposals", request.body, request.contentType);
  batch.reports = response.reports ?? [];
  batch.sort = "rank";
  batch.ascending = true;
  const ineligible = batch.reports.filter((r) => !r.eligible).length;
  results.append(h("p", { class: "summary", id: "batch-summary" },
    `${batch.reports.length} proposals screened, ${ineligible} ineligible` +
    ((response.rejected ?? []).length ? `, ${response.rejected.length} could not be screened` : "") +
    ". Click a row for the full report; click a column to sort."));
  if ((response.rejected ?? []).length) {
    results.append(h("ul", { class: "warnings" }, response.rejected.map((e) =>
      h("li", {}, `#${Number(e.position ?? 0) + 1} ${e.id ?? ""}: ${e.message}`))));
  }
  results.append(h("p", {}, csvLink("readiness.csv", readinessRows(batch.reports), "Download the table as CSV")));
  renderBatchTable();
}

// The batch's reports as spreadsheet rows, most ready first, the header first.
function readinessRows(reports) {
  return [
    ["rank", "proposal_id", "programme_id", "eligible", "readiness", "band", "failed_rules", "warnings",
     "university_fit", "firm_fit", "pathway_start"],
    ...[...reports].sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0)).map((r) => [
      r.rank ?? "", r.proposalId ?? "", r.programmeId ?? "", r.eligible ? "yes" : "no",
      fixed(r.readiness?.score, 3), r.readiness?.band ?? "",
      (r.rules ?? []).filter((x) => !x.passed).map((x) => (x.detail ? `${x.rule}: ${x.detail}` : x.rule)).join("; "),
      (r.warnings ?? []).map((w) => readableEnums(w.message)).join("; "),
      fixed(r.fit?.universityFit, 3), fixed(r.fit?.firmFit, 3),
      (r.pathway?.steps ?? []).length ? `L${r.pathway.steps[0].rung ?? 0}` : "",
    ]),
  ];
}

// ------------------------------------------------------------ outcomes

const OUTCOME_KINDS = ["contacted", "meeting-held", "internship-started", "contract-signed",
                       "project-completed", "declined", "no-answer"];
const DECLINE_REASONS = ["", "not-relevant", "no-budget", "no-capacity", "timing", "ip-terms",
                         "bureaucracy", "trust", "already-partnered", "other"];
const CHANNELS = ["", "meetings", "advisory-board", "events", "internship", "capstone",
                  "guest-lecture", "joint-curriculum", "staff-training", "consultancy", "testing",
                  "equipment-access", "contract-research", "joint-research", "joint-bid",
                  "cosupervised-phd", "licensing", "spin-off", "joint-lab"];

const enumName = (prefix, value) => prefix + value.toUpperCase().replaceAll("-", "_");

function fillSelect(id, values) {
  const select = $(id);
  for (const v of values) select.append(h("option", { value: v }, v || "–"));
}

async function recordOutcome() {
  const outcome = {
    id: $("outcome-id").value.trim(),
    offeredBy: $("outcome-by").value.trim(),
    offeredTo: $("outcome-to").value.trim(),
    kind: enumName("OUTCOME_KIND_", $("outcome-kind").value),
    year: Number($("outcome-year").value),
  };
  if ($("outcome-reason").value) outcome.declineReason = enumName("DECLINE_REASON_", $("outcome-reason").value);
  if ($("outcome-channel").value) outcome.channel = enumName("CHANNEL_", $("outcome-channel").value);
  for (const [field, id] of [["needId", "outcome-need"], ["capabilityId", "outcome-capability"], ["note", "outcome-note"]]) {
    const v = $(id).value.trim();
    if (v) outcome[field] = v;
  }
  const response = await call("RecordOutcome", { outcome });
  clear($("outcome-result")).append(h("p", { class: "ok" },
    `Outcome ${outcome.id} ${response.created ? "recorded" : "updated"}` +
    (response.tie ? `; it counts as a tie (${enumWords(response.tie.channel, "CHANNEL_")}, ${response.tie.year}) from now on.` : ".")));
  $("declines-org").value ||= outcome.offeredBy;
}

async function showDeclines() {
  const organizationId = $("declines-org").value.trim();
  const response = await call("DeclineReasons", { organizationId });
  const results = clear($("declines-results"));
  results.append(
    h("p", { class: "summary" },
      `${response.offers ?? 0} offers: ${response.engaged ?? 0} engaged, ${response.declined ?? 0} declined, ${response.noAnswer ?? 0} without answer.`),
    barChart((response.reasons ?? []).map((r) => ({
      label: enumWords(r.reason, "DECLINE_REASON_"),
      value: r.count ?? 0,
      note: (r.declinedBy ?? []).join(", "),
    })), `Decline reasons of ${organizationId}`));
}

// ------------------------------------------------------------ start

function start() {
  $("sign-in-form").addEventListener("submit", (e) => {
    e.preventDefault();
    guarded(e.target, () => signIn($("token").value.trim()));
  });
  $("sign-out").addEventListener("click", () => signOut());
  for (const tab of document.querySelectorAll(".tabs button")) {
    tab.addEventListener("click", () => {
      showView(tab.dataset.view);
      hideMessage();
    });
  }
  const on = (formId, work) => $(formId).addEventListener("submit", (e) => {
    e.preventDefault();
    guarded(e.target, work);
  });
  on("company-form", () => recommend("company", "DIRECTION_NEED_TO_CAPABILITIES", "needId", "RECORD_KIND_CAPABILITY"));
  on("tto-form", () => recommend("tto", "DIRECTION_CAPABILITY_TO_NEEDS", "capabilityId", "RECORD_KIND_NEED"));
  on("pair-form", explainPair);
  on("programme-form", screenBatch);
  on("outcome-form", recordOutcome);
  on("declines-form", showDeclines);
  fillSelect("outcome-kind", OUTCOME_KINDS);
  fillSelect("outcome-reason", DECLINE_REASONS);
  fillSelect("outcome-channel", CHANNELS);
  $("outcome-year").value = new Date().getFullYear();
  if (token()) guarded(null, () => signIn(token()));
}

start();
