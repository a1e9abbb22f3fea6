import { Pattern } from "../documents/pattern";
import { closest } from "../http/issue-wording";
import type { SplitSpec } from "../documents/split";
import { ApiError, badRequest, type IssueDetail } from "../errors";
import type { Aggregate, PreprocessStep } from "../documents/extractors/options";
import type { Extractor, FieldDefinition, Gate, OcrSettings, PhaseDefinition, ResolveOptions, Rule } from "./definition-schema";
import { parseExpression } from "./expressions";
import { checkItemRule, compileColumns, splitColumnRef, type CompiledColumn, type OptionTypes } from "./items-definition";
import type { Cells, FieldKind, FieldType, PhaseType } from "./types";

export * from "./definition-schema";

export interface CompiledField {
  name: string;
  type: FieldKind;
  required: boolean;
  /** The heading people read (present only when given; pages default to the name humanised). */
  label?: string;
  /** The columns of a line-item (`table`) field; absent for scalar fields (and in snapshots older than items). */
  columns?: CompiledColumn[];
  description: string | null;
  extract: Extractor[];
  resolve: ResolveOptions;
  /** Set for a derived field, computed by resolution from the other fields. */
  expression: string | null;
  /** The split part types the field applies to (present only when given). */
  types?: string[];
  /** Steps applied to the text each of the field's text extractors searches (present only when given). */
  preprocess?: PreprocessStep[];
  /** How many matches become one value (present only when given, or `list` for an extractor with `all`). */
  aggregate?: Aggregate;
  separator?: string;
}

export type CompiledPhase =
  | { index: number; type: "extraction" | "resolution" }
  | { index: number; type: "transfer"; split?: SplitSpec; ocr?: OcrSettings }
  | { index: number; type: "validation"; gates: Gate[] };

/** The immutable snapshot a run pins: what every phase of every document follows. */
export interface CompiledPipeline {
  version: 1;
  fields: CompiledField[];
  phases: CompiledPhase[];
}

export interface DefinitionInput {
  fields: FieldDefinition[];
  phases: PhaseDefinition[];
}

/** Which resolve options mean something for which field types; others are a mistake worth a 400. */
const OPTION_TYPES: OptionTypes = {
  day_first: ["date"],
  keep_spacing: ["string"],
  formats: ["date"],
  languages: ["date"],
  decimal: ["number", "integer", "currency"],
  currency: ["currency"],
  values: ["enum"],
  synonyms: ["enum"],
  true_values: ["boolean"],
  false_values: ["boolean"],
};


/** Compiles a user pattern on RE2 as it will run; its reason is the 400's message when RE2 cannot take it. */
function checkPattern(pattern: string, flags: string | undefined, path: string, problems: IssueDetail[]): Pattern | undefined {
  const reason = Pattern.check(pattern, flags);
  if (reason) return void problems.push({ path, message: reason });
  return Pattern.compile(pattern, flags);
}

/** "did you mean" for a field name that is a slip of one the definition has. */
const meant = (name: string, known: Iterable<string>) => {
  const word = closest(name, [...known]);
  return word ? `; did you mean '${word}'?` : "";
};

function checkExpression(source: string, known: Set<string>, path: string, problems: IssueDetail[]) {
  const parsed = parseExpression(source);
  if (!parsed.ok) return problems.push({ path, message: `is not a valid expression: ${parsed.message}` });
  for (const name of parsed.references) if (!known.has(name)) problems.push({ path, message: `refers to unknown field '${name}'${meant(name, known)}` });
}

function checkExtractor(extractor: Extractor, path: string, problems: IssueDetail[]) {
  if (extractor.type !== "regex") return;
  const pattern = checkPattern(extractor.pattern, extractor.flags, `${path}.pattern`, problems);
  if (!pattern) return;
  const { group } = extractor;
  if (typeof group === "number" && group > pattern.groupCount) {
    problems.push({ path: `${path}.group`, message: `the pattern has no group ${group}` });
  }
  if (typeof group === "string" && !pattern.groupNames.includes(group)) {
    problems.push({ path: `${path}.group`, message: `the pattern has no group named '${group}'` });
  }
}

/** Which field types an aggregate can produce a value of; absent means every type. */
const AGGREGATE_TYPES: Partial<Record<Aggregate, FieldType[]>> = {
  sum: ["number", "integer", "currency"],
  min: ["number", "integer", "currency", "date"],
  max: ["number", "integer", "currency", "date"],
  join: ["string"],
};

