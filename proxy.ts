/**
 * Every page request: run-time security headers (a nonce-based CSP, HSTS from the running
 * configuration: lib/server/page-headers.ts); a 503 instead of an error page when the database
 * is down on the public pages; without a session, a redirect to sign-in. API routes are not
 * matched: withAuth answers 401/403 and sets their headers itself.
 */
import { NextResponse, type NextRequest } from "next/server";
import { getToken } from "next-auth/jwt";
import { getAuthSecret } from "@/lib/server/secrets";
import { contentSecurityPolicy, newNonce, setPageHeaders } from "@/lib/server/page-headers";
import { hasAnyUser, isDatabaseUnavailable, unavailablePage } from "@/lib/server/unavailable";

const PUBLIC_PAGES = ["/signin", "/setup", "/unavailable"];

export async function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce);
  // Next reads the nonce from the request's CSP header and puts it on the scripts it renders.
  const requestHeaders = new Headers(req.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", csp);
  requestHeaders.set("x-vigil-path", pathname + search);
  const done = (res: Response) => {
    setPageHeaders(res.headers, csp);
    return res;
  };
  const pass = () => done(NextResponse.next({ request: { headers: requestHeaders } }));

  if (pathname === "/signin" || pathname === "/setup") {
    try {
      const anyUser = await hasAnyUser();
      if (pathname === "/signin" && !anyUser) return done(NextResponse.redirect(new URL("/setup", req.url)));
    } catch (e) {
      if (isDatabaseUnavailable(e)) return done(unavailablePage(pathname + search));
      throw e;
    }
    return pass();
  }
  if (PUBLIC_PAGES.some((p) => pathname === p || pathname.startsWith(`${p}/`))) return pass();
  const token = await getToken({ req, secret: getAuthSecret() });
  if (token?.sub && token.sid) return pass();
  const url = req.nextUrl.clone();
  url.pathname = "/signin";
  url.search = `?callbackUrl=${encodeURIComponent(pathname + search)}`;
  return done(NextResponse.redirect(url));
}

export const config = {
  matcher: ["/((?!api/|_next/|favicon.ico|robots.txt).*)"],
};
