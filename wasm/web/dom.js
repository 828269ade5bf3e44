// DOM helpers and number formatting shared by the page's modules.

export const $ = (id) => document.getElementById(id);

export function setState(s) { document.body.dataset.state = s; }

export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("aria-") || k === "for" || k === "role" || k === "scope") e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

// showError puts a message in the alert box; fatal ones also set the
// testing contract's error state.
export function showError(message, fatal) {
  const box = $("error");
  box.replaceChildren(...String(message).split("\n").map((line) => el("p", { text: line })));
  box.hidden = false;
  if (fatal) {
    window.dianError = String(message);
    setState("error");
  }
}

export function clearError() {
  $("error").hidden = true;
  $("error").replaceChildren();
}

// Numbers as the page prints them: four significant digits, whole
// numbers with separators, percentages with one decimal, durations.
const sig = new Intl.NumberFormat("en", { maximumSignificantDigits: 4 });
const int = new Intl.NumberFormat("en", { maximumFractionDigits: 0 });
export function num(x) { return typeof x === "number" && Number.isFinite(x) ? sig.format(x) : "—"; }
export function whole(x) { return typeof x === "number" && Number.isFinite(x) ? int.format(x) : "—"; }
export function pct(x) { return typeof x === "number" && Number.isFinite(x) ? (100 * x).toFixed(1) + " %" : "—"; }
export function duration(s) {
  if (!Number.isFinite(s) || s < 0) return "—";
  if (s < 60) return Math.ceil(s) + " s";
  return Math.floor(s / 60) + " min " + Math.round(s % 60) + " s";
}

export function problemText(problems) {
  return "This link has problems:\n" + problems.map((p) => p.message).join("\n");
}
