// Pictures of the answers: score bars, barrier cards, ladders, reports.
import { enumWords, fixed, h, highlight, svg } from "./dom.js";

// Rungs of the engagement ladder (docs/barriers.md).
export const RUNGS = [
  "meetings, advisory boards, events",
  "internships, capstones, guest lectures",
  "joint curricula, staff training",
  "consultancy, testing, equipment access",
  "contract research",
  "joint research, joint bids, co-supervised PhDs",
  "licensing, spin-offs, joint labs",
];

const FEATURES = [
  ["topicalFit", "topical fit"],
  ["dense", "meaning (dense)"],
  ["lexical", "shared words"],
  ["depth", "topic depth"],
  ["trust", "trust"],
  ["proximity", "proximity"],
  ["capacity", "capacity"],
  ["benefitAlignment", "benefit alignment"],
  ["activity", "activity"],
  ["network", "shared partners"],
];

function bar(label, value, extraClass = "") {
  const fill = h("span", { class: "bar-fill" });
  fill.style.width = `${Math.max(0, Math.min(1, value)) * 100}%`;
  return h("div", { class: `bar-row ${extraClass}` },
    h("span", { class: "bar-label" }, label),
    h("span", { class: "bar", role: "img", "aria-label": `${label} ${fixed(value)}` }, fill),
    h("span", { class: "bar-value" }, fixed(value)));
}

export function breakdownBars(breakdown = {}) {
  const unknown = new Set(breakdown.unknownFeatures ?? []);
  return h("div", { class: "bars" },
    FEATURES.map(([key, label]) => {
      const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      const isUnknown = unknown.has(key) || unknown.has(snake);
      return bar(isUnknown ? `${label} (unknown)` : label, breakdown[key] ?? 0,
                 isUnknown ? "unknown" : "");
    }));
}

export function severityOf(assessment) {
  return enumWords(assessment.severity ?? "SEVERITY_UNKNOWN", "SEVERITY_") || "unknown";
}

export function barrierCard(b) {
  const severity = severityOf(b);
  const code = enumWords(b.code, "BARRIER_CODE_");
  return h("article", { class: `barrier severity-${severity.replaceAll(" ", "-")}` },
    h("header", {},
      h("strong", { class: "barrier-code" }, code),
      h("span", { class: "barrier-severity" }, severity),
      h("span", { class: "barrier-confidence" },
        severity === "unknown" ? "no signal in the data" : `confidence ${fixed(b.confidence)}`)),
    b.summary ? h("p", { class: "barrier-summary" }, b.summary) : null,
    (b.evidence ?? []).length
      ? h("ul", { class: "evidence" }, b.evidence.map((e) =>
          h("li", {}, h("span", { class: "side" }, enumWords(e.side, "EVIDENCE_SIDE_")), " ",
            e.signal.replaceAll("_", " "), ": ", h("strong", {}, readableEnums(e.value)))))
      : null,
    b.mitigation ? h("p", { class: "mitigation" }, h("span", {}, "First step: "), b.mitigation) : null);
}

export function barrierCards(barriers = []) {
  return h("div", { class: "barriers" }, barriers.map(barrierCard));
}

// A ladder of rungs L0 (bottom) .. L6 (top). `marks` maps a rung to a
// class ("covered", "start", "next", "step", "target") and a note.
export function ladderPicture(marks, title) {
  const width = 340;
  const rungHeight = 26;
  const height = rungHeight * RUNGS.length + 12;
  const picture = svg("svg", {
    class: "ladder", viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": title,
  });
  picture.append(svg("title", { text: title }));
  picture.append(svg("line", { x1: 14, y1: 4, x2: 14, y2: height - 4, class: "rail" }));
  picture.append(svg("line", { x1: 74, y1: 4, x2: 74, y2: height - 4, class: "rail" }));
  RUNGS.forEach((name, rung) => {
    const y = height - 10 - rung * rungHeight;
    const mark = marks.get(rung);
    const cls = mark ? mark.kind : "open";
    picture.append(svg("rect", { x: 10, y: y - 7, width: 68, height: 10, rx: 3, class: `rung ${cls}` }));
    picture.append(svg("text", { x: 30, y: y + 1, class: "rung-id", text: `L${rung}` }));
    picture.append(svg("text", { x: 84, y: y + 1, class: `rung-name ${cls}`,
                                 text: mark?.note ? `${mark.note}: ${name}` : name }));
  });
  return picture;
}

