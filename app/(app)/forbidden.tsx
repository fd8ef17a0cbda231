import { Forbidden } from "@/components/forbidden";

/** Rendered, with HTTP 403, when a page calls forbidden() (lib/auth/page-guard.ts). */
export default function ForbiddenPage() {
  return <Forbidden />;
}
