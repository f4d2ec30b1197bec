import Link from "next/link";
import { buttonClass } from "@/components/ui";

// A course, session or student that does not exist and one the user may not see look the same.
export default function DashboardNotFound() {
  return (
    <div className="mx-auto max-w-lg rounded-xl border border-slate-200 bg-white p-8 text-center shadow-sm">
      <p className="text-sm font-semibold text-blue-800">404</p>
      <h1 className="mt-1 text-2xl font-semibold">Not found</h1>
      <p className="mt-2 text-sm text-slate-700">There is nothing here, or it belongs to a course you do not teach.</p>
      <Link href="/" className={`${buttonClass.primary} mt-6`}>
        Go to your courses
      </Link>
    </div>
  );
}
