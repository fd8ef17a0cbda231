/** Changing the assignee needs its own permission on top of triage; the table decides who has it. */
import { can, type RoleName } from "@/lib/auth/permissions";
import { AppError } from "@/lib/server/api/errors";

export function assertMayChange(role: RoleName, change: { assigneeId?: string | null }): void {
  if (change.assigneeId !== undefined && !can(role, "anomalies:assign")) throw new AppError("forbidden", "Your role may not anomalies:assign");
}
