/** Resolves a host name to its addresses, so URL fetches can refuse private destinations first. */
export interface HostResolver {
  resolve(hostname: string): Promise<string[]>;
}