export function ladderStep(step = {}) {
  const covered = step.coveredRung ?? -1;
  const marks = new Map();
  for (let r = 0; r <= covered; ++r) marks.set(r, { kind: "covered", note: "done" });
  const start = step.recommendedRung ?? 0;
  marks.set(start, { kind: "start", note: "start" });
  if ((step.nextRung ?? -1) >= 0) marks.set(step.nextRung, { kind: "next", note: "next" });
  const title = `Engagement ladder: history covers ${covered < 0 ? "nothing" : `L${covered}`}, start at L${start}`;
  return h("div", { class: "ladder-box" },
    ladderPicture(marks, title),
    h("div", { class: "ladder-text" },
      h("p", {}, h("strong", {}, `Start at L${start}`),
        (step.recommendedChannels ?? []).length
          ? ` (${step.recommendedChannels.map((c) => enumWords(c, "CHANNEL_")).join(", ")})` : ""),
      (step.nextRung ?? -1) >= 0
        ? h("p", {}, `then L${step.nextRung}`,
            (step.nextChannels ?? []).length
              ? ` (${step.nextChannels.map((c) => enumWords(c, "CHANNEL_")).join(", ")})` : "")
        : null,
      step.transactionSupport ? h("p", { class: "note" }, "Bring transaction support: TTO, templates, IP terms.") : null,
      step.rationale ? h("p", { class: "rationale" }, step.rationale) : null));
}

export function pathwayPicture(pathway = {}) {
  const covered = pathway.coveredRung ?? -1;
  const marks = new Map();
  for (let r = 0; r <= covered; ++r) marks.set(r, { kind: "covered", note: "done" });
  (pathway.steps ?? []).forEach((s, i) => marks.set(s.rung ?? 0, { kind: "step", note: `step ${i + 1}` }));
  const target = pathway.targetRung ?? 0;
  if (!(pathway.steps ?? []).length) marks.set(target, { kind: "covered", note: "target, covered" });
  else marks.set(target, { kind: "target", note: `step ${(pathway.steps ?? []).length}, target` });
  return h("div", { class: "ladder-box pathway" },
    ladderPicture(marks, `Pathway from ${covered < 0 ? "no history" : `L${covered}`} to L${target}`),
    h("div", { class: "ladder-text" },
      pathway.summary ? h("p", {}, pathway.summary) : null,
      h("ol", {}, (pathway.steps ?? []).map((s) =>
        h("li", {},
          h("strong", {}, s.rungName || `L${s.rung ?? 0}`),
          (s.channels ?? []).length ? ` (${s.channels.map((c) => enumWords(c, "CHANNEL_")).join(", ")})` : "",
          (s.lowers ?? []).length ? h("span", { class: "lowers" }, ` lowers ${s.lowers.map((c) => enumWords(c, "BARRIER_CODE_")).join(", ")}`) : "",
          s.transactionSupport ? h("span", { class: "note" }, " with transaction support") : "",
          s.rationale ? h("div", { class: "rationale" }, s.rationale) : null)))));
}

// Server text that names enum values ("CHANNEL_CONSULTANCY") in words.
export function readableEnums(text) {
  return String(text ?? "").replace(/\b(?:CHANNEL|TIE_OUTCOME|TIE_ORIGIN|OUTCOME_KIND|TIME_HORIZON|BUDGET_BAND|BENEFIT|IP_POLICY|SIZE_BAND)_([A-Z0-9_]+)\b/g,
    (_, value) => value.toLowerCase().replaceAll("_", " "));
}

function profileBlock(p, terms, descriptions) {
  const text = descriptions?.get(p.id);
  return h("li", { class: "profile" },
    h("div", { class: "profile-title" }, highlight(p.title ?? p.id, p.matchedTerms ?? terms)),
    h("div", { class: "profile-meta" },
      [p.reference, p.year ? String(p.year) : null, `fit ${fixed(p.score)}`].filter(Boolean).join(" · ")),
    text ? h("p", { class: "profile-text" }, highlight(text, p.matchedTerms ?? terms)) : null);
}

// One ranked suggestion. `descriptions` maps profile ids to their text,
// when the caller fetched them.
export function suggestionCard(s, rank, descriptions) {
  const org = s.organization ?? {};
  const place = [org.city, org.region, org.country].filter(Boolean).join(", ");
  return h("article", { class: "suggestion" },
    h("header", {},
      h("span", { class: "rank" }, rank ? `${rank}.` : ""),
      h("h3", { class: "org-name" }, org.name ?? org.id ?? "?"),
      h("span", { class: "score" }, `score ${fixed(s.score)}`)),
    h("p", { class: "org-meta" },
      [enumWords(org.kind, "ORGANIZATION_KIND_"), place, org.id].filter(Boolean).join(" · ")),
    h("div", { class: "suggestion-body" },
      h("section", {}, h("h4", {}, "Score breakdown"), breakdownBars(s.breakdown)),
      h("section", { class: "ladder-section" }, h("h4", {}, "Engagement ladder"), ladderStep(s.ladder))),
    h("section", {}, h("h4", {}, "Barriers"), barrierCards(s.barriers)),
    h("div", { class: "suggestion-body" },
      h("section", {},
        h("h4", {}, `Matching profiles (${s.matchingProfiles ?? 0} of ${s.totalProfiles ?? 0})`),
        h("ul", { class: "profiles" }, (s.profiles ?? []).map((p) => profileBlock(p, s.evidenceTerms, descriptions))),
        (s.evidenceTerms ?? []).length
          ? h("p", { class: "terms" }, "Shared terms: ", s.evidenceTerms.map((t) => h("mark", {}, t)).reduce((a, m) => a.length ? [...a, " ", m] : [m], []))
          : null),
      (s.trustEvidence ?? []).length
        ? h("section", {}, h("h4", {}, "Earlier ties"),
            h("ul", { class: "ties" }, s.trustEvidence.map((t) => h("li", {}, readableEnums(t)))))
        : null));
}

