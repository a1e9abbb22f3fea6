import * as v from "valibot";

/** Path ids are UUIDs; anything else is a 400 naming the parameter, before any query runs. */
export const IdParam = v.object({ id: v.pipe(v.string(), v.uuid("must be a UUID")) });
