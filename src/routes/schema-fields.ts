import * as v from "valibot";

/**
 * Field schemas the routes share. `reply`
 * checks a body as it goes on the wire, so a timestamp is the ISO string a Date serializes to.
 */
export const Timestamp = v.pipe(v.string(), v.isoTimestamp());
export const Uuid = v.pipe(v.string(), v.uuid());