/** The field's aggregate: as given, or `list` when an extractor takes `all` matches and none is given. */
function checkAggregate(field: FieldDefinition, path: string, problems: IssueDetail[]): Aggregate | undefined {
  const takesAll = field.extract?.some((e) => "all" in e && e.all) ?? false;
  if (field.expression !== undefined && (field.aggregate || field.preprocess)) {
    problems.push({ path: `${path}.${field.aggregate ? "aggregate" : "preprocess"}`, message: "applies to extracted fields, not derived ones" });
  }
  const types = field.aggregate && AGGREGATE_TYPES[field.aggregate];
  if (types && !types.includes(field.type as FieldType)) {
    problems.push({ path: `${path}.aggregate`, message: `${field.aggregate} applies to ${types.join(", ")} fields, not ${field.type}` });
  }
  if (field.separator !== undefined && field.aggregate !== "join") problems.push({ path: `${path}.separator`, message: "applies only with aggregate: join" });
  return field.aggregate ?? (takesAll ? "list" : undefined);
}

function compileFields(fields: FieldDefinition[], problems: IssueDetail[]): CompiledField[] {
  const seen = new Set<string>();
  const defined = new Set(fields.map((f) => f.name));
  return fields.map((field, i) => {
    const path = `fields.${i}`;
    if (seen.has(field.name)) problems.push({ path: `${path}.name`, message: `duplicate field name '${field.name}'` });
    seen.add(field.name);
    if ((field.extract === undefined) === (field.expression === undefined)) {
      problems.push({ path, message: "give either extract (where to find the value) or expression (how to derive it)" });
    }
    field.extract?.forEach((extractor, j) => checkExtractor(extractor, `${path}.extract.${j}`, problems));
    for (const [option, types] of Object.entries(OPTION_TYPES)) {
      if (field.resolve?.[option as keyof ResolveOptions] !== undefined && !types!.includes(field.type as FieldType)) {
        problems.push({ path: `${path}.resolve.${option}`, message: `applies to ${types!.join(", ")} fields, not ${field.type}` });
      }
    }
    if (field.expression !== undefined) {
      // A derived field reads the fields resolved before it: extracted ones and derived ones defined earlier.
      const readable = new Set([...defined].filter((name) => name !== field.name && !fields.slice(i).some((f) => f.name === name && f.expression)));
      checkExpression(field.expression, readable, `${path}.expression`, problems);
    }
    const columns = compileColumns(field, path, OPTION_TYPES, problems);
    const aggregate = checkAggregate(field, path, problems);
    return {
      name: field.name, type: field.type, required: field.required ?? false, ...(columns ? { columns } : {}), description: field.description ?? null,
      extract: field.extract ?? [], resolve: field.resolve ?? {}, expression: field.expression ?? null,
      ...(field.preprocess ? { preprocess: field.preprocess } : {}),
      ...(aggregate ? { aggregate } : {}),
      ...(field.separator !== undefined ? { separator: field.separator } : {}),
      ...(field.types ? { types: field.types } : {}),
      ...(field.label ? { label: field.label } : {}),
    };
  });
}

const NUMERIC: FieldType[] = ["number", "integer", "currency"];

function checkRule(rule: Rule, fields: Map<string, CompiledField>, path: string, problems: IssueDetail[]) {
  const ref = splitColumnRef(rule.field);
  const field = fields.get(ref.field);
  if (!field) return problems.push({ path: `${path}.field`, message: `unknown field '${ref.field}'${meant(ref.field, fields.keys())}` });
  const columnType = checkItemRule(rule, field, ref.column, path, problems);
  if (rule.rule === "pattern") checkPattern(rule.pattern, rule.flags, `${path}.pattern`, problems);
  if (rule.rule === "expression") checkExpression(rule.expression, new Set(fields.keys()), `${path}.expression`, problems);
  // checkItemRule has judged rules on a table field or on a column that is not there.
  if (columnType === null && (ref.column !== null || field.columns)) return;
  const type = columnType ?? field.type;
  if (rule.rule === "min" || rule.rule === "max") {
    const wants = type === "date" ? "string" : NUMERIC.includes(type as FieldType) ? "number" : null;
    if (!wants) problems.push({ path: `${path}.rule`, message: `${rule.rule} applies to number, integer, currency and date fields` });
    else if (typeof rule.value !== wants) {
      problems.push({
        path: `${path}.value`,
        message: wants === "string" ? "must be a date as YYYY-MM-DD" : "must be a number",
      });
    }
  }
  if (rule.rule === "date_between") {
    if (type !== "date") problems.push({ path: `${path}.field`, message: "date_between applies to date fields" });
    if (rule.from === undefined && rule.to === undefined) problems.push({ path, message: "give from, to or both" });
  }
}

