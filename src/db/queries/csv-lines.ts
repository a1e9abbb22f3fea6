import { sql, type RawBuilder } from "kysely";
import { CURRENCY_MINOR_UNITS } from "../../documents/normalize/currency-codes";

/**
 * CSV lines made by Postgres: holdback, number formatting, the formula guard and RFC 4180 quoting
 * happen in the query, so an export slice reaches the process as one text to stream as it is.
 * Plain SQL (no functions in the schema), the same on Postgres and PGlite. A query reads in three
 * steps: each field's cell out of the row (`cellsOf`), the pieces of each cell a line uses
 * (`piecesOf`), then the line (`csvLine`); each step is fenced (`offset 0`) so a piece is taken
 * out once per row, however often the line uses it.
 */

/**
 * What one CSV column shows of a cell: its value (`text` when the field's type makes it a string,
 * which saves asking its JSON type), a table's item count, money's amount or code, or the cell's status.
 */
export type CsvPart = "value" | "text" | "count" | "amount" | "currency" | "status";

export interface CsvColumn {
  name: string;
  /** The field (or item column) whose cell the column shows. */
  source: string;
  part: CsvPart;
}

type Sql = RawBuilder<unknown>;

/** A cell withheld from consumers; must match `withholds` in pipeline/holdback.ts (the CSV fixture tests cover both). */
export const heldCell = (cell: Sql) => sql<boolean>`(${cell}->>'status' in ('needs_review', 'failed')
  and (${cell}->>'status' = 'needs_review' or ${cell}->'reason'->>'code' = 'rejected_by_review'))`;

// Text a spreadsheet would run as a formula (OWASP "CSV injection": = + - @ tab CR), unless it is a plain number.
const FORMULA_START = sql.raw("(61, 43, 45, 64, 9, 13)");
const PLAIN_NUMBER = sql.lit(String.raw`^-?[0-9]+([.][0-9]+)?([eE][+-]?[0-9]+)?$`);
// jsonb prints `{"a": 1, "b": 2}`; an export has always written compact JSON. Strings are matched whole so their text stays.
const JSON_SPACING = sql.lit(String.raw`("(?:[^"\\]|\\.)*")|([,:]) `);

// strpos rather than a regex: Postgres decodes a string to wide characters for every regex match.
const quoted = (text: Sql) => sql`case when strpos(${text}, '"') > 0 then '"' || replace(${text}, '"', '""') || '"'
  when strpos(${text}, ',') > 0 or strpos(${text}, chr(10)) > 0 or strpos(${text}, chr(13)) > 0 then '"' || ${text} || '"' else ${text} end`;

