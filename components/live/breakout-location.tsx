// "In breakout room" for someone whose open connection is in a room (breakout time is class time).
export function InBreakoutRoom({ room, devices }: { room: string; devices: number }) {
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5 font-medium text-violet-900" data-breakout-room={room}>
      <span aria-hidden="true" className="h-2.5 w-2.5 rounded-full bg-violet-600" />
      In breakout room
      {room !== "" ? (
        <span className="rounded-full bg-violet-100 px-1.5 text-xs font-semibold ring-1 ring-violet-700/30">
          {room}
        </span>
      ) : null}
      {devices > 1 ? <span className="text-xs font-normal text-violet-900">({devices} devices)</span> : null}
    </span>
  );
}
