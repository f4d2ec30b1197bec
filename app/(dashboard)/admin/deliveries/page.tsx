import Link from "next/link";
import type { Metadata } from "next";
import { requireAdmin } from "@/lib/access";
import { prisma } from "@/lib/db";
import { formatUtc } from "@/lib/format";
import type { DeliveryOutcome, Prisma } from "@/lib/generated/prisma/client";
import { buttonClass, EmptyState, inputClass, PageHeader, Section } from "@/components/ui";
import { Table, Td } from "@/components/table";

export const metadata: Metadata = { title: "Webhook log" };

const PAGE_SIZE = 100;
const SUMMARY_DAYS = 7;

const OUTCOMES: { value: DeliveryOutcome; label: string; className: string; explain: string }[] = [
  {
    value: "stored",
    label: "Stored",
    className: "bg-green-100 text-green-900 ring-green-700/30",
    explain: "a new event, stored",
  },
  {
    value: "duplicate",
    label: "Duplicate",
    className: "bg-blue-100 text-blue-900 ring-blue-700/30",
    explain: "a redelivery of an event already stored: absorbed",
  },
  {
    value: "url_validation",
    label: "URL validation",
    className: "bg-slate-100 text-slate-800 ring-slate-600/30",
    explain: "Zoom checking the endpoint",
  },
  {
    value: "ignored",
    label: "Ignored",
    className: "bg-slate-100 text-slate-800 ring-slate-600/30",
    explain: "signed, but an event type Rollcall does not use",
  },
  {
    value: "rejected_signature",
    label: "Rejected: signature",
    className: "bg-red-100 text-red-900 ring-red-700/30",
    explain: "bad or missing signature (401)",
  },
  {
    value: "rejected_timestamp",
    label: "Rejected: timestamp",
    className: "bg-red-100 text-red-900 ring-red-700/30",
    explain: "timestamp too old or in the future (401)",
  },
  {
    value: "rejected_body",
    label: "Rejected: body",
    className: "bg-red-100 text-red-900 ring-red-700/30",
    explain: "not a Zoom event (400)",
  },
  {
    value: "rejected_size",
    label: "Rejected: size",
    className: "bg-red-100 text-red-900 ring-red-700/30",
    explain: "body over 1 MiB (413)",
  },
  {
    value: "rejected_path",
    label: "Rejected: path",
    className: "bg-red-100 text-red-900 ring-red-700/30",
    explain: "not POST /api/zoom/webhook (404/405)",
  },
  {
    value: "failed",
    label: "Failed",
    className: "bg-amber-100 text-amber-900 ring-amber-700/30",
    explain: "could not be stored; answered 5xx so Zoom retries",
  },
];
const outcomeStyle = new Map(OUTCOMES.map((outcome) => [outcome.value, outcome]));

/** "+2,940 rejected signatures in this minute": how a counted (not stored) minute reads. */
const COUNTED_PLURAL: Partial<Record<DeliveryOutcome, string>> = {
  rejected_signature: "rejected signatures",
  rejected_timestamp: "rejected timestamps",
  rejected_body: "rejected bodies",
  rejected_size: "rejected oversized bodies",
  rejected_path: "requests to unknown paths",
};
const COUNTED_MINUTES_SHOWN = 60;
const number = new Intl.NumberFormat("en-US");

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.trim() ?? "";

