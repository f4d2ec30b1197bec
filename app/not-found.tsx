import Link from "next/link";

// Outside the dashboard (or for a signed-out visitor): no navigation, just a way back.
export default function NotFound() {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="max-w-md rounded-xl border border-slate-200 bg-white p-8 text-center shadow-sm">
        <p className="text-sm font-semibold text-blue-800">404</p>
        <h1 className="mt-1 text-2xl font-semibold">Page not found</h1>
        <p className="mt-2 text-sm text-slate-700">This page does not exist, or you do not have access to it.</p>
        <Link
          href="/"
          className="mt-6 inline-block rounded-md bg-blue-700 px-4 py-2 text-sm font-medium text-white hover:bg-blue-800"
        >
          Go to your courses
        </Link>
      </div>
    </main>
  );
}
