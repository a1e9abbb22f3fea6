import type { FC, PropsWithChildren } from "hono/jsx";
import type { ReviewItemEvidence } from "../db/queries/review-console";
import { ApiError } from "../errors";
import type { CompiledPipeline } from "../pipeline/definition";
import { itemsOf } from "../pipeline/items";
import type { Cell, Cells, Item, Reason, Verdict } from "../pipeline/types";
import { isEmptyValue, reviewedCell } from "../review/reviewed-cell";
import { ASSETS } from "./assets";
import { displayName, valueText } from "./cells";
import { CandidateList, DocumentPages, PageView, SourceText, type EvidenceProvenance, type ParsedEvidence } from "./evidence";
import { formatTime, Page } from "./page";

const WHAT = "Review console";

export const CsrfField: FC<{ token: string }> = ({ token }) => <input type="hidden" name="csrf" value={token} />;

const SignOut: FC<{ csrf: string; who: string }> = ({ csrf, who }) => (
  <form method="post" action="/review/sign-out" class="row">
    <span class="what">Signed in with {who}</span>
    <CsrfField token={csrf} />
    <button type="submit" class="secondary">Sign out</button>
  </form>
);

export interface ConsoleUser { csrf: string; who: string }

const ConsolePage: FC<PropsWithChildren<{ title: string; user?: ConsoleUser; scripts?: string[] }>> = (p) => (
  <Page title={`${p.title} · Sluice review`} what={WHAT} scripts={p.scripts} header={p.user ? <SignOut {...p.user} /> : undefined}>
    {p.children}
  </Page>
);

export const SignInPage: FC<{ error?: string }> = ({ error }) => (
  <ConsolePage title="Sign in">
    <h1>Sign in to review</h1>
    <p>Paste an API key with the <b>write</b> scope. It is exchanged for a session cookie and not kept in this browser.</p>
    <form method="post" action="/review/sign-in" class="card">
      <label for="key">API key</label>
      <input id="key" name="key" type="password" autocomplete="off" required aria-describedby={error ? "key-error" : undefined} />
      {error ? <p id="key-error" class="error" role="alert">{error}</p> : null}
      <p><button type="submit">Sign in</button></p>
    </form>
  </ConsolePage>
);

type Queue = { id: string; name: string; open: string | number; total: string | number };

export const QueuesPage: FC<{ user: ConsoleUser; queues: Queue[] }> = (p) => (
  <ConsolePage title="Data products" user={p.user}>
    <h1>Choose a data product</h1>
    {p.queues.length === 0 ? <p>No data products yet.</p> : (
      <ul class="plain">
        {p.queues.map((q) => (
          <li>
            <a href={`/review/products/${q.id}`}>{displayName(q.name)}</a>{" "}
            <span class="note">{Number(q.open) > 0 ? `${q.open} open of ${q.total}` : `nothing open (${q.total} decided)`}</span>
          </li>
        ))}
      </ul>
    )}
  </ConsolePage>
);

export const QueueClearPage: FC<{ user: ConsoleUser; name: string; decided: number; saved?: SavedDecision }> = (p) => (
  <ConsolePage title="All done" user={p.user}>
    <SavedNotice saved={p.saved} />
    <h1>Nothing left to review in {displayName(p.name)}</h1>
    <p>{p.decided} {p.decided === 1 ? "item was" : "items were"} decided. <a href="/review">Back to the data products</a></p>
  </ConsolePage>
);

export const ConsoleMessagePage: FC<{ title: string; message: string; user?: ConsoleUser }> = (p) => (
  <ConsolePage title={p.title} user={p.user}>
    <h1>{p.title}</h1>
    <p>{p.message}</p>
    <p><a href="/review">Back to the review console</a></p>
  </ConsolePage>
);

export interface DecisionForm { error?: string; value?: string; comment?: string }

/** The item's gate verdicts that failed: the rule and the reason a person has to weigh. */
const failedVerdicts = (cell: Cell | undefined, gate: string): Verdict[] =>
  (cell?.meta.verdicts ?? []).filter((v) => v.gate === gate && !v.passed);

/** A value as the share page and CSV will show it; "(none)" says plainly there is nothing. */
const shownValue = (value: unknown) => valueText(value) || "(none)";

/** A date value (YYYY-MM-DD) also spelled out, so 05/06 is never read the wrong way round. */
const shownTyped = (value: unknown, type: string) => {
  const text = shownValue(value);
  if (type !== "date" || typeof value !== "string" || !/^\d{4}-\d\d-\d\d$/.test(value)) return text;
  const spelled = new Date(`${value}T00:00:00Z`).toLocaleDateString("en-GB", { dateStyle: "long", timeZone: "UTC" });
  return `${text} (${spelled})`;
};

