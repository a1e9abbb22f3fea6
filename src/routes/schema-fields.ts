import * as v from "valibot";
import { named } from "../named-schema";
import { CELL_STATUSES } from "../pipeline/types";

/**
 * Field schemas the routes share. `reply`
 * checks a body as it goes on the wire, so a timestamp is the ISO string a Date serializes to.
 */
export const Timestamp = v.pipe(v.string(), v.isoTimestamp());
export const Uuid = v.pipe(v.string(), v.uuid());

/** A cell's state, one enum wherever a cell appears (records, rows, phase outputs, review items). */
export const CellStatus = named("CellStatus", v.pipe(
  v.picklist(CELL_STATUSES),
  v.description("completed: a value is released; needs_review: held for a reviewer; no_result: nothing found; failed: "
    + "an error; pending, queued, processing: not yet decided"),
));
