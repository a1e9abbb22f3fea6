import { Hono, type Context, type MiddlewareHandler } from "hono";
import * as v from "valibot";
import { nextOpenItem, reviewItemEvidence, reviewProduct, reviewProgress, reviewQueues } from "../db/queries/review-console";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/env";
import { applyRateLimit, clientIp } from "../http/rate-limit";
import { decideReview } from "../review/decide";
import { pagePicture } from "../review/page-picture";
import { currentSession, sameSecret, signIn, signOut, type ReviewSession } from "../review/session";
import { renderPage } from "../web/page";
import {
  ConsoleMessagePage, itemLabel, QueueClearPage, QueuesPage, ReviewItemPage, SignInPage, type ConsoleUser, type DecisionForm,
  type SavedDecision,
} from "../web/review-pages";
import { Uuid } from "./schema-fields";

const SignInForm = v.object({ key: v.pipe(v.string(), v.trim(), v.maxLength(200)) });
const DecisionFormBody = v.object({
  csrf: v.string(),
  decision: v.picklist(["approve", "override", "reject", "confirm_absent"], "choose approve, override, reject or not in the document"),
  value: v.optional(v.pipe(v.string(), v.maxLength(2000, "at most 2000 characters"))),
  comment: v.optional(v.pipe(v.string(), v.maxLength(2000, "at most 2000 characters"))),
});

const TITLES: Record<number, string> = { 403: "Not allowed", 404: "Not found", 429: "Too many attempts" };

const userOf = (s: ReviewSession): ConsoleUser => ({ csrf: s.csrfToken, who: s.keyLabel });

/**
 * Every form post must come from our own pages: the browser's Origin (or Sec-Fetch-Site) names
 * this origin. With the SameSite=Strict cookie and the per-session token this is the third lock.
 */
const sameOriginPosts: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.header("Cache-Control", "no-store");
  if (c.req.method === "POST") {
    const origin = c.req.header("origin");
    const ours = [new URL(c.req.url).origin, new URL(c.get("services").config.publicUrl).origin];
    const allowed = (origin !== undefined && ours.includes(origin)) || c.req.header("sec-fetch-site") === "same-origin";
    if (!allowed) throw new ApiError("forbidden", "this form was not sent from the review console");
  }
  await next();
};

/** Pages past sign-in: no session sends the reviewer to sign in; a post must carry the session's token. */
const signedIn: MiddlewareHandler<AppEnv> = async (c, next) => {
  const session = await currentSession(c);
  if (!session) return c.redirect("/review", 303);
  if (c.req.method === "POST") {
    const token = (await c.req.parseBody())["csrf"];
    if (typeof token !== "string" || !sameSecret(token, session.csrfToken)) {
      throw new ApiError("forbidden", "the form's security token is missing or stale; reload the page");
    }
  }
  c.set("session", session);
  await next();
};

/** The decision just saved (`?saved=<item id>`), read back from the database so the confirmation says what was stored. */
async function savedDecision(c: Context<AppEnv>): Promise<SavedDecision | undefined> {
  const id = c.req.query("saved");
  if (!id || !v.is(Uuid, id)) return undefined;
  const item = await reviewItemEvidence(c.get("services").db, c.get("session").caller.organizationId, id);
  if (!item?.decision) return undefined;
  return { decision: item.decision, what: itemLabel(item), document: item.external_id ?? item.filename ?? item.document_id };
}

async function itemPage(c: Context<AppEnv>, itemId: string, form?: DecisionForm, status: 200 | 400 | 409 = 200) {
  const { db } = c.get("services");
  const session = c.get("session");
  const item = v.is(Uuid, itemId) ? await reviewItemEvidence(db, session.caller.organizationId, itemId) : undefined;
  if (!item) throw new ApiError("not_found", "review item not found");
  const [progress, next, saved] = await Promise.all([
    reviewProgress(db, item.pipeline_id), nextOpenItem(db, item.pipeline_id, item), form ? undefined : savedDecision(c),
  ]);
  const pictures = Boolean(c.get("services").reader);
  return renderPage(c, <ReviewItemPage user={userOf(session)} item={item} progress={progress} nextId={next?.id} form={form} saved={saved} pictures={pictures} />, status);
}

