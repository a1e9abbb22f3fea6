import type { FC, PropsWithChildren } from "hono/jsx";
import type { Cells } from "../pipeline/types";
import { CellView, displayName } from "./cells";
import { formatTime, Page } from "./page";

const WHAT = "A table shared read-only from Sluice";

export interface LineItemTable {
  field: string;
  /** The table field's heading. */
  label: string;
  columns: string[];
  /** Each column's heading, in the order of `columns`. */
  labels: string[];
  /** One entry per item: the owning row's label and the item's cells by column. */
  items: Array<{ row: string; cells: Cells }>;
}

export interface SharePageProps {
  name: string;
  token: string;
  header: string[];
  /** Each column's heading (the field's `label`, or its name humanised), in the order of `header`. */
  labels: string[];
  rows: Array<{ label: string; cells: Cells }>;
  total: number;
  /** When the shown data last changed (its generation's finish or a review decision); null before a first finish. */
  updatedAt: Date | string | null;
  heldCount: number;
  rejectedCount: number;
  lineItems: LineItemTable[];
}

/** Line items shown per table field; the CSV holds the rest. */
const MAX_ITEMS = 200;

const csvHref = (token: string, table?: string) => `/share/${token}.csv${table ? `?table=${encodeURIComponent(table)}` : ""}`;

/** Columns past which a phone shows the "scroll sideways" hint (the stylesheet hides it on wide screens). */
const HINT_COLUMNS = 3;

/** A wide table scrolls inside its own focusable box, never the page; shadows at its edges and a hint say it does. */
const Scroll: FC<PropsWithChildren<{ label: string; columns: number }>> = ({ label, columns, children }) => (
  <>
    {columns > HINT_COLUMNS ? <p class="scroll-hint" aria-hidden="true">Swipe sideways for all {columns} columns →</p> : null}
    <div class="scroll" role="region" aria-label={label} tabindex={0}>{children}</div>
  </>
);

export const SharePage: FC<SharePageProps> = (p) => {
  const name = displayName(p.name);
  const tables = new Set(p.lineItems.map((t) => t.field));
  return (
    <Page title={`${name} · shared table · Sluice`} what={WHAT}>
      <h1>{name}</h1>
      <ul class="facts">
        <li><b>{p.total}</b> {p.total === 1 ? "row" : "rows"}</li>
        <li>Updated {p.updatedAt
          ? <time datetime={new Date(p.updatedAt).toISOString()}><b>{formatTime(p.updatedAt)}</b></time>
          : <b>not yet</b>}</li>
      </ul>
      <p><a class="button" href={csvHref(p.token)} download>Download CSV ({p.total} {p.total === 1 ? "row" : "rows"})</a></p>
      {p.heldCount > 0 ? (
        <p class="note"><span class="held">in review</span> marks a value held back until a reviewer checks it; the CSV leaves
          those cells empty and fills them once they are approved.</p>
      ) : null}
      {p.rejectedCount > 0 ? (
        <p class="note"><span class="held rejected">rejected</span> marks a value a reviewer rejected; it stays empty in the CSV.</p>
      ) : null}
      <Scroll label={`Rows of ${name}`} columns={p.header.length}>
        <table>
          <caption>{p.total > p.rows.length ? `The first ${p.rows.length} of ${p.total} rows` : `All ${p.total} rows`}</caption>
          <thead><tr>{p.header.map((h, i) => <th scope="col">{tables.has(h) ? `${p.labels[i]} (items)` : p.labels[i]}</th>)}</tr></thead>
          <tbody>{p.rows.map((r) => <tr>{p.header.map((h) => <CellView cell={r.cells[h]} full={csvHref(p.token)} />)}</tr>)}</tbody>
        </table>
      </Scroll>
      {p.lineItems.map((t) => (
        <section aria-labelledby={`items-${t.field}`}>
          <h2 id={`items-${t.field}`}>Line items: {t.label}</h2>
          <p><a class="button secondary" href={csvHref(p.token, t.field)} download>Download {t.field} CSV</a></p>
          <Scroll label={`Line items ${t.field}`} columns={t.columns.length + 1}>
            <table>
              {t.items.length > MAX_ITEMS ? <caption>The first {MAX_ITEMS} of {t.items.length} items; the CSV has all</caption> : null}
              <thead><tr><th scope="col">Row</th>{t.labels.map((h) => <th scope="col">{h}</th>)}</tr></thead>
              <tbody>{t.items.slice(0, MAX_ITEMS).map((i) => <tr><td>{i.row}</td>{t.columns.map((h) => <CellView cell={i.cells[h]} full={csvHref(p.token, t.field)} />)}</tr>)}</tbody>
            </table>
          </Scroll>
        </section>
      ))}
    </Page>
  );
};

export const ShareGonePage: FC = () => (
  <Page title="Link not found · Sluice" what={WHAT}>
    <h1>This share link does not work</h1>
    <p>The link is unknown, was revoked, has expired, or the table it pointed to was archived.</p>
    <p>Ask whoever sent it for a new link.</p>
  </Page>
);
