"use client";
import { useContext } from "react";
import { can, type Permission } from "@/lib/auth/permissions";
import { RoleContext } from "@/components/providers";

/** The UI side of the permission table: hide what the server would refuse anyway. */
export function useCan(permission: Permission): boolean {
  return can(useContext(RoleContext), permission);
}