/** Where the reviewer goes after a decision: the next open item of that product, or its all-clear page. */
async function continueProduct(c: Context<AppEnv>, productId: string, savedId?: string) {
  const { db } = c.get("services");
  const session = c.get("session");
  const product = v.is(Uuid, productId) ? await reviewProduct(db, session.caller.organizationId, productId) : undefined;
  if (!product) throw new ApiError("not_found", "data product not found");
  const next = await nextOpenItem(db, product.pipeline_id);
  const saving = savedId && v.is(Uuid, savedId) ? `?saved=${savedId}` : "";
  if (next) return c.redirect(`/review/items/${next.id}${saving}`, 303);
  const [progress, saved] = await Promise.all([reviewProgress(db, product.pipeline_id), savedDecision(c)]);
  return renderPage(c, <QueueClearPage user={userOf(session)} name={product.name} decided={progress.decided} saved={saved} />);
}

/** People who clear parked cells: sign in with a key, walk a product's open items with the evidence, decide. */
export const reviewConsoleRoutes = new Hono<AppEnv>()
  .use("/review", sameOriginPosts)
  .use("/review/*", sameOriginPosts)
  .get("/review", async (c) => {
    const session = await currentSession(c);
    if (!session) return renderPage(c, <SignInPage />);
    const queues = await reviewQueues(c.get("services").db, session.caller.organizationId);
    return renderPage(c, <QueuesPage user={userOf(session)} queues={queues} />);
  })
  .post("/review/sign-in", async (c) => {
    // Key guesses are throttled per client address before the database is asked.
    await applyRateLimit(c, [c.get("services").rateLimiters.api, `console-ip:${clientIp(c)}`]);
    const form = v.safeParse(SignInForm, await c.req.parseBody());
    const result = form.success ? await signIn(c, form.output.key) : { ok: false as const, message: "Paste an API key." };
    if (!result.ok) return renderPage(c, <SignInPage error={result.message} />, 401);
    return c.redirect("/review", 303);
  })
  .post("/review/sign-out", signedIn, async (c) => {
    await signOut(c, c.get("session"));
    return c.redirect("/review", 303);
  })
  .get("/review/products/:id", signedIn, (c) => continueProduct(c, c.req.param("id"), c.req.query("saved")))
  .get("/review/items/:id", signedIn, (c) => itemPage(c, c.req.param("id")))
  .get("/review/items/:id/pages/:page", signedIn, async (c) => {
    const png = await pagePicture(c.get("services"), c.get("session").caller.organizationId, c.req.param("id"), c.req.param("page"));
    return c.body(png as Uint8Array<ArrayBuffer>, 200, { "Content-Type": "image/png" });
  })
  .post("/review/items/:id/decision", signedIn, async (c) => {
    const itemId = c.req.param("id");
    const form = v.safeParse(DecisionFormBody, await c.req.parseBody());
    if (!form.success) return itemPage(c, itemId, { error: form.issues[0].message }, 400);
    const { decision, comment } = form.output;
    const value = form.output.value?.trim();
    if (decision === "override" && !value) return itemPage(c, itemId, { error: "Enter the corrected value to override.", comment }, 400);
    try {
      await decideReview(c.get("services"), c.get("session").caller, itemId, {
        decision, value: decision === "override" ? value : undefined, comment: comment?.trim() || undefined,
      });
    } catch (error) {
      if (!(error instanceof ApiError) || error.code === "not_found") throw error;
      const details = error.details as Array<{ message: string }> | undefined;
      const message = details?.[0] ? `${error.message}: ${details[0].message}` : error.message;
      return itemPage(c, itemId, { error: message, value, comment }, error.code === "conflict" ? 409 : 400);
    }
    const item = await reviewItemEvidence(c.get("services").db, c.get("session").caller.organizationId, itemId);
    return c.redirect(`/review/products/${item!.product_id}?saved=${itemId}`, 303);
  })
  .onError((err, c) => {
    const known = err instanceof ApiError;
    if (!known) {
      const error = err instanceof Error ? err.stack ?? err.message : String(err);
      c.get("services").logger.error("review console error", { path: c.req.path, error });
    }
    const status = known ? err.status : 500;
    const title = TITLES[status] ?? "Something went wrong";
    const message = known ? err.message : `An internal error occurred; quote request id ${c.get("requestId")} when reporting it.`;
    return renderPage(c, <ConsoleMessagePage title={title} message={message} />, status);
  });