export default async function DeliveriesPage({ searchParams }: { searchParams: SearchParams }) {
  await requireAdmin();
  const query = await searchParams;
  const meeting = single(query.meeting).replace(/[\s-]/g, "");
  const outcomeParam = single(query.outcome);
  const outcome = outcomeStyle.has(outcomeParam as DeliveryOutcome) ? (outcomeParam as DeliveryOutcome) : null;
  const before = /^\d+$/.test(single(query.before)) ? BigInt(single(query.before)) : null;

  const filter: Prisma.WebhookDeliveryWhereInput = {
    ...(meeting ? { zoomMeetingId: meeting } : {}),
    ...(outcome ? { outcome } : {}),
  };
  const since = new Date();
  since.setUTCDate(since.getUTCDate() - SUMMARY_DAYS);
  const [deliveries, summary, countedMinutes] = await Promise.all([
    prisma.webhookDelivery.findMany({
      where: { ...filter, ...(before ? { id: { lt: before } } : {}) },
      orderBy: { id: "desc" },
      take: PAGE_SIZE + 1,
      select: {
        id: true,
        receivedAt: true,
        trackingId: true,
        outcome: true,
        httpStatus: true,
        reason: true,
        eventType: true,
        eventTs: true,
        zoomMeetingId: true,
        dedupeKey: true,
      },
    }),
    prisma.webhookDelivery.groupBy({
      by: ["outcome"],
      where: { ...(meeting ? { zoomMeetingId: meeting } : {}), receivedAt: { gte: since } },
      _count: { _all: true },
    }),
    // Rejected deliveries beyond the per-minute row budget are only counted (no meeting ID).
    meeting
      ? Promise.resolve([])
      : prisma.webhookRejectionCount.findMany({
          where: { minute: { gte: since }, ...(outcome ? { outcome } : {}) },
          orderBy: [{ minute: "desc" }, { outcome: "asc" }],
        }),
  ]);
  const hasMore = deliveries.length > PAGE_SIZE;
  const page = deliveries.slice(0, PAGE_SIZE);

  // For each duplicate, when the event it repeats was first stored: "redelivered, absorbed".
  const duplicateKeys = [
    ...new Set(
      page
        .filter((delivery) => delivery.outcome === "duplicate" && delivery.dedupeKey)
        .map((delivery) => delivery.dedupeKey!),
    ),
  ];
  const firstStored = new Map(
    (
      await prisma.webhookDelivery.findMany({
        where: { dedupeKey: { in: duplicateKeys }, outcome: "stored" },
        select: { dedupeKey: true, receivedAt: true, trackingId: true },
      })
    ).map((stored) => [stored.dedupeKey!, stored]),
  );

  const counts = new Map(summary.map((entry) => [entry.outcome, entry._count._all]));
  const countedOnly = new Map<DeliveryOutcome, number>();
  for (const entry of countedMinutes)
    countedOnly.set(entry.outcome, (countedOnly.get(entry.outcome) ?? 0) + entry.count);
  for (const [key, count] of countedOnly) counts.set(key, (counts.get(key) ?? 0) + count);
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  const linkWith = (params: Record<string, string | null>) => {
    const search = new URLSearchParams();
    const merged = { meeting: meeting || null, outcome, ...params };
    for (const [key, value] of Object.entries(merged)) if (value) search.set(key, value);
    const text = search.toString();
    return `/admin/deliveries${text ? `?${text}` : ""}`;
  };

  return (
    <div>
      <PageHeader
        title="Webhook log"
        description="Every delivery Zoom made to this server, whatever happened to it. Redeliveries of an event already stored show as duplicates: stored once, counted once."
      />

      <Section
        id="summary"
        title={`Last ${SUMMARY_DAYS} days${meeting ? ` · meeting ${meeting}` : ""}`}
        description={`${total} deliveries.`}
      >
        <ul className="flex flex-wrap gap-2">
          {OUTCOMES.filter((entry) => counts.has(entry.value)).map((entry) => (
            <li key={entry.value}>
              <Link
                href={linkWith({ outcome: entry.value, before: null })}
                className={`inline-flex items-center gap-2 rounded-full px-3 py-1 text-sm ring-1 hover:underline ${entry.className}`}
                title={entry.explain}
              >
                <span className="font-semibold tabular-nums">{number.format(counts.get(entry.value) ?? 0)}</span>{" "}
                {entry.label}
              </Link>
            </li>
          ))}
          {total === 0 ? <li className="text-sm text-slate-600">No deliveries in this period.</li> : null}
        </ul>
        {countedOnly.size > 0 ? (
          <p className="mt-2 text-sm text-slate-600">
            Includes {number.format([...countedOnly.values()].reduce((sum, count) => sum + count, 0))} rejected
            deliveries that were counted, not stored one by one (see below).
          </p>
        ) : null}
      </Section>

      {countedMinutes.length > 0 ? (
        <Section
          id="counted"
          title="Rejected deliveries counted, not stored"
          description="Beyond a bounded number of rows per minute, rejected deliveries are only counted, so a flood of bad requests cannot fill the database. Times in UTC."
        >
          <ul
            className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white text-sm"
            data-testid="counted-rejections"
          >
            {countedMinutes.slice(0, COUNTED_MINUTES_SHOWN).map((entry) => (
              <li
                key={`${entry.minute.toISOString()}-${entry.outcome}`}
                className="flex gap-3 px-3 py-2"
                data-outcome={entry.outcome}
              >
                <span className="whitespace-nowrap tabular-nums text-slate-600">{formatUtc(entry.minute)}</span>
                <span>
                  <span className="font-semibold tabular-nums">+{number.format(entry.count)}</span>{" "}
                  {COUNTED_PLURAL[entry.outcome] ?? entry.outcome} in this minute
                </span>
              </li>
            ))}
          </ul>
          {countedMinutes.length > COUNTED_MINUTES_SHOWN ? (
            <p className="mt-2 text-sm text-slate-600">The newest {COUNTED_MINUTES_SHOWN} minutes are shown.</p>
          ) : null}
        </Section>
      ) : null}

      <form
        method="get"
        action="/admin/deliveries"
        className="mt-6 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
        role="search"
        aria-label="Filter deliveries"
      >
        <div className="w-48">
          <label htmlFor="meeting" className="block text-sm font-medium text-slate-800">
            Meeting ID
          </label>
          <input
            id="meeting"
            name="meeting"
            defaultValue={meeting}
            inputMode="numeric"
            placeholder="e.g. 97711976001"
            className={inputClass}
          />
        </div>
        <div className="w-56">
          <label htmlFor="outcome" className="block text-sm font-medium text-slate-800">
            Outcome
          </label>
          <select id="outcome" name="outcome" defaultValue={outcome ?? ""} className={inputClass}>
            <option value="">Any outcome</option>
            {OUTCOMES.map((entry) => (
              <option key={entry.value} value={entry.value}>
                {entry.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className={buttonClass.primary}>
          Filter
        </button>
        {meeting || outcome ? (
          <Link href="/admin/deliveries" className={buttonClass.secondary}>
            Clear
          </Link>
        ) : null}
      </form>

      <Section id="deliveries" title="Deliveries" description="Newest first. Times in UTC.">
        {page.length === 0 ? (
          <EmptyState>
            {meeting || outcome
              ? "No delivery matches this filter."
              : "No webhook has arrived yet. Point your Zoom app's event subscription at /api/zoom/webhook."}
          </EmptyState>
        ) : (
          <Table
            label="Deliveries"
            testId="deliveries"
            columns={["Received", "Outcome", "Event", "Meeting", "Tracking ID", "Why"]}
          >
            {page.map((delivery) => {
              const style = outcomeStyle.get(delivery.outcome)!;
              const original = delivery.dedupeKey ? firstStored.get(delivery.dedupeKey) : undefined;
              return (
                <tr key={delivery.id.toString()} data-outcome={delivery.outcome}>
                  <Td className="whitespace-nowrap tabular-nums">{formatUtc(delivery.receivedAt)}</Td>
                  <Td className="whitespace-nowrap">
                    <span
                      className={`inline-flex rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ${style.className}`}
                    >
                      {style.label}
                    </span>
                    <div className="text-xs text-slate-600">HTTP {delivery.httpStatus}</div>
                  </Td>
                  <Td>
                    {delivery.eventType ?? <span className="text-slate-600">—</span>}
                    {delivery.eventTs ? (
                      <div className="text-xs text-slate-600">event_ts {formatUtc(delivery.eventTs)}</div>
                    ) : null}
                  </Td>
                  <Td className="whitespace-nowrap">
                    {delivery.zoomMeetingId ? (
                      <Link
                        href={linkWith({ meeting: delivery.zoomMeetingId, before: null })}
                        className={buttonClass.link}
                      >
                        {delivery.zoomMeetingId}
                      </Link>
                    ) : (
                      <span className="text-slate-600">—</span>
                    )}
                  </Td>
                  <Td className="font-mono text-xs break-all">
                    {delivery.trackingId ?? <span className="font-sans text-slate-600">none</span>}
                  </Td>
                  <Td className="min-w-[14rem]">
                    {delivery.outcome === "duplicate"
                      ? original
                        ? `Redelivery of the event first stored ${formatUtc(original.receivedAt)}${original.trackingId ? ` (${original.trackingId})` : ""}.`
                        : "Redelivery of an event already stored."
                      : (delivery.reason ?? style.explain)}
                  </Td>
                </tr>
              );
            })}
          </Table>
        )}
        <nav aria-label="Pages" className="mt-4 flex gap-3">
          {before ? (
            <Link href={linkWith({ before: null })} className={buttonClass.secondary}>
              Newest
            </Link>
          ) : null}
          {hasMore ? (
            <Link href={linkWith({ before: page[page.length - 1].id.toString() })} className={buttonClass.secondary}>
              Older
            </Link>
          ) : null}
        </nav>
      </Section>
    </div>
  );
}
