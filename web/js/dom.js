// Building DOM nodes without HTML strings, so record text is never markup.

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  append(node, children);
  return node;
}

export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

// `text` with every occurrence of the terms (case-insensitive, at word
// starts) in <mark>.
export function highlight(text, terms) {
  const words = [...new Set((terms ?? []).filter((t) => t && t.length > 1))]
    .sort((a, b) => b.length - a.length)
    .map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "\\s+"));
  if (!text || words.length === 0) return [text ?? ""];
  const pattern = new RegExp(`\\b(${words.join("|")})\\w*`, "giu");
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(h("mark", {}, match[0]));
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

// "CHANNEL_CONTRACT_RESEARCH" -> "contract research".
export function enumWords(value, prefix) {
  if (!value) return "";
  const name = String(value).startsWith(prefix) ? String(value).slice(prefix.length) : String(value);
  return name.toLowerCase().replaceAll("_", " ");
}

export function fixed(value, digits = 2) {
  return Number(value ?? 0).toFixed(digits);
}

// A link that downloads `rows` (arrays of cells, the header first) as a
// CSV file for spreadsheets: RFC 4180 quoting, UTF-8 with a byte-order
// mark (so accents survive), and text cells that a spreadsheet would run
// as a formula (=, +, -, @ first) prefixed with an apostrophe.
export function csvLink(filename, rows, label = "Download CSV") {
  const cell = (value) => {
    let text = String(value ?? "");
    if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const csv = rows.map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
  return h("a", {
    class: "csv-link", download: filename,
    href: `data:text/csv;charset=utf-8,${encodeURIComponent(`\uFEFF${csv}`)}`,
  }, label);
}
