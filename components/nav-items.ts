import type { Permission } from "@/lib/auth/permissions";

export const NAV_ITEMS: { href: string; label: string; permission: Permission }[] = [
  { href: "/", label: "Overview", permission: "overview:read" },
  { href: "/sources", label: "Sources", permission: "sources:read" },
  { href: "/detectors", label: "Detectors", permission: "detectors:read" },
  { href: "/anomalies", label: "Anomalies", permission: "anomalies:read" },
  { href: "/alerts", label: "Alerts", permission: "alerts:read" },
  { href: "/api-docs", label: "API", permission: "overview:read" },
  { href: "/admin", label: "Admin", permission: "users:manage" },
];
