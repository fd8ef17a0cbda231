/**
 * The address a sign-in attempt comes from, for its rate limits. `X-Forwarded-For` is believed
 * only hop by hop from proxies listed in VIGIL_TRUSTED_PROXIES: walking the chain from the socket
 * back, the first address that is not a trusted proxy is the client. Unset, the header is ignored.
 * The socket's address reaches route handlers in PEER_ADDRESS_HEADER, which the server sets on
 * every request (lib/server/peer-address.ts), overwriting anything a client sent under that name.
 */
import { BlockList, isIP } from "node:net";

export const PEER_ADDRESS_HEADER = "x-vigil-peer-address";

function normalize(address: string): string {
  const a = address.trim().replace(/^\[|\]$/g, "");
  return a.startsWith("::ffff:") && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

export function trustedProxyList(entries: string[]): BlockList {
  const list = new BlockList();
  for (const e of entries) {
    const [address, bits] = e.split("/");
    const type = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) list.addAddress(normalize(address), type);
    else list.addSubnet(normalize(address), Number(bits), type);
  }
  return list;
}

function isTrusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 6 ? "ipv6" : "ipv4");
}

type HeaderBag = Record<string, unknown> | Headers | undefined;

function header(headers: HeaderBag, name: string): string | undefined {
  if (!headers) return undefined;
  const v = headers instanceof Headers ? headers.get(name) : headers[name];
  return typeof v === "string" ? v : Array.isArray(v) ? v.join(",") : undefined;
}

export function clientAddress(headers: HeaderBag, trusted: BlockList): string {
  const peer = header(headers, PEER_ADDRESS_HEADER);
  if (!peer) return "unknown";
  let client = normalize(peer);
  const hops = (header(headers, "x-forwarded-for") ?? "").split(",").map(normalize).filter(Boolean);
  while (isTrusted(trusted, client) && hops.length) client = hops.pop()!;
  return client;
}
