import "server-only";
import { AppError } from "@/lib/server/api/errors";
import { getSource } from "@/lib/server/queries/sources";

/** The source, or null when there is none (the page answers 404). */
export async function findSource(id: string) {
  try {
    return await getSource(id);
  } catch (e) {
    if (e instanceof AppError && e.code === "not_found") return null;
    throw e;
  }
}
