import { itemColumnNames } from "../documents/extractors/items-schema";
import { Pattern } from "../documents/pattern";
import type { IssueDetail } from "../errors";
import type { Column, Extractor, FieldDefinition, ResolveOptions, Rule } from "./definition-schema";
import { TABLE_TYPE, type FieldType } from "./types";

/** Which resolve options mean something for which types (shared with scalar fields). */
export type OptionTypes = Partial<Record<keyof ResolveOptions, FieldType[]>>;

export interface CompiledColumn {
  name: string;
  type: FieldType;
  required: boolean;
  resolve: ResolveOptions;
  /** The heading people read (present only when given). */
  label?: string;
}

/** A column rule addresses `<table field>.<column>`; anything else names a whole field. */
export function splitColumnRef(ref: string): { field: string; column: string | null } {
  const dot = ref.indexOf(".");
  return dot < 0 ? { field: ref, column: null } : { field: ref.slice(0, dot), column: ref.slice(dot + 1) };
}

const namedGroups = (source: string) => Pattern.compile(source).groupNames;

/** `table` options that shape line items; a scalar field's `table` picks one cell and takes none of them. */
const ITEM_ONLY = ["header_lines", "end", "continuation", "fill_down", "section", "after", "before", "pages"] as const;

function checkItemExtractor(extractor: Extractor, columns: Set<string>, path: string, problems: IssueDetail[]) {
  const unknown = (name: string, at: string) => problems.push({ path: at, message: `'${name}' is not a column of this table` });
  if (extractor.type === "table") {
    if (!extractor.columns) {
      return problems.push({ path: `${path}.columns`, message: "a table field maps its columns: { <column>: <header or index> }" });
    }
    if (extractor.column !== undefined || extractor.row !== undefined) {
      problems.push({ path, message: "column and row pick one cell; a table field takes columns" });
    }
    for (const name of itemColumnNames(extractor.columns)) if (!columns.has(name)) unknown(name, `${path}.columns.${name}`);
    for (const name of [...(extractor.fill_down ?? []), ...(extractor.section ? [extractor.section] : [])]) {
      if (!columns.has(name)) unknown(name, `${path}.${extractor.section === name ? "section" : "fill_down"}`);
    }
  } else if (extractor.type === "rows") {
    const lines = Array.isArray(extractor.line) ? extractor.line : [extractor.line];
    lines.forEach((line, i) => {
      const at = Array.isArray(extractor.line) ? `${path}.line.${i}` : `${path}.line`;
      const groups = namedGroups(line);
      if (groups.length === 0) problems.push({ path: at, message: "name the columns with named groups, e.g. (?P<amount>[\\d.,]+)" });
      for (const name of groups) if (!columns.has(name)) unknown(name, at);
    });
    const continued = extractor.continuation ? namedGroups(extractor.continuation) : [];
    for (const name of continued) if (!columns.has(name)) unknown(name, `${path}.continuation`);
  } else if (extractor.type === "json_pointer") {
    if (!extractor.columns) {
      return problems.push({ path: `${path}.columns`, message: "a table field maps its columns: { <column>: <key> }" });
    }
    for (const name of Object.keys(extractor.columns)) if (!columns.has(name)) unknown(name, `${path}.columns.${name}`);
  } else if (extractor.type !== "llm") {
    problems.push({ path: `${path}.type`, message: "a table field is extracted by table, rows, json_pointer or llm" });
  }
}

/** The checks a `table` field needs beyond the schema: columns, item extractors, column options. */
export function compileColumns(
  field: FieldDefinition, path: string, optionTypes: OptionTypes, problems: IssueDetail[],
): CompiledColumn[] | null {
  if (field.type !== TABLE_TYPE) {
    if (field.columns) problems.push({ path: `${path}.columns`, message: "only a field of type table has columns" });
    field.extract?.forEach((extractor, j) => {
      const at = `${path}.extract.${j}`;
      if (extractor.type === "rows") {
        problems.push({ path: `${at}.type`, message: "rows yields line items; use it on a field of type table" });
      }
      if (extractor.type === "table" && extractor.column === undefined) {
        problems.push({ path: `${at}.column`, message: "name the column that holds the value" });
      }
      if ((extractor.type === "table" || extractor.type === "json_pointer") && extractor.columns) {
        problems.push({ path: `${at}.columns`, message: "columns apply to a field of type table" });
      }
      if (extractor.type === "table") {
        for (const option of ITEM_ONLY) {
          if (extractor[option] !== undefined) problems.push({ path: `${at}.${option}`, message: `${option} applies to line items (a field of type table)` });
        }
      }
    });
    return null;
  }
  if (!field.columns) {
    problems.push({ path: `${path}.columns`, message: "a table field lists its columns: [{ name, type }]" });
    return null;
  }
  if (field.expression !== undefined) problems.push({ path: `${path}.expression`, message: "a table field is extracted, not derived" });
  const names = new Set<string>();
  const columns = field.columns.map((column: Column, c) => {
    if (names.has(column.name)) problems.push({ path: `${path}.columns.${c}.name`, message: `duplicate column '${column.name}'` });
    names.add(column.name);
    for (const [option, types] of Object.entries(optionTypes)) {
      if (column.resolve?.[option as keyof ResolveOptions] !== undefined && !types!.includes(column.type)) {
        const message = `applies to ${types!.join(", ")} columns, not ${column.type}`;
        problems.push({ path: `${path}.columns.${c}.resolve.${option}`, message });
      }
    }
    return {
      name: column.name, type: column.type, required: column.required ?? false, resolve: column.resolve ?? {},
      ...(column.label ? { label: column.label } : {}),
    };
  });
  field.extract?.forEach((extractor, j) => checkItemExtractor(extractor, names, `${path}.extract.${j}`, problems));
  return columns;
}

/** What a rule may say about a table field (`lines`) or one of its columns (`lines.amount`). */
export function checkItemRule(
  rule: Rule,
  table: { columns?: CompiledColumn[] } | undefined,
  column: string | null,
  path: string,
  problems: IssueDetail[],
): FieldType | null {
  if (rule.rule === "row_count") {
    if (!table?.columns || column !== null) problems.push({ path: `${path}.field`, message: "row_count applies to a table field" });
    if (rule.min !== undefined && rule.max !== undefined && rule.min > rule.max) problems.push({ path, message: "min is above max" });
    return null;
  }
  if (column === null) {
    if (table?.columns && !["required", "expression"].includes(rule.rule)) {
      problems.push({ path: `${path}.field`, message: `address a column (${rule.field}.<column>) for ${rule.rule}` });
    }
    return null;
  }
  const found = table?.columns?.find((c) => c.name === column);
  if (!found) problems.push({ path: `${path}.field`, message: `'${rule.field}' is not a column of a table field` });
  if (rule.rule === "unique") problems.push({ path: `${path}.rule`, message: "unique applies to whole fields" });
  return found?.type ?? null;
}
