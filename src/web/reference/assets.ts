/**
 * /docs' own stylesheet and script, served from our origin by `ASSETS` (see ../assets.ts), so the
 * page runs under the strict CSP with nothing from a CDN.
 */

/** Desktop: a sticky sidebar beside the content. Phone: the sidebar is one sticky, collapsible bar. */
export const REFERENCE_STYLESHEET = `
main{max-width:84rem}
code,pre{font:14px/1.45 ui-monospace,Menlo,Consolas,monospace;overflow-wrap:anywhere}
pre{white-space:pre-wrap;background:#fff;border:1px solid #d0d4dc;border-radius:6px;padding:.6rem;margin:.5rem 0}
pre.curl{background:#14213d;color:#f1f4fa;border-color:#14213d;margin-top:.2rem;white-space:pre;overflow-x:auto;overflow-wrap:normal}
p code,li code,dd code{background:#eef1f5;border-radius:3px;padding:0 .2rem}
.curl-caption{margin:.6rem 0 0;font-size:.85rem;font-weight:600;color:#333}
.ref-layout{display:grid;grid-template-columns:minmax(0,1fr);gap:1rem}
.ref-content{min-width:0}
.sidebar{background:#f6f7f9;min-width:0}
.sidebar>details>summary{font-weight:700;min-height:44px;display:flex;align-items:center;gap:.4rem;list-style:none}
.sidebar>details>summary::-webkit-details-marker{display:none}
.sidebar>details>summary::before{content:"\\25B8";font-size:1.1rem}
.sidebar>details[open]>summary::before{content:"\\25BE"}
.sidebar ul{list-style:none;margin:0;padding:0}
.sidebar .tag-name{display:block;font-weight:700;margin:.8rem 0 .2rem}
.sidebar li a{display:block;padding:.2rem .3rem;border-radius:4px;text-decoration:none;overflow-wrap:anywhere;font-size:.93rem}
.sidebar li a:hover{background:#e7ecf5}
.sidebar a.op{display:grid;grid-template-columns:4.2rem minmax(0,1fr);column-gap:.3rem;align-items:baseline}
.sidebar a.op .method{text-align:center}
.search label{display:block;font-weight:600;margin:.3rem 0 .2rem}
.search input{width:100%;max-width:none}
.search-status{font-size:.85rem;color:#333;margin:.3rem 0}
.search-results li a{border-bottom:1px solid #e3e6eb}
.search-results .path{grid-column:2;font:13px/1.4 ui-monospace,Menlo,Consolas,monospace;color:#333}
.facts-list li{margin:.25rem 0}
h2.tag{border-bottom:2px solid #d0d4dc;padding-bottom:.2rem;margin-top:2rem}
section.operation{background:#fff;border:1px solid #d0d4dc;border-radius:8px;padding:.75rem 1rem;margin:0 0 1rem;min-width:0;scroll-margin-top:4.5rem}
section.operation h3{margin:.2rem 0 .4rem;font-size:1.05rem;overflow-wrap:anywhere}
section.operation:target{border-color:#0b4fb3;box-shadow:0 0 0 2px #0b4fb3}
.summary{font-weight:600;margin:.2rem 0}
h4{margin:1rem 0 .3rem;font-size:1rem}
.method{display:inline-block;font:700 .8rem ui-monospace,monospace;padding:0 .35rem;border-radius:4px;background:#e7ecf5;color:#14213d}
.method.post{background:#dff3e4;color:#0f5323}.method.delete{background:#fbe1e1;color:#8a1c1c}
.method.put,.method.patch{background:#fff1d6;color:#6b4e00}
.type{font-style:italic;color:#333;margin-right:.4rem}
.req{font-size:.8rem;font-weight:700;color:#a4161a;margin-right:.4rem}
.fact{display:inline-block;font-size:.8rem;background:#eef1f5;border-radius:4px;padding:0 .3rem;margin:0 .3rem .1rem 0;overflow-wrap:anywhere}
.desc{display:block;color:#444;font-size:.93rem}
.in{font-size:.85rem;color:#555;margin-right:.3rem}
ul.schema,ul.params,ul.errors{list-style:none;padding-left:.9rem;margin:.2rem 0;border-left:2px solid #e3e6eb}
ul.schema li,ul.params li,ul.errors li{margin:.3rem 0;overflow-wrap:anywhere}
.schema-top{margin:.2rem 0}
.status{font-weight:700;font-variant-numeric:tabular-nums;margin-right:.3rem}
.headers code{margin-right:.4rem}
figure.example{margin:.4rem 0}
figcaption{font-size:.85rem;font-weight:600;color:#333}
details>summary{cursor:pointer;color:#0b4fb3;padding:.1rem 0}
details>summary:focus-visible{outline:3px solid #f4a261;outline-offset:2px}
details.responses,details.schema-box,details.component{margin:.5rem 0}
details.responses>summary,details.schema-box>summary,details.component>summary{font-weight:600;min-height:32px}
details.component{background:#fff;border:1px solid #d0d4dc;border-radius:8px;padding:.4rem .8rem;scroll-margin-top:4.5rem}
dl.meta{margin:.3rem 0}
.md-list{margin:.3rem 0;padding-left:1.4rem}
@media (max-width:59.99rem){
  .js .sidebar{position:sticky;top:0;z-index:2;margin:0 -1rem;padding:0 1rem;border-bottom:1px solid #d0d4dc}
  .js .sidebar>details[open]>.panel{max-height:calc(100vh - 3.5rem);overflow:auto;padding-bottom:1rem}
}
@media (min-width:60rem){
  .ref-layout{grid-template-columns:17rem minmax(0,1fr);gap:2rem}
  .sidebar{position:sticky;top:0;align-self:start;max-height:100vh;overflow:auto;padding:.5rem .3rem 1rem 0}
  .js .sidebar>details>summary{display:none}
  section.operation,details.component{scroll-margin-top:1rem}
}
`;

