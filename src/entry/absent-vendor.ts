/**
 * hono-openapi converts schemas of several validation libraries and imports each lazily. We use
 * valibot only, so the Worker bundle aliases the others here (wrangler.toml [alias]) instead of
 * leaving imports that workerd cannot resolve.
 */
export {};