const DECIDED: Record<string, string> = {
  approve: "Approved", override: "Overridden", reject: "Rejected", confirm_absent: "Marked not in the document",
};

/** What the reviewer's last decision did, said back after the save. */
export interface SavedDecision { decision: string; what: string; document: string }

export const SavedNotice: FC<{ saved?: SavedDecision }> = ({ saved }) => (saved ? (
  <p class="card saved" role="status">Saved: {DECIDED[saved.decision]?.toLowerCase() ?? saved.decision} {saved.what} of {saved.document}.</p>
) : null);

/** A review item in a reviewer's words: `total`, or `lines #3 · amount` for a line item's cell (counted from 1). */
export const itemLabel = (i: { field: string; item_index: number | null; item_column: string | null }) =>
  i.item_index === null || i.item_column === null ? i.field : `${i.field} #${i.item_index + 1} · ${i.item_column}`;

/**
 * The cell the item stands for and the type an override must fit: the field's, or for a line item
 * the column's (the same resolution the decision itself uses). Nothing when it no longer exists.
 */
function shownTarget(item: ReviewItemEvidence) {
  const pipeline = item.config as unknown as CompiledPipeline;
  const cells = item.cells as Cells;
  try {
    const target = reviewedCell(pipeline, cells, item);
    const items = target.item ? itemsOf(cells[item.field]) : [];
    const table = target.item ? { ...target.item, items, columns: pipeline.fields.find((f) => f.name === item.field)!.columns! } : null;
    return { cell: target.cell as Cell | undefined, type: target.field.type, table };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { cell: undefined, type: "unknown", table: null };
  }
}

export const ReviewItemPage: FC<{
  user: ConsoleUser; item: ReviewItemEvidence; progress: { decided: number; total: number }; nextId?: string; form?: DecisionForm;
  /** Whether OCR pages' pictures are served (where a reader runs: Node). */
  pictures?: boolean;
  saved?: SavedDecision;
}> = ({ user, item, progress, nextId, form, pictures, saved }) => {
  const { cell, type, table } = shownTarget(item);
  const parsed = (item.parsed ?? {}) as ParsedEvidence;
  const provenance = cell?.meta.provenance as EvidenceProvenance | undefined;
  const reason = item.reason as Reason;
  const label = item.external_id ?? item.filename ?? item.document_id;
  const open = item.status === "open";
  const failed = failedVerdicts(cell, item.gate);
  const what = itemLabel(item);
  const left = progress.total - progress.decided;
  // Nothing to release: no value and no candidate. The reviewer searches the document instead of approving.
  const empty = isEmptyValue(cell?.value ?? item.candidate);
  return (
    <ConsolePage title={`${what} · ${label}`} user={user} scripts={[ASSETS.reviewJs.path]}>
      <p class="row">
        <a href="/review">Data products</a> <span aria-hidden="true">›</span> <span>{displayName(item.product_name)}</span>
        <span class="progress">{left === 0 ? "Nothing left" : `${left} left`} of {progress.total}</span>
        {nextId ? <a rel="next" href={`/review/items/${nextId}`}>Skip to next open item</a> : null}
      </p>
      <SavedNotice saved={saved} />
      <h1>{what} of {label}</h1>
      <div class="grid">
        <section aria-labelledby="evidence" class="card">
          <h2 id="evidence">Evidence</h2>
          {empty ? <DocumentPages parsed={parsed} /> : <>
            <SourceText parsed={parsed} provenance={provenance} />
            {parsed.mime_type === "application/pdf" || parsed.mime_type?.startsWith("image/")
              ? <PageView parsed={parsed} provenance={provenance} picturesAt={pictures ? `/review/items/${item.id}/pages/` : undefined} />
              : null}
          </>}
          {table ? <LineItemView field={item.field} {...table} /> : null}
          <h2>Candidates</h2>
          <CandidateList candidates={cell?.meta.candidates ?? []} chosen={provenance} />
        </section>
        <div>
          <section aria-labelledby="why" class="card">
            <h2 id="why">Why it is held</h2>
            <dl class="meta">
              <dt>Value</dt><dd>{open ? shownTyped(cell?.value ?? item.candidate, type) : shownTyped(item.candidate, type)}</dd>
              {table ? <><dt>Line item</dt><dd>{table.index + 1} of {table.items.length} (item_index {table.index})</dd></> : null}
              <dt>{table ? "Column type" : "Field type"}</dt><dd>{type}</dd>
              <dt>Extractor</dt><dd>{provenance?.extractor ?? cell?.resolved_by ?? "—"}</dd>
              <dt>Confidence</dt><dd>{typeof cell?.meta.confidence === "number" ? cell.meta.confidence.toFixed(2) : "—"}</dd>
              <dt>Gate</dt><dd>{item.gate}</dd>
              <dt>Reason</dt><dd>{reason.summary}</dd>
              {failed.length === 0 ? <><dt>Detail</dt><dd>{reason.message}</dd></> : null}
              {failed.map((v) => (<><dt>Rule</dt><dd>{v.rule}{v.message ? `: ${v.message}` : ""}</dd></>))}
            </dl>
          </section>
          {open ? <DecisionFormView itemId={item.id} csrf={user.csrf} fieldType={type} form={form} empty={empty} />
            : <DecidedView item={item} type={type} nextId={nextId} />}
        </div>
      </div>
    </ConsolePage>
  );
};

