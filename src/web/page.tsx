import type { Context } from "hono";
import { html } from "hono/html";
import type { Child, FC } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ASSETS } from "./assets";

/** Our pages load only what our own origin serves; nothing may frame them. */
const CSP = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; "
  + "frame-ancestors 'none'; base-uri 'none'";

export interface PageProps {
  title: string;
  /** The line under the brand telling a visitor what this page is. */
  what: string;
  header?: Child;
  scripts?: string[];
  /** Stylesheets after the shared one, from our own origin. */
  styles?: string[];
  children?: Child;
}

export const Page: FC<PageProps> = (p) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>{p.title}</title>
      <link rel="icon" type="image/svg+xml" href={ASSETS.favicon.path} />
      <link rel="stylesheet" href={ASSETS.css.path} />
      {(p.styles ?? []).map((href) => <link rel="stylesheet" href={href} />)}
      {(p.scripts ?? []).map((src) => <script src={src} defer></script>)}
    </head>
    <body>
      <header class="site">
        <span class="brand">Sluice</span>
        <span class="what">{p.what}</span>
        {p.header}
      </header>
      <main>{p.children}</main>
    </body>
  </html>
);

/** Renders a full document (standards mode: the doctype comes first) with the page headers. */
export function renderPage(c: Context, page: Child, status: ContentfulStatusCode = 200) {
  c.header("Content-Security-Policy", CSP);
  c.header("X-Content-Type-Options", "nosniff");
  // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on our own form posts.
  c.header("Referrer-Policy", "same-origin");
  c.header("X-Robots-Tag", "noindex");
  return c.html(html`<!doctype html>${page}`, status);
}

/** Browsers ask for HTML; API clients and scripts get the JSON envelope. */
export const wantsHtml = (c: Context) => /\btext\/html\b/.test(c.req.header("accept") ?? "");

const DATE_TIME = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
export const formatTime = (at: Date | string | null | undefined) => (at ? `${DATE_TIME.format(new Date(at))} UTC` : "—");
