import { Hono, type Context, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "./errors";
import { authenticate } from "./http/auth";
import { inputGuard, urlGuard } from "./http/input-guard";
import type { AppEnv, Services } from "./http/env";
import { renderError, renderNotFound } from "./http/errors";
import { accessLog, assignRequestId } from "./http/request-log";
import { apiKeyRoutes } from "./routes/api-keys";
import { deliveryRoutes } from "./routes/deliveries";
import { documentRoutes } from "./routes/documents";
import { docsRoutes } from "./routes/docs";
import { dataProductRoutes } from "./routes/data-products";
import { healthRoutes } from "./routes/health";
import { pipelineEventRoutes } from "./routes/pipeline-events";
import { pipelineRoutes } from "./routes/pipelines";
import { reviewRoutes } from "./routes/reviews";
import { scheduleRoutes, scheduleTickRoutes } from "./routes/schedules";
import { templateRoutes } from "./routes/templates";
import { templateDraftRoutes } from "./routes/template-draft";
import { evaluationRoutes } from "./routes/evaluations";
import { webhookRoutes } from "./routes/webhooks";
import { webhookEndpointRoutes } from "./routes/webhook-endpoints";
import { shareRoutes } from "./routes/share";
import { assetRoutes } from "./routes/assets";
import { reviewConsoleRoutes } from "./routes/review-console";

/**
 * What createApp is given. `db` may be chosen per request: a Worker opens a database pool per
 * request, yet builds its app (routes, router) once per isolate.
 */
export type AppServices = Omit<Services, "db"> & { db: Services["db"] | ((c: Context<AppEnv>) => Services["db"]) };

/** Builds the whole HTTP surface from explicit services; every runtime entry calls this. */
export function createApp(services: AppServices) {
  const { db } = services;
  const servicesOf = typeof db === "function" ? (c: Context<AppEnv>): Services => ({ ...services, db: db(c) }) : () => services as Services;
  const limitSentBody = bodyLimit({
    maxSize: services.config.maxBodyBytes,
    onError: () => {
      throw new ApiError("payload_too_large", `request body exceeds ${services.config.maxBodyBytes} bytes (MAX_BODY_BYTES)`);
    },
  });
  // No route reads a GET's or HEAD's body, and asking Node's request for one builds a whole web Request.
  const limitBody: MiddlewareHandler<AppEnv> = (c, next) => (c.req.method === "GET" || c.req.method === "HEAD" ? next() : limitSentBody(c, next));

  const v1 = new Hono<AppEnv>()
    .use(authenticate)
    .use(inputGuard)
    .route("/", apiKeyRoutes)
    .route("/", pipelineRoutes)
    .route("/", pipelineEventRoutes)
    .route("/", documentRoutes)
    .route("/", dataProductRoutes)
    .route("/", reviewRoutes)
    .route("/", scheduleRoutes)
    .route("/", templateDraftRoutes)
    .route("/", templateRoutes)
    .route("/", evaluationRoutes)
    .route("/", webhookRoutes)
    .route("/", webhookEndpointRoutes);

  const app = new Hono<AppEnv>()
    .use(assignRequestId)
    .use(async (c, next) => {
      await next();
      // Every response, errors and downloads included: a browser never guesses a type we did not send.
      // Set on the response's own headers: `c.header` after the body exists rebuilds the response
      // around a stream, which on Node costs more than the rest of a read.
      setFinalHeader(c, "X-Content-Type-Options", "nosniff");
    })
    .use(accessLog(services.logger))
    .use(urlGuard)
    .use(async (c, next) => {
      c.set("services", servicesOf(c));
      await next();
    })
    .use("/v1/*", limitBody)
    .use("/internal/*", limitBody)
    .route("/", healthRoutes)
    .route("/", deliveryRoutes)
    .route("/", scheduleTickRoutes)
    .route("/", shareRoutes)
    .route("/", assetRoutes)
    .route("/", reviewConsoleRoutes)
    .route("/v1", v1);
  // Registered last and reading `app` lazily, so the document describes every route above.
  return app.route("/", docsRoutes(app)).onError(renderError).notFound(renderNotFound(() => app.routes));
}

export type App = ReturnType<typeof createApp>;

/** Sets a header on a finished response in place; a response with immutable headers (a fetch's) is rebuilt. */
function setFinalHeader(c: Context<AppEnv>, name: string, value: string) {
  try {
    c.res.headers.set(name, value);
  } catch {
    c.header(name, value);
  }
}