function compilePhases(phases: PhaseDefinition[], fields: CompiledField[], problems: IssueDetail[]): CompiledPhase[] {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const gateIds = new Set<string>();
  let extracted = false;
  return phases.map((phase, index) => {
    const path = `phases.${index}`;
    if ((index === 0) !== (phase.type === "transfer")) {
      problems.push({ path: `${path}.type`, message: index === 0 ? "the first phase must be transfer" : "transfer runs once, as the first phase" });
    }
    if (phase.type === "extraction") extracted = true;
    if (phase.type === "resolution" && !extracted) problems.push({ path: `${path}.type`, message: "resolution needs an extraction phase before it" });
    if (phase.type === "transfer") {
      return { index, type: phase.type, ...(phase.split ? { split: phase.split } : {}), ...(phase.ocr ? { ocr: phase.ocr } : {}) };
    }
    if (phase.type !== "validation") return { index, type: phase.type };
    phase.gates.forEach((gate, g) => {
      if (gateIds.has(gate.id)) problems.push({ path: `${path}.gates.${g}.id`, message: `duplicate gate id '${gate.id}'` });
      gateIds.add(gate.id);
      gate.rules.forEach((rule, r) => checkRule(rule, byName, `${path}.gates.${g}.rules.${r}`, problems));
    });
    return { index, type: phase.type, gates: phase.gates };
  });
}

/** Checks everything a schema cannot (names, references, regexes, expressions, phase order) and pins the snapshot. */
export function compileDefinition(input: DefinitionInput, alsoWrong: IssueDetail[] = []): CompiledPipeline {
  const problems: IssueDetail[] = [];
  const fields = compileFields(input.fields, problems);
  const phases = compilePhases(input.phases, fields, problems);
  const types = new Set(phases.map((p) => p.type));
  if (fields.some((f) => f.extract.length > 0) && !types.has("extraction")) {
    problems.push({ path: "phases", message: "fields with extract need an extraction phase" });
  }
  const split = phases[0]?.type === "transfer" ? phases[0].split : undefined;
  const partTypes = new Set(split?.types.map((t) => t.name) ?? []);
  fields.forEach((f, i) => {
    f.types?.forEach((name, k) => {
      if (!partTypes.has(name)) problems.push({ path: `fields.${i}.types.${k}`, message: `no split type '${name}' (types need a split rule on the transfer phase)` });
    });
    if (f.expression && !types.has("resolution")) problems.push({ path: `fields.${i}.expression`, message: "derived fields need a resolution phase" });
  });
  if (problems.length > 0 || alsoWrong.length > 0) {
    throw badRequest(problems.length > 0 ? "invalid pipeline definition" : "invalid documents", [...problems, ...alsoWrong]);
  }
  return { version: 1, fields, phases };
}

/** The definition's problems as a list (none when it compiles), for answers that gather every problem. */
export function definitionProblems(input: DefinitionInput): IssueDetail[] {
  try {
    compileDefinition(input);
    return [];
  } catch (error) {
    if (error instanceof ApiError && Array.isArray(error.details)) return error.details as IssueDetail[];
    throw error;
  }
}

/** Index of the first phase of a type, or -1. */
export const phaseIndexOf = (pipeline: CompiledPipeline, type: PhaseType) => pipeline.phases.findIndex((p) => p.type === type);

/** Who is responsible for a field's value: its extractors (the waterfall, in order), or the expression deriving it. */
export const claimOf = (field: CompiledField) =>
  field.expression ? "resolution:expression" : field.extract.length > 0 ? `extraction:${field.extract.map((e) => e.type).join(",")}` : null;

/** Every field starts `pending`, so every record carries every field from the first read on. */
export function initialCells(pipeline: CompiledPipeline): Cells {
  return Object.fromEntries(
    pipeline.fields.map((f) => [f.name, { value: null, status: "pending", type: f.type, reason: null, claimed_by: claimOf(f), resolved_by: null, meta: {} }]),
  );
}