/**
 * Search over the index the page carries (a JSON data block), the sidebar folded on phones, and a
 * linked schema unfolded when jumped to. Without it the page still reads: contents open, no search.
 */
export const REFERENCE_SCRIPT = `
(function () {
  var root = document.documentElement;
  root.classList.add("js");
  var phone = window.matchMedia("(max-width: 59.99rem)");
  var contents = document.getElementById("contents");
  var data = document.getElementById("search-index");
  var box = document.getElementById("search");
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var toc = document.getElementById("toc");
  if (contents && phone.matches) contents.open = false;

  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el && el.tagName === "DETAILS") el.open = true;
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();

  if (contents) contents.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a[href^='#']");
    if (link && phone.matches) contents.open = false;
  });

  if (!data || !box || !input || !list || !status) return;
  var index = JSON.parse(data.textContent);
  index.forEach(function (e) {
    e.hay = [e.m, e.p, e.s, e.t, e.d].join(" ").toLowerCase();
  });
  box.hidden = false;

  function score(e, terms) {
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i];
      if (e.hay.indexOf(t) < 0) return 0;
      total += 1 + (e.s.toLowerCase().indexOf(t) >= 0 ? 4 : 0) + (e.p.toLowerCase().indexOf(t) >= 0 ? 3 : 0)
        + (e.t.toLowerCase().indexOf(t) >= 0 ? 2 : 0);
    }
    return total;
  }

  function render() {
    var query = input.value.trim();
    var terms = query.toLowerCase().split(/\\s+/).filter(Boolean);
    list.textContent = "";
    if (toc) toc.hidden = terms.length > 0;
    if (!terms.length) { status.textContent = ""; return; }
    var found = index.map(function (e) { return { e: e, s: score(e, terms) }; })
      .filter(function (x) { return x.s > 0; })
      .sort(function (a, b) { return b.s - a.s; });
    status.textContent = found.length === 0 ? "No operation matches \\u201c" + query + "\\u201d."
      : found.length === 1 ? "1 operation matches." : found.length + " operations match.";
    found.slice(0, 20).forEach(function (x) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "#" + x.e.a;
      a.className = "op";
      var method = document.createElement("span");
      method.className = "method " + x.e.m.toLowerCase();
      method.textContent = x.e.m;
      var path = document.createElement("span");
      path.className = "path";
      path.textContent = x.e.p;
      a.appendChild(method);
      var summary = document.createElement("span");
      summary.textContent = x.e.s || x.e.p;
      a.appendChild(summary);
      a.appendChild(path);
      li.appendChild(a);
      list.appendChild(li);
    });
  }

  input.addEventListener("input", render);
  input.addEventListener("keydown", function (e) {
    var first = list.querySelector("a");
    if (e.key === "Enter" && first) { e.preventDefault(); first.click(); }
    else if (e.key === "ArrowDown" && first) { e.preventDefault(); first.focus(); }
  });
  render();
})();
`;
