import { findTemplate, findTemplateVersion, insertTemplateVersion, lockTemplate } from "../db/queries/templates";
import { badRequest, notFound, type IssueDetail } from "../errors";
import type { Services } from "../http/env";
import { compileDefinition, definitionProblems, type CompiledPipeline, type DefinitionInput } from "../pipeline/definition";
import { contextReferenceProblems, type ContextVar } from "./context-vars";

/** What a template stores: the run definition plus the context variables its runs take. */
export type TemplateDefinition = DefinitionInput & { context_vars?: ContextVar[] };

/** Every problem of a template's definition: the definition's own and its reads of undeclared context. */
export function templateProblems(definition: TemplateDefinition): IssueDetail[] {
  return [...definitionProblems(definition), ...contextReferenceProblems(definition)];
}

/** Compiles a template's definition, or refuses it with all its problems in one answer. */
export function compileTemplate(definition: TemplateDefinition): CompiledPipeline {
  const problems = templateProblems(definition);
  if (problems.length > 0) throw badRequest("invalid template definition", problems);
  return compileDefinition(definition);
}

export interface PinnedDefinition {
  templateId: string;
  /** 0 is the draft. */
  version: number;
  definition: TemplateDefinition;
  /** The snapshot frozen at publish; absent for the draft, which is compiled as it is now. */
  compiled?: CompiledPipeline;
}

/**
 * Which definition a run of a template follows: `version` n (published), 0 (the draft), or when
 * omitted the latest published version — the draft when none was ever published.
 */
export async function templateDefinition(services: Services, organizationId: string, templateId: string, version?: number): Promise<PinnedDefinition> {
  const template = await findTemplate(services.db, organizationId, templateId);
  if (!template) throw notFound("template");
  const wanted = version ?? template.latest_version;
  if (wanted === 0) return { templateId, version: 0, definition: template.draft as TemplateDefinition };
  const pinned = await findTemplateVersion(services.db, organizationId, templateId, wanted);
  if (!pinned) throw badRequest(`template has no version ${wanted}`, [{ path: "version", message: `published versions are 1 to ${template.latest_version}` }]);
  const definition = pinned.definition as TemplateDefinition;
  return { templateId, version: wanted, definition, compiled: (pinned.compiled as CompiledPipeline | null) ?? compileDefinition(definition) };
}

/**
 * Freezes the draft as the next version with its compiled snapshot. The row lock numbers
 * concurrent publishes 1, 2, … and keeps an edit from slipping in between compile and insert.
 */
export async function publishTemplate(services: Services, organizationId: string, templateId: string, keyId: string) {
  return services.db.transaction().execute(async (trx) => {
    const template = await lockTemplate(trx, organizationId, templateId);
    if (!template) throw notFound("template");
    const definition = template.draft as DefinitionInput;
    return insertTemplateVersion(trx, {
      templateId, version: template.latest_version + 1, name: template.name, description: template.description,
      definition, compiled: compileDefinition(definition), publishedBy: keyId,
    });
  });
}
