// plainsight's search page. Loaded by search/index.html alone, as a module;
// without JavaScript that page says so and links to the ways to browse.
//
// It runs the site's search index (Pagefind, published under pagefind/ at
// the site's root, with the decisions' parts it lists in indexes.json
// merged in) in the browser: reads the field `q` (the search box in
// every page's header sends it), lists the results as links with the words
// that matched, and says how many there are in a live region. Every element
// is made with the DOM, never from an HTML string: an excerpt's text goes in
// as text, and only Pagefind's <mark> around a matching word becomes an
// element.
//
// Providers are also found by what the query names: a word (or words) that
// is a value of one of their filters ("Swale", "online", "Tuesday") and a
// number that falls in one of the listing's age groups ("18 to 25") narrow
// the providers by those filters, so "online swale 20" finds the providers
// that work online, can be used in Swale and take a 20-year-old. Everything
// else (decisions, pages, words) is found by all the words as typed.

const root = new URL("../", import.meta.url);
const bundle = new URL("pagefind/", root);
const PAGE = 10;

const form = document.getElementById("search-form");
const field = document.getElementById("search-q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.createElement("button");
more.type = "button";
more.className = "search-more";
more.hidden = true;
list.after(more);

let pagefind = null;
let ages = null;
let named = [];
let others = [];
let latest = 0;
let results = [];
let shown = 0;

const ready = (async () => {
  try {
    pagefind = await import(new URL("pagefind.js", bundle).href);
    await pagefind.options({
      basePath: bundle.pathname,
      baseUrl: root.pathname,
      excerptLength: 24,
    });
    await pagefind.init();
    // The decisions are indexed in parts of their own (so that an edit
    // remakes one part), listed beside the first index: merged, they are
    // searched as one.
    const parts = await fetch(new URL("indexes.json", bundle)).then((r) => {
      if (!r.ok) throw new Error(`indexes.json: ${r.status}`);
      return r.json();
    });
    await Promise.all(
      parts.merge.map((dir) =>
        pagefind.mergeIndex(new URL(dir, bundle).pathname, {
          baseUrl: root.pathname,
          excerptLength: 24,
        }),
      ),
    );
    const filters = await pagefind.filters();
    ages = ageFilter(filters);
    named = namedValues(filters);
    others = Object.keys((filters && filters.kind) || {}).filter((k) => k !== "provider");
    return true;
  } catch (error) {
    say("Search could not start in this browser. Use the links under “Other ways to find things” instead.");
    return false;
  }
})();

function say(text) {
  status.textContent = text;
}

// An age group as a range of ages: "18 to 25", "26 and over", "under 18".
function ageRange(value) {
  let m = /^(\d+) to (\d+)$/i.exec(value);
  if (m) return [Number(m[1]), Number(m[2])];
  m = /^(\d+)(?: and over| or over| and older|\+)$/i.exec(value);
  if (m) return [Number(m[1]), Infinity];
  m = /^under (\d+)$/i.exec(value);
  if (m) return [0, Number(m[1]) - 1];
  return null;
}

// The filter whose every value is an age group, if the index has one.
function ageFilter(filters) {
  for (const [name, values] of Object.entries(filters || {})) {
    const groups = Object.keys(values).map((value) => ({ value, range: ageRange(value) }));
    if (groups.length && groups.every((g) => g.range)) return { name, groups };
  }
  return null;
}

// Every value of the providers' filters (not their kind or age group), as
// lower-case words, longest first, so "Tonbridge and Malling" is read before
// "Tonbridge".
function namedValues(filters) {
  const out = [];
  for (const [name, values] of Object.entries(filters || {})) {
    if (name === "kind" || (ages && name === ages.name)) continue;
    for (const value of Object.keys(values)) {
      const words = value.toLowerCase().split(/\s+/).filter(Boolean);
      if (words.length) out.push({ name, value, words });
    }
  }
  return out.sort((a, b) => b.words.length - a.words.length);
}

// The query read: every word as typed (`all`), and for providers the words
// left once filter values and an age are taken out (`text`), with those
// filters.
function understand(query) {
  const words = query.trim().split(/\s+/).filter(Boolean);
  const lower = words.map((w) => w.toLowerCase().replace(/[.,;:!?]+$/, ""));
  const text = [];
  const filters = {};
  const shown = [];
  let age = null;
  for (let i = 0; i < words.length; ) {
    const value = named.find((v) => v.words.every((w, j) => lower[i + j] === w));
    if (value) {
      (filters[value.name] = filters[value.name] || []).push(value.value);
      shown.push(value.value);
      i += value.words.length;
      continue;
    }
    const n = /^[1-9][0-9]?[0-9]?$/.test(lower[i]) ? Number(lower[i]) : NaN;
    const groups = ages && !age
      ? ages.groups.filter((g) => n >= g.range[0] && n <= g.range[1]).map((g) => g.value)
      : [];
    if (groups.length) {
      age = { n, groups };
      filters[ages.name] = groups;
      shown.push(`aged ${n} (${groups.join(", ")})`);
    } else {
      text.push(words[i]);
    }
    i += 1;
  }
  return { all: words.join(" "), text: text.join(" "), filters, shown };
}

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

function summary(query, understood, count) {
  const said = count
    ? `${plural(count, "result", "results")} for “${query.trim()}”.`
    : `No results for “${query.trim()}”. Try fewer words, or other words.`;
  return understood.shown.length
    ? `${said} Providers shown are those for: ${understood.shown.join("; ")}.`
    : said;
}

// Results for the query: when it names filter values or an age, first the
// providers with them (found by the other words), then everything else
// found by all the words; otherwise everything found by all the words.
// Each result comes with what it was found by, when that was a filter.
async function find(understood) {
  if (!understood.shown.length) {
    return (await pagefind.search(understood.all)).results.map((result) => ({ result }));
  }
  const filters = { kind: "provider" };
  for (const [name, values] of Object.entries(understood.filters)) {
    filters[name] = { any: values };
  }
  const [providers, rest] = await Promise.all([
    pagefind.search(understood.text || null, { filters }),
    others.length
      ? pagefind.search(understood.all, { filters: { kind: { any: others } } })
      : null,
  ]);
  const why = understood.shown;
  return [
    ...providers.results.map((result) => ({ result, why })),
    ...(rest ? rest.results : []).map((result) => ({ result })),
  ];
}

async function search(query) {
  const id = ++latest;
  if (!(await ready) || id !== latest) return;
  const understood = understand(query);
  if (!understood.all) {
    results = [];
    shown = 0;
    list.replaceChildren();
    more.hidden = true;
    say("");
    return;
  }
  const found = await find(understood);
  if (id !== latest) return;
  results = found;
  shown = 0;
  const items = await next(id);
  if (!items) return;
  list.replaceChildren(...items);
  say(summary(query, understood, results.length));
}

// The next page of results, as list items; none if a newer search began.
async function next(id) {
  const page = results.slice(shown, shown + PAGE);
  const data = await Promise.all(page.map((r) => r.result.data()));
  if (id !== latest) return null;
  shown += page.length;
  const left = results.length - shown;
  more.hidden = left <= 0;
  more.textContent = `Show ${plural(Math.min(left, PAGE), "more result", "more results")}`;
  return data.map((d, i) => item(d, page[i].why));
}

const KINDS = {
  provider: "Provider",
  decision: "Decision",
  page: "Page",
  "glossary term": "Words we use",
};

function item(data, why) {
  const li = document.createElement("li");
  li.className = "search-result";
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = (data.meta && data.meta.title) || data.url;
  heading.append(link);
  const kind = document.createElement("p");
  kind.className = "search-result-kind";
  const name = (data.filters && data.filters.kind && data.filters.kind[0]) || "";
  kind.textContent = [KINDS[name] || "", data.meta && data.meta.number].filter(Boolean).join(" ");
  const excerpt = document.createElement("p");
  excerpt.className = "search-result-excerpt";
  excerpt.append(...marked(data.excerpt || ""));
  li.append(heading, kind);
  if (why) {
    // Found by the filters the query named: say which, as the matching text.
    const match = document.createElement("p");
    match.className = "search-result-match";
    const label = document.createElement("strong");
    label.textContent = "Matches: ";
    match.append(label, why.join("; "));
    li.append(match);
  }
  li.append(excerpt);
  return li;
}

// Pagefind's excerpt is the record's text with `<` and `>` written as
// entities and <mark> around each matching word: it becomes text nodes and
// <mark> elements, and nothing else.
function marked(excerpt) {
  const nodes = [];
  let mark = null;
  for (const piece of excerpt.split(/(<mark>|<\/mark>)/)) {
    if (piece === "<mark>") {
      mark = document.createElement("mark");
    } else if (piece === "</mark>") {
      if (mark) nodes.push(mark);
      mark = null;
    } else if (piece) {
      const text = document.createTextNode(piece.replace(/&lt;/g, "<").replace(/&gt;/g, ">"));
      if (mark) mark.append(text);
      else nodes.push(text);
    }
  }
  if (mark) nodes.push(mark);
  return nodes;
}

// Searches as the field changes (after a pause in typing) and when the form
// is sent, and keeps the query in the address so that it can be shared.
let timer = 0;
function run(query) {
  clearTimeout(timer);
  const address = new URL(window.location.href);
  if (query.trim()) address.searchParams.set("q", query.trim());
  else address.searchParams.delete("q");
  window.history.replaceState(null, "", address);
  search(query);
}

field.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => run(field.value), 300);
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  run(field.value);
});

more.addEventListener("click", async () => {
  const id = latest;
  const items = await next(id);
  if (!items || !items.length) return;
  list.append(...items);
  // The first new result takes focus, so a keyboard user goes on from there.
  items[0].querySelector("a").focus();
  say(`Showing ${shown} of ${plural(results.length, "result", "results")}.`);
});

const asked = new URLSearchParams(window.location.search).get("q");
if (asked) {
  field.value = asked;
  say("Searching…");
  search(asked);
}
