/** Password hashing with Argon2id (OWASP-recommended parameters). */
import { hash, verify } from "@node-rs/argon2";

const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}

/** A readable generated password for the demo admin: 4 groups of 5 base32 characters. */
export function generatePassword(random: (n: number) => Buffer): string {
  const alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
  const bytes = random(20);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]);
  return [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join("")).join("-");
}
