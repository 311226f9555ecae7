// A batch of proposals from a file: JSON lines (sent as they are) or CSV
// with a header line (turned into helixmatch.v1.Proposal objects).

// RFC 4180: fields separated by commas, quoted with "" when they hold a
// comma, a quote or a line break.
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; ++i; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") ++i;
      row.push(field); field = "";
      if (row.some((f) => f !== "")) rows.push(row);
      row = [];
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== "")) rows.push(row);
  return rows;
}

const LIST = (v) => v.split(";").map((s) => s.trim()).filter(Boolean);
const ENUM = (prefix) => (v) => LIST(v).map((s) => {
  const name = s.toUpperCase().replaceAll("-", "_").replaceAll(" ", "_");
  return name.startsWith(prefix) ? name : prefix + name;
});
const NUMBER = (column) => (v) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${column}: '${v}' is not a number`);
  return n;
};

// CSV column -> [Proposal JSON field, conversion].
const COLUMNS = {
  id: ["id", String],
  programme_id: ["programmeId", String],
  university_id: ["universityId", String],
  unit: ["unit", String],
  firm_id: ["firmId", String],
  title: ["title", String],
  abstract: ["abstract", String],
  keywords: ["keywords", LIST],
  budget_usd: ["budgetUsd", NUMBER("budget_usd")],
  cofunding_usd: ["cofundingUsd", NUMBER("cofunding_usd")],
  duration_months: ["durationMonths", NUMBER("duration_months")],
  channels: ["channels", ENUM("CHANNEL_")],
  benefits: ["benefits", ENUM("BENEFIT_")],
  need_id: ["needId", String],
  declared_conflicts: ["declaredConflicts", LIST],
};
const REQUIRED = ["id", "programme_id", "university_id", "firm_id", "title"];

// The proposals of a CSV text; throws an Error naming the line and column.
export function proposalsFromCsv(text) {
  const rows = parseCsv(text);
  if (rows.length === 0) throw new Error("the CSV file is empty");
  const header = rows[0].map((c) => c.trim().toLowerCase());
  for (const column of header) {
    if (!(column in COLUMNS) && column !== "trl_min" && column !== "trl_max") {
      throw new Error(`line 1: unknown column '${column}'`);
    }
  }
  for (const column of REQUIRED) {
    if (!header.includes(column)) throw new Error(`line 1: column '${column}' is missing`);
  }
  return rows.slice(1).map((row, i) => {
    const proposal = {};
    header.forEach((column, c) => {
      const value = (row[c] ?? "").trim();
      if (value === "") return;
      try {
        if (column === "trl_min" || column === "trl_max") {
          proposal.trl ??= {};
          proposal.trl[column === "trl_min" ? "min" : "max"] = NUMBER(column)(value);
        } else {
          const [field, convert] = COLUMNS[column];
          proposal[field] = convert(value);
        }
      } catch (e) {
        throw new Error(`line ${i + 2}: ${e.message}`);
      }
    });
    return { proposal };
  });
}

// The body and content type of a ScreenProposals call for a file.
export function screeningBody(name, text) {
  if (/\.csv$/i.test(name) || /^\s*id\s*,/i.test(text)) {
    return { body: JSON.stringify(proposalsFromCsv(text)), contentType: "application/json" };
  }
  // JSON lines: each line is a Proposal; the request wraps it.
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const wrapped = lines.map((line, i) => {
    try {
      const value = JSON.parse(line);
      return JSON.stringify(value.proposal ? value : { proposal: value });
    } catch (e) {
      throw new Error(`line ${i + 1}: not JSON (${e.message})`);
    }
  });
  return { body: wrapped.join("\n"), contentType: "application/jsonl" };
}
