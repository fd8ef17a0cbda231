"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { NAV_ITEMS } from "@/components/nav-items";
import { can, ROLE_LABELS, type RoleName } from "@/lib/auth/permissions";

export function Nav({ email, role }: { email: string; role: RoleName }) {
  const pathname = usePathname();
  const active = (href: string) => (href === "/" ? pathname === "/" : pathname.startsWith(href));
  return (
    <header className="topbar">
      <Link href="/" className="brand">Vigil</Link>
      <nav aria-label="Main">
        {NAV_ITEMS.filter((i) => can(role, i.permission)).map((i) => (
          <Link key={i.href} href={i.href} className={active(i.href) ? "active" : undefined} aria-current={active(i.href) ? "page" : undefined}>
            {i.label}
          </Link>
        ))}
      </nav>
      <div className="who">
        <span title={email}>{email}</span>
        <span className="badge">{ROLE_LABELS[role]}</span>
        <Link href="/account/tokens" aria-current={active("/account/tokens") ? "page" : undefined}>API tokens</Link>
        <button type="button" className="link" onClick={() => signOut({ callbackUrl: "/signin" })}>Sign out</button>
      </div>
    </header>
  );
}
