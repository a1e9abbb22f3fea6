/**
 * Which addresses a server-side fetch must never reach: loopback, private, link-local (cloud
 * metadata lives at 169.254.169.254 and fd00:ec2::254), carrier-grade NAT, multicast,
 * documentation and reserved ranges, and every IPv6 form that carries an IPv4 address inside it
 * (mapped, compatible, NAT64, 6to4), judged by the IPv4 address it carries.
 */
const V4_BLOCKED: Array<[number, number]> = [
  [0x00000000, 8], [0x0a000000, 8], [0x64400000, 10], [0x7f000000, 8], [0xa9fe0000, 16], [0xac100000, 12],
  [0xc0000000, 24], [0xc0000200, 24], [0xc0a80000, 16], [0xc6120000, 15], [0xc6336400, 24], [0xcb007100, 24],
  [0xe0000000, 4], [0xf0000000, 4],
];

function v4ToInt(ip: string): number | null {
  const parts = ip.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

const inV4Range = (n: number, [base, bits]: [number, number]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(base / 2 ** (32 - bits));
const v4IntBlocked = (n: number) => V4_BLOCKED.some((range) => inV4Range(n, range));

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a dotted IPv4 tail converted), or null. */
function v6Groups(ip: string): number[] | null {
  let text = ip.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = v4ToInt(dotted[1]);
    if (n === null) return null;
    text = `${text.slice(0, -dotted[1].length)}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const split = (s: string) => (s === "" ? [] : s.split(":"));
  const head = split(halves[0]);
  const tail = halves.length === 2 ? split(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...Array<string>(missing).fill("0"), ...tail];
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => parseInt(g, 16));
}

function v6Blocked(ip: string): boolean {
  const g = v6Groups(ip.replace(/^\[|\]$/g, "").split("%")[0]);
  if (!g) return true;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  const tailV4 = g[6] * 65536 + g[7];
  if (zeros(0, 5) && g[5] === 0xffff) return v4IntBlocked(tailV4); // ::ffff:a.b.c.d (mapped)
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return v4IntBlocked(tailV4); // ::ffff:0:a.b.c.d (translated)
  if (zeros(0, 6)) return true; // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4IntBlocked(tailV4); // NAT64
  if (g[0] === 0x2002) return v4IntBlocked(g[1] * 65536 + g[2]); // 6to4
  return (
    (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) || // local-use NAT64
    (g[0] === 0x2001 && (g[1] === 0 || g[1] === 0xdb8)) || // Teredo, documentation
    (g[0] === 0x100 && zeros(1, 4)) || // discard
    (g[0] & 0xfe00) === 0xfc00 || // unique local
    (g[0] & 0xffc0) === 0xfe80 || // link-local
    (g[0] & 0xffc0) === 0xfec0 || // site-local (deprecated)
    (g[0] & 0xff00) === 0xff00 // multicast
  );
}

export const isIpLiteral = (host: string) => v4ToInt(host) !== null || host.includes(":");

/** True for an address a fetch must not reach; anything unparsable counts as blocked. */
export function isBlockedAddress(ip: string): boolean {
  if (ip.includes(":")) return v6Blocked(ip);
  const n = v4ToInt(ip);
  return n === null || v4IntBlocked(n);
}
