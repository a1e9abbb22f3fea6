import { REFERENCE_SCRIPT, REFERENCE_STYLESHEET } from "./reference/assets";

/**
 * The people-facing pages' only assets, served from our own origin (no CDN, nothing the Worker
 * cannot serve) so the pages can run under a strict Content-Security-Policy.
 */
export const STYLESHEET = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f6f7f9}
header.site{background:#14213d;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
header.site .brand{font-weight:700;letter-spacing:.02em;color:#fff;text-decoration:none}
header.site .what{color:#cfd6e6;font-size:.9rem}
header.site form{margin-left:auto}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0;overflow-wrap:anywhere}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
a{color:#0b4fb3}
.facts{display:flex;flex-wrap:wrap;gap:.25rem 1.5rem;margin:.5rem 0 1rem;padding:0;list-style:none;color:#333}
.facts b{font-weight:600}
.button,button{display:inline-block;font:inherit;font-weight:600;padding:.55rem 1rem;border-radius:6px;border:1px solid #0b4fb3;
  background:#0b4fb3;color:#fff;text-decoration:none;cursor:pointer;min-height:44px}
.button.secondary,button.secondary{background:#fff;color:#0b4fb3}
button.danger{background:#fff;color:#a4161a;border-color:#a4161a}
.button:focus-visible,button:focus-visible,a:focus-visible,input:focus-visible,textarea:focus-visible,select:focus-visible,
.scroll:focus-visible{outline:3px solid #f4a261;outline-offset:2px}
.scroll{overflow-x:auto;max-width:100%;border:1px solid #d0d4dc;border-radius:6px;
  background:linear-gradient(90deg,#fff 30%,rgba(255,255,255,0)) left/2.5rem 100% no-repeat local,
  linear-gradient(270deg,#fff 30%,rgba(255,255,255,0)) right/2.5rem 100% no-repeat local,
  radial-gradient(farthest-side at 0 50%,rgba(20,33,61,.3),transparent) left/.9rem 100% no-repeat scroll,
  radial-gradient(farthest-side at 100% 50%,rgba(20,33,61,.3),transparent) right/.9rem 100% no-repeat scroll;background-color:#fff}
.scroll-hint{display:none;margin:.25rem 0;font-size:.9rem;color:#333;text-align:right}
@media (max-width:48rem){.scroll-hint{display:block}}
.saved{background:#e6f4ea;border-color:#2e7d32;color:#1b4d20;font-weight:600}
table{border-collapse:collapse;min-width:100%}
caption{text-align:left;padding:.5rem .6rem;font-weight:600}
th,td{border-bottom:1px solid #e3e6eb;padding:.4rem .6rem;text-align:left;vertical-align:top;white-space:nowrap}
th{background:#eef1f5;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.held{display:inline-block;font-size:.8rem;font-weight:600;padding:0 .45rem;border-radius:999px;background:#fff3cd;color:#6b4e00;border:1px solid #e0b100}
.rejected{background:#f8d7da;color:#842029;border-color:#d9534f}
.note{color:#444;font-size:.95rem}
.card{background:#fff;border:1px solid #d0d4dc;border-radius:8px;padding:1rem;margin:0 0 1rem}
.error{color:#a4161a;font-weight:600}
.error-box{border-color:#a4161a;background:#fff5f5}
label{display:block;font-weight:600;margin:.5rem 0 .25rem}
input[type=text],input[type=password],textarea,select{font:inherit;width:100%;max-width:32rem;padding:.5rem;border:1px solid #8a93a3;border-radius:6px}
textarea{min-height:4rem}
.row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
.grid{display:grid;gap:1rem;grid-template-columns:minmax(0,1fr)}
figure{margin:0 0 1rem}
.card>h2:first-child{margin-top:0}
@media (min-width:60rem){.grid{grid-template-columns:minmax(0,3fr) minmax(0,2fr)}}
pre.source{white-space:pre-wrap;overflow-wrap:anywhere;font:14px/1.45 ui-monospace,Menlo,Consolas,monospace;margin:0;
  background:#fbfbfc;padding:.75rem;border-radius:6px}
mark{background:#ffe066;outline:2px solid #e0a800;border-radius:2px}
svg.page{display:block;max-width:100%;height:auto;background:#fff;border:1px solid #c5cad3;border-radius:4px}
svg.page text{font:10px ui-monospace,Menlo,Consolas,monospace;fill:#333}
svg.page .box{fill:rgba(255,208,0,.25);stroke:#d62828;stroke-width:2}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;margin:0}
dl.meta dt{font-weight:600}
dl.meta dd{margin:0;overflow-wrap:anywhere}
.progress{font-weight:600}
kbd{font:600 .85rem ui-monospace,monospace;border:1px solid #aab;border-bottom-width:2px;border-radius:4px;padding:0 .3rem;background:#fff}
ul.plain{list-style:none;padding:0;margin:0}
ul.plain li{padding:.5rem 0;border-bottom:1px solid #e3e6eb}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

/** The pages' icon (no /favicon.ico 404 in every browser's log): a sluice gate, drawn. */
export const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#14213d"/>`
  + `<path d="M6 8h20M6 8v16M26 8v16" stroke="#cfd6e6" stroke-width="3" fill="none"/><rect x="9" y="11" width="14" height="7" fill="#f4a261"/>`
  + `<path d="M6 24q5-4 10 0t10 0" stroke="#7fb3ff" stroke-width="2.5" fill="none"/></svg>`;

/** Keyboard shortcuts for the review console; the forms work the same without it. */
export const REVIEW_SCRIPT = `
document.addEventListener("keydown", function (e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  var t = e.target;
  if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) return;
  var k = e.key.toLowerCase();
  var click = function (sel) { var el = document.querySelector(sel); if (el) { e.preventDefault(); el.click(); } };
  if (k === "a") click("button[value=approve]");
  else if (k === "r") click("button[value=reject]");
  else if (k === "o") { var v = document.getElementById("value"); if (v) { e.preventDefault(); v.focus(); } }
  else if (k === "n") click("a[rel=next]");
});
`;

const digestOf = (text: string) => {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return (h >>> 0).toString(36);
};

/** Content-addressed asset paths, so a long cache lifetime never serves a stale file after a deploy. */
export const ASSETS = {
  css: { path: `/assets/sluice-${digestOf(STYLESHEET)}.css`, type: "text/css; charset=utf-8", body: STYLESHEET },
  referenceCss: { path: `/assets/reference-${digestOf(REFERENCE_STYLESHEET)}.css`, type: "text/css; charset=utf-8", body: REFERENCE_STYLESHEET },
  referenceJs: { path: `/assets/reference-${digestOf(REFERENCE_SCRIPT)}.js`, type: "text/javascript; charset=utf-8", body: REFERENCE_SCRIPT },
  favicon: { path: `/assets/icon-${digestOf(FAVICON)}.svg`, type: "image/svg+xml", body: FAVICON },
  reviewJs: { path: `/assets/review-${digestOf(REVIEW_SCRIPT)}.js`, type: "text/javascript; charset=utf-8", body: REVIEW_SCRIPT },
} as const;
