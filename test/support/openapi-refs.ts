/**
 * A view of an OpenAPI document in which every `$ref` reads as the schema it names, resolved on access
 * (recursive schemas stay finite), so tests can walk `properties.x.items.properties` through components.
 */
export function resolvedDocument<T extends object>(doc: T): T {
  const lookup = (ref: string): unknown => ref.replace(/^#\//, "").split("/").reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], doc);
  const view = (node: unknown): unknown => {
    if (node === null || typeof node !== "object") return node;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === "string") return view(lookup(ref));
    return new Proxy(node, { get: (target, key) => view(Reflect.get(target, key)) });
  };
  return view(doc) as T;
}
