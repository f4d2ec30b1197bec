import Link from "next/link";
import { requireUser } from "@/lib/access";
import { SignOutButton } from "@/components/sign-out-button";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <nav aria-label="Main" className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <Link href="/" className="text-lg font-semibold text-blue-800">
            Rollcall
          </Link>
          <Link href="/" className="text-sm text-slate-700 hover:underline">
            Courses
          </Link>
          {user.role === "admin" ? (
            <>
              <Link href="/admin/users" className="text-sm text-slate-700 hover:underline">
                Users
              </Link>
              <Link href="/admin/tokens" className="text-sm text-slate-700 hover:underline">
                API tokens
              </Link>
              <Link href="/admin/deliveries" className="text-sm text-slate-700 hover:underline">
                Webhook log
              </Link>
            </>
          ) : null}
          <span className="ml-auto text-sm text-slate-600">
            {user.name} <span className="text-slate-500">({user.role})</span>
          </span>
          <SignOutButton />
        </nav>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </div>
  );
}