function readinessBars(readiness = {}) {
  return h("div", { class: "bars" },
    (readiness.components ?? []).map((c) => bar(`${c.name} ×${fixed(c.weight)}`, c.value ?? 0)));
}

export function screeningReport(r) {
  const fit = r.fit ?? {};
  return h("article", { class: "report", id: "report" },
    h("header", {},
      h("h3", {}, `Proposal ${r.proposalId}`),
      h("span", { class: `band band-${(r.readiness?.band ?? "").replaceAll(" ", "-")}` },
        `${r.readiness?.band ?? ""} ${fixed(r.readiness?.score)}`),
      h("span", { class: r.eligible ? "eligible" : "ineligible-badge" }, r.eligible ? "eligible" : "ineligible")),
    h("p", { class: "org-meta" }, `programme ${r.programmeId ?? ""}`, r.rank ? ` · rank ${r.rank}` : ""),
    h("div", { class: "report-grid" },
      h("section", {}, h("h4", {}, "Eligibility"),
        h("ul", { class: "rules" }, (r.rules ?? []).map((rule) =>
          h("li", { class: rule.passed ? "pass" : "fail" },
            h("strong", {}, rule.passed ? "pass " : "FAIL "), rule.rule, rule.detail ? `: ${rule.detail}` : "")))),
      h("section", {}, h("h4", {}, "Readiness"), readinessBars(r.readiness)),
      h("section", {}, h("h4", {}, "Topical fit"),
        h("p", {}, `university ${fixed(fit.universityFit)} (${fit.matchingProfiles ?? 0} of ${fit.totalProfiles ?? 0} profiles match), firm ${fixed(fit.firmFit)}`),
        h("ul", { class: "profiles" }, (fit.universityProfiles ?? []).map((p) => profileBlock(p, fit.evidenceTerms))),
        (fit.evidenceTerms ?? []).length ? h("p", { class: "terms" }, "Shared terms: ", fit.evidenceTerms.join(", ")) : null)),
    (r.warnings ?? []).length
      ? h("section", {}, h("h4", {}, "Warnings"),
          h("ul", { class: "warnings" }, r.warnings.map((w) => h("li", {}, h("strong", {}, enumWords(w.code, "WARNING_CODE_")), ": ", readableEnums(w.message)))))
      : null,
    (r.conflicts ?? []).length
      ? h("section", {}, h("h4", {}, "Conflicts of interest"),
          h("ul", { class: "warnings" }, r.conflicts.map((c) => h("li", {}, h("strong", {}, c.kind), ": ", c.detail))))
      : null,
    h("section", {}, h("h4", {}, "Pathway"), pathwayPicture(r.pathway)),
    (r.similar ?? []).length
      ? h("section", {}, h("h4", {}, "Similar earlier partnerships"),
          h("ul", {}, r.similar.map((s) => h("li", {},
            `${s.tie?.id ?? ""} ${s.samePair ? "(same pair) " : ""}`,
            enumWords(s.tie?.channel, "CHANNEL_"), " ", enumWords(s.tie?.outcome, "TIE_OUTCOME_"),
            ` · similarity ${fixed(s.similarity)}`))))
      : null,
    h("section", {}, h("h4", {}, "Barriers"), barrierCards(r.barriers)));
}

// Horizontal bars of counted values: [{label, value, note}].
export function barChart(rows, title) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return h("figure", { class: "chart" },
    h("figcaption", {}, title),
    rows.length
      ? rows.map((r) => {
          const fill = h("span", { class: "bar-fill" });
          fill.style.width = `${(r.value / max) * 100}%`;
          return h("div", { class: "bar-row" },
            h("span", { class: "bar-label" }, r.label),
            h("span", { class: "bar", role: "img", "aria-label": `${r.label} ${r.value}` }, fill),
            h("span", { class: "bar-value" }, String(r.value)),
            r.note ? h("span", { class: "bar-note" }, r.note) : null);
        })
      : h("p", {}, "Nothing recorded yet."));
}
