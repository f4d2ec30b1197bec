"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** A main-navigation link that marks the current section (aria-current) for everyone, not just by colour. */
export function NavLink({ href, children }: { href: string; children: React.ReactNode }) {
  const pathname = usePathname();
  const current =
    href === "/"
      ? pathname === "/" ||
        pathname.startsWith("/courses") ||
        pathname.startsWith("/sessions") ||
        pathname.startsWith("/students")
      : pathname.startsWith(href);
  return (
    <Link
      href={href}
      aria-current={current ? "page" : undefined}
      className="rounded-md px-2 py-1 text-sm text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-blue-50 aria-[current=page]:font-semibold aria-[current=page]:text-blue-900"
    >
      {children}
    </Link>
  );
}
