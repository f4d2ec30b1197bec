import Link from "next/link";
import { requireUser } from "@/lib/access";
import { NavLink } from "@/components/nav-link";
import { SignOutButton } from "@/components/sign-out-button";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only rounded-md bg-white px-3 py-2 text-sm font-medium text-blue-800 focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-10"
      >
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <nav aria-label="Main" className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
          <Link href="/" className="mr-2 text-lg font-semibold text-blue-800">
            Rollcall
          </Link>
          <NavLink href="/">Courses</NavLink>
          {user.role === "admin" ? (
            <>
              <NavLink href="/admin/users">Users</NavLink>
              <NavLink href="/admin/tokens">API tokens</NavLink>
              <NavLink href="/admin/meetings">Meetings</NavLink>
              <NavLink href="/admin/deliveries">Webhook log</NavLink>
              <NavLink href="/admin/mail">Caught mail</NavLink>
            </>
          ) : null}
          <span className="ml-auto text-sm text-slate-700">
            {user.name} <span className="text-slate-600">({user.role})</span>
          </span>
          <NavLink href="/account/password">Change password</NavLink>
          <SignOutButton />
        </nav>
      </header>
      <main id="main" className="mx-auto max-w-6xl px-4 py-6">
        {children}
      </main>
    </div>
  );
}
