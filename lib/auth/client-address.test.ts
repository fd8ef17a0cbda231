import { describe, expect, it } from "vitest";
import { clientAddress, PEER_ADDRESS_HEADER, trustedProxyList } from "@/lib/auth/client-address";

const headers = (peer: string | undefined, xff?: string) => ({ ...(peer ? { [PEER_ADDRESS_HEADER]: peer } : {}), ...(xff ? { "x-forwarded-for": xff } : {}) });

describe("clientAddress", () => {
  it("is the socket's address when no proxy is trusted, whatever X-Forwarded-For says", () => {
    const none = trustedProxyList([]);
    expect(clientAddress(headers("203.0.113.5", "1.1.1.1"), none)).toBe("203.0.113.5");
    expect(clientAddress(headers("::ffff:203.0.113.5"), none)).toBe("203.0.113.5");
    expect(clientAddress(headers(undefined, "1.1.1.1"), none)).toBe("unknown");
  });
  it("walks back through trusted proxies only, to the first address that is not one", () => {
    const trusted = trustedProxyList(["10.0.0.0/8", "fd00::/8"]);
    expect(clientAddress(headers("10.0.0.1", "198.51.100.7"), trusted)).toBe("198.51.100.7");
    expect(clientAddress(headers("10.0.0.1", "6.6.6.6, 198.51.100.7, 10.2.3.4"), trusted)).toBe("198.51.100.7");
    expect(clientAddress(headers("fd00::1", "2001:db8::9"), trusted)).toBe("2001:db8::9");
    expect(clientAddress(headers("198.51.100.8", "6.6.6.6"), trusted)).toBe("198.51.100.8");
    expect(clientAddress(headers("10.0.0.1", "10.0.0.2"), trusted)).toBe("10.0.0.2");
    expect(clientAddress(new Headers(headers("10.0.0.1", "198.51.100.7")), trusted)).toBe("198.51.100.7");
  });
});
