/** Reported by /healthz and the OpenAPI document; bump with package.json. */
export const VERSION = "0.1.0";
