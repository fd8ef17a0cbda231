/**
 * Route handlers see headers but not the socket, and Next only fills X-Forwarded-For when the
 * client sent none, so a client could name any address. At start-up the web server stamps each
 * request with its socket's address under a header of our own (overwriting a client's), before
 * Next reads it; lib/auth/client-address.ts decides from there what to believe.
 */
import http from "node:http";
import { PEER_ADDRESS_HEADER } from "@/lib/auth/client-address";

const installed = Symbol.for("vigil.peerAddress");

export function stampPeerAddresses(): void {
  const proto = http.Server.prototype as http.Server & { [installed]?: true };
  if (proto[installed]) return;
  proto[installed] = true;
  const emit = proto.emit;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const req = args[0] as http.IncomingMessage;
      req.headers[PEER_ADDRESS_HEADER] = req.socket?.remoteAddress ?? "";
    }
    return (emit as (this: http.Server, ...a: unknown[]) => boolean).call(this, event, ...args);
  } as typeof proto.emit;
}
