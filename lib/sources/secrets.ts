/**
 * Passwords in source configs: every kind's secret is the password of a URL it connects to (an
 * HTTP poll's or Prometheus' basic auth, an MQTT, NATS or AMQP broker's credentials). They are
 * stored as given and used by the worker, but never shown: the API, the pages and the audit log
 * see the URL with its password as `***`. A config sent back with a masked URL unchanged keeps the
 * stored password; a masked URL that differs from the stored one in anything else is refused, so a
 * stored password is never sent to a host or user it was not given for.
 */
export const MASK = "***";

/** The config fields that hold URLs, per kind alike. */
export const URL_FIELDS = ["url", "baseUrl", "brokerUrl", "servers"] as const;

// scheme://user:password@ (the userinfo of an absolute URL, up to the first "@" before any "/").
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*:)([^/?#@]*)(@)/i;

/** The URL with its password replaced by `***` (unchanged when it has none). */
export function maskUrl(url: string): string {
  return url.replace(USERINFO, (_, head: string, password: string, at: string) => (password ? `${head}${MASK}${at}` : `${head}${at}`));
}

const isMasked = (url: string) => USERINFO.exec(url)?.[2] === MASK;

type Config = Record<string, unknown>;
const asConfig = (c: unknown): Config | null => (c && typeof c === "object" && !Array.isArray(c) ? (c as Config) : null);

/** A copy of a source config with the password of every URL field masked. */
export function maskSourceConfig<T>(config: T): T {
  const c = asConfig(config);
  if (!c) return config;
  const out: Config = { ...c };
  for (const f of URL_FIELDS) if (typeof out[f] === "string") out[f] = maskUrl(out[f] as string);
  return out as T;
}

export interface MaskedSecretIssue {
  path: string;
  message: string;
}

/**
 * `incoming` with each masked URL put back to the stored one, when it is the stored URL as shown
 * (nothing but the password hidden). A masked URL that is not (another host, user, path...) is an
 * issue: the password has to be typed again.
 */
export function keepStoredSecrets(incoming: unknown, stored: unknown): { config: unknown; issues: MaskedSecretIssue[] } {
  const c = asConfig(incoming);
  if (!c) return { config: incoming, issues: [] };
  const before = asConfig(stored) ?? {};
  const out: Config = { ...c };
  const issues: MaskedSecretIssue[] = [];
  for (const f of URL_FIELDS) {
    const url = out[f];
    if (typeof url !== "string" || !isMasked(url)) continue;
    const was = before[f];
    if (typeof was === "string" && maskUrl(was) === url) out[f] = was;
    else issues.push({ path: `config.${f}`, message: `the password is hidden (${MASK}): type it again to change this URL` });
  }
  return { config: out, issues };
}