/** A text cell: quoted as needed, and neutralised with a leading `'` when a spreadsheet would run it. */
const textField = (text: Sql) => sql`case when ascii(${text}) in ${FORMULA_START} and ${text} !~ ${PLAIN_NUMBER}
  then ${quoted(sql`('''' || ${text})`)} else ${quoted(text)} end`;

/**
 * A JSON number without float noise (143.39499999999998 → 143.395): at most 12 significant digits,
 * never rounding the integer part, trailing zeros trimmed. A short number (the common case) has no
 * noise to remove and is written as stored.
 */
const numberField = (text: Sql) => sql`case when octet_length(${text}) <= 12 then ${text}
  else trim_scale(round((${text})::numeric, greatest(0, 11 - floor(log(abs(nullif((${text})::float8, 0)))))::int))::text end`;

const codes = (list: readonly string[]) => sql.raw(`(${list.map((code) => `'${code}'`).join(", ")})`);
const minorUnits = (code: Sql) => sql`case when ${code} in ${codes(CURRENCY_MINOR_UNITS[0])} then 0
  when ${code} in ${codes(CURRENCY_MINOR_UNITS[3])} then 3 else 2 end`;

const sourcesOf = (columns: CsvColumn[]) => [...new Set(columns.map((c) => c.source))];
/** The alias of one piece of the i-th source's cell. */
const piece = (name: string, i: number) => sql.id(`${name}${i}`);

/** Step 1: each source's cell as `c<i>`, from the cell `cellOf` gives. */
export const cellsOf = (columns: CsvColumn[], cellOf: (source: string) => Sql) =>
  sql.join(sourcesOf(columns).map((source, i) => sql`${cellOf(source)} as ${piece("c", i)}`));

/** The table a line item belongs to: while its cell is withheld, so is every item cell, with the table's status. */
export interface Enclosing {
  held: Sql;
  status: Sql;
}

/**
 * Step 2: the pieces of each `c<i>` its columns use: whether it is withheld (`h`), its status (`s`),
 * its value's JSON type and text (`k`, `t`), money's amount and code (`a`, `y`), a table's item count (`n`).
 */
export function piecesOf(columns: CsvColumn[], table?: Enclosing): Sql {
  return sql.join(sourcesOf(columns).flatMap((source, i) => {
    const parts = new Set(columns.filter((c) => c.source === source).map((c) => c.part));
    const cell = piece("c", i);
    const pieces = [sql`${table ? sql`(${table.held} or ${heldCell(cell)})` : heldCell(cell)} as ${piece("h", i)}`];
    if (parts.has("status")) {
      const status = table ? sql`case when ${table.held} then ${table.status} else ${cell}->>'status' end` : sql`${cell}->>'status'`;
      pieces.push(sql`${status} as ${piece("s", i)}`);
    }
    if (parts.has("value")) pieces.push(sql`jsonb_typeof(${cell}->'value') as ${piece("k", i)}`);
    if (parts.has("value") || parts.has("text")) pieces.push(sql`${cell}->>'value' as ${piece("t", i)}`);
    if (parts.has("amount") || parts.has("currency")) {
      pieces.push(sql`case when jsonb_typeof(${cell}->'value'->'amount') = 'number' then ${cell}->'value'->>'amount' end as ${piece("a", i)}`,
        sql`case when jsonb_typeof(${cell}->'value'->'currency') = 'string' then ${cell}->'value'->>'currency' end as ${piece("y", i)}`);
    }
    if (parts.has("count")) {
      pieces.push(sql`case when jsonb_typeof(${cell}->'value') = 'array' then jsonb_array_length(${cell}->'value') end as ${piece("n", i)}`);
    }
    return [sql`${cell}`, ...pieces];
  }));
}

/** A released value: numbers and booleans as written, text guarded and quoted, structures as compact JSON. */
const valueField = (i: number) => {
  const text = piece("t", i);
  return sql`case ${piece("k", i)} when 'number' then ${numberField(text)} when 'string' then ${textField(text)}
    when 'boolean' then ${text} when 'null' then ''
    else ${textField(sql`regexp_replace((${piece("c", i)}->'value')::text, ${JSON_SPACING}, '\\1\\2', 'g')`)} end`;
};

const released: Record<Exclude<CsvPart, "status">, (i: number) => Sql> = {
  value: valueField,
  text: (i) => textField(piece("t", i)),
  // Money: the amount rounded to its currency's minor units, the code in a column of its own.
  amount: (i) => sql`round((${piece("a", i)})::numeric, ${minorUnits(piece("y", i))})::text`,
  currency: (i) => textField(piece("y", i)),
  count: (i) => sql`${piece("n", i)}::text`,
};

const MAX_ARGUMENTS = 90;

function field(column: CsvColumn, i: number): Sql {
  if (column.part === "status") return piece("s", i);
  return sql`case when ${piece("h", i)} then '' else ${released[column.part](i)} end`;
}

/**
 * Step 3: one CSV line (ending CRLF) of `leading` (already safe text, e.g. ids) and the columns, read
 * from the pieces of step 2; a missing cell is an empty field.
 */
export function csvLine(columns: CsvColumn[], leading: Sql[] = []): Sql {
  const sources = sourcesOf(columns);
  const fields = [...leading, ...columns.map((c) => sql`coalesce(${field(c, sources.indexOf(c.source))}, '')`)];
  // One concat_ws builds the line in one buffer (a chain of || copies it once per field); it takes at most 100 arguments.
  const groups = [];
  for (let at = 0; at < fields.length; at += MAX_ARGUMENTS) groups.push(sql`concat_ws(',', ${sql.join(fields.slice(at, at + MAX_ARGUMENTS))})`);
  return sql`concat(${sql.join(groups, sql`, ',', `)}, chr(13), chr(10))`;
}
