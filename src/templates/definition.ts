import { findTemplate, findTemplateVersion } from "../db/queries/templates";
import { badRequest, notFound } from "../errors";
import type { Services } from "../http/env";
import type { DefinitionInput } from "../pipeline/definition";

export interface PinnedDefinition {
  templateId: string;
  /** 0 is the draft. */
  version: number;
  definition: DefinitionInput;
}

/**
 * Which definition a run of a template follows: `version` n (published), 0 (the draft), or when
 * omitted the latest published version — the draft when none was ever published.
 */
export async function templateDefinition(services: Services, organizationId: string, templateId: string, version?: number): Promise<PinnedDefinition> {
  const template = await findTemplate(services.db, organizationId, templateId);
  if (!template) throw notFound("template");
  const wanted = version ?? template.latest_version;
  if (wanted === 0) return { templateId, version: 0, definition: template.draft as DefinitionInput };
  const pinned = await findTemplateVersion(services.db, organizationId, templateId, wanted);
  if (!pinned) throw badRequest(`template has no version ${wanted}`, [{ path: "version", message: `published versions are 1 to ${template.latest_version}` }]);
  return { templateId, version: wanted, definition: pinned.definition as DefinitionInput };
}
