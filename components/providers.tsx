"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { SessionProvider } from "next-auth/react";
import type { Session } from "next-auth";
import { createContext, useState, type ReactNode } from "react";
import type { RoleName } from "@/lib/auth/permissions";

export const RoleContext = createContext<RoleName | undefined>(undefined);

export function Providers({ session, children }: { session: Session | null; children: ReactNode }) {
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { staleTime: 10_000, retry: 1 } } }));
  return (
    <SessionProvider session={session}>
      <RoleContext.Provider value={session?.user.role}>
        <QueryClientProvider client={client}>{children}</QueryClientProvider>
      </RoleContext.Provider>
    </SessionProvider>
  );
}