type LineItemProps = { field: string; index: number; column: string; text: string | null; items: Item[]; columns: Array<{ name: string }> };

/** The whole line item around the reviewed cell, with its source row: an amount is judged next to its description. */
const LineItemView: FC<LineItemProps> = ({ field, index, column, text, items, columns }) => (
  <>
    <h2>Line item {index + 1} of {field}</h2>
    <div class="scroll" role="region" aria-label="The line item" tabindex={0}>
      <table>
        <thead><tr>{columns.map((c) => <th scope="col">{c.name}</th>)}</tr></thead>
        <tbody><tr>{columns.map((c) => (
          <td class={c.name === column ? "reviewed" : undefined}>
            {c.name === column ? <mark>{shownValue(items[index]?.[c.name]?.value)}</mark> : shownValue(items[index]?.[c.name]?.value)}
          </td>
        ))}</tr></tbody>
      </table>
    </div>
    {text ? <p class="note">Source row: <code>{text}</code></p> : null}
  </>
);

/** A decided item says what was decided, by which key, when, and the value it left. */
const DecidedView: FC<{ item: ReviewItemEvidence; type: string; nextId?: string }> = ({ item, type, nextId }) => (
  <section class="card" aria-labelledby="decided">
    <h2 id="decided">Decided</h2>
    <dl class="meta">
      <dt>Decision</dt><dd>{item.decision ? DECIDED[item.decision] ?? item.decision : "—"}</dd>
      {item.decision === "override" ? <><dt>New value</dt><dd>{shownTyped(item.decided_value, type)}</dd></> : null}
      <dt>By</dt><dd>{item.decided_by_name ? `${item.decided_by_name} (${item.decided_by_prefix}…)` : "—"}</dd>
      <dt>When</dt><dd>{formatTime(item.decided_at)}</dd>
      {item.decided_comment ? <><dt>Comment</dt><dd>{item.decided_comment}</dd></> : null}
    </dl>
    {nextId ? <p><a href={`/review/items/${nextId}`}>Next open item</a></p> : null}
  </section>
);

type DecisionFormProps = { itemId: string; csrf: string; fieldType: string; form?: DecisionForm; empty: boolean };

const DecisionFormView: FC<DecisionFormProps> = ({ itemId, csrf, fieldType, form, empty }) => (
  <form method="post" action={`/review/items/${itemId}/decision`} class={form?.error ? "card error-box" : "card"} aria-labelledby="decide">
    <h2 id="decide">Decide</h2>
    <CsrfField token={csrf} />
    <label for="value">Corrected value ({fieldType}), for an override</label>
    <input id="value" name="value" type="text" value={form?.value ?? ""} autocomplete="off"
      aria-invalid={form?.error ? "true" : undefined} aria-describedby={form?.error ? "value-error" : "value-hint"} />
    {form?.error
      ? <p id="value-error" class="error" role="alert">{form.error}</p>
      : <p id="value-hint" class="note">{empty
        ? "Nothing was found: type the value from the document and override, or mark it not in the document."
        : "Leave empty to approve or reject."}</p>}
    <label for="comment">Comment (optional)</label>
    <textarea id="comment" name="comment" maxlength={2000}>{form?.comment ?? ""}</textarea>
    <p class="row">
      {empty ? null : <button type="submit" name="decision" value="approve">Approve</button>}
      <button type="submit" name="decision" value="override" class={empty ? undefined : "secondary"}>Override</button>
      {empty ? <button type="submit" name="decision" value="confirm_absent" class="secondary">Not in the document</button> : null}
      <button type="submit" name="decision" value="reject" class="danger">Reject</button>
    </p>
    <p class="note">Keys: {empty ? null : <><kbd>A</kbd> approve · </>}<kbd>O</kbd> edit the value · <kbd>R</kbd> reject · <kbd>N</kbd> next item</p>
  </form>
);
