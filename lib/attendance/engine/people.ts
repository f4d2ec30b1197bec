// One person's figures from all their connections: presence (with the short gaps of a move between
// breakout rooms closed), arrivals (a return from a room is not a new arrival), open devices and
// the room they are in now. Pure.
import { BREAKOUT_RETURN_GRACE_MS } from "../rules";
import type { PresenceInterval, SessionInput } from "../types";
import type { Connection } from "./connections";
import {
  figuresFromIntervals,
  toPresenceIntervals,
  unionIntervals,
  type InternalFigures,
  type MsInterval,
} from "./figures";

export interface ParticipantAccumulator {
  intervals: MsInterval[];
  /** distinct joins of main-room connections, summed over connections */
  mainJoins: number;
  /** main-room connections (their join times decide what is a return from a room) */
  mainConnections: Connection[];
  /** intervals of breakout-room connections */
  breakoutIntervals: MsInterval[];
  breakoutJoins: number;
  openConnections: number;
  /** the open breakout connection that joined last: where the person is now */
  currentRoom: { joinedMs: number; name: string } | null;
}

export const newAccumulator = (): ParticipantAccumulator => ({
  intervals: [],
  mainJoins: 0,
  mainConnections: [],
  breakoutIntervals: [],
  breakoutJoins: 0,
  openConnections: 0,
  currentRoom: null,
});

export function accumulate(
  target: ParticipantAccumulator,
  connection: Connection,
  openMainKeys: Set<string> | null,
): void {
  for (const interval of connection.intervals) target.intervals.push(interval);
  if (connection.breakoutRoomUuid === null) {
    target.mainJoins += connection.joinCount;
    target.mainConnections.push(connection);
    if (connection.isOpen) target.openConnections++;
    return;
  }
  for (const interval of connection.intervals) target.breakoutIntervals.push(interval);
  target.breakoutJoins += connection.joinTimesMs.length;
  if (!connection.isOpen) return;
  // A device in a room whose main-room connection Zoom keeps open is still one device.
  if (connection.parentKey === null || !openMainKeys?.has(connection.parentKey)) target.openConnections++;
  const joinedMs =
    connection.joinTimesMs.length > 0
      ? connection.joinTimesMs[connection.joinTimesMs.length - 1]
      : connection.firstTimeMs;
  const name = connection.breakoutRoomName ?? "";
  const current = target.currentRoom;
  if (current === null || joinedMs > current.joinedMs || (joinedMs === current.joinedMs && name < current.name)) {
    target.currentRoom = { joinedMs, name };
  }
}

/**
 * Arrivals in the meeting: main-room joins, less those that are a return from a breakout room (a
 * join within a minute of the end of a breakout connection of the same person) — so a move
 * reported as main left + room joined + room left + main joined counts like room events alone.
 * Someone seen only in breakout rooms (their main-room join lost) has arrived once.
 */
function arrivals(accumulator: ParticipantAccumulator): number {
  if (accumulator.breakoutIntervals.length === 0) return accumulator.mainJoins;
  let count = 0;
  for (const connection of accumulator.mainConnections) {
    for (const joinMs of connection.joinTimesMs) {
      // Within a minute of the end of a room visit that began before it (Zoom's room leave and
      // main-room join can come in either order); a join while a room connection is open is a device.
      const isReturn = accumulator.breakoutIntervals.some(
        (room) =>
          room.fromMs < joinMs && room.toMs !== Infinity && Math.abs(joinMs - room.toMs) <= BREAKOUT_RETURN_GRACE_MS,
      );
      if (!isReturn) count++;
    }
  }
  return count === 0 && accumulator.mainJoins === 0 && accumulator.breakoutJoins > 0 ? 1 : count;
}

/**
 * The presence intervals with the short gaps of a move between rooms closed: a gap of up to a
 * minute that ends where a breakout connection starts, or starts where one ends, is the move
 * itself (Zoom's main-room leave and room join are a second or two apart), not time away.
 */
function bridgeRoomMoves(intervals: MsInterval[], breakoutIntervals: MsInterval[]): MsInterval[] {
  const union = unionIntervals(intervals);
  if (breakoutIntervals.length === 0 || union.length < 2) return union;
  const roomStarts = new Set(breakoutIntervals.map((room) => room.fromMs));
  const roomEnds = new Set(breakoutIntervals.map((room) => room.toMs));
  const bridged: MsInterval[] = [union[0]];
  for (let i = 1; i < union.length; i++) {
    const last = bridged[bridged.length - 1];
    const next = union[i];
    const gap = next.fromMs - last.toMs;
    if (gap <= BREAKOUT_RETURN_GRACE_MS && (roomStarts.has(next.fromMs) || roomEnds.has(last.toMs))) {
      last.toMs = Math.max(last.toMs, next.toMs);
    } else {
      bridged.push(next);
    }
  }
  return bridged;
}

export interface PersonFigures {
  figures: InternalFigures;
  joinCount: number;
  breakoutIntervals: PresenceInterval[];
  breakoutRoom: string | null;
}

export function personFigures(
  accumulator: ParticipantAccumulator | undefined,
  session: SessionInput,
  nowMs: number,
): PersonFigures {
  if (accumulator === undefined) {
    return {
      figures: figuresFromIntervals([], 0, session, null, nowMs),
      joinCount: 0,
      breakoutIntervals: [],
      breakoutRoom: null,
    };
  }
  // Without breakout time there is nothing to bridge (figuresFromIntervals takes the union).
  const intervals =
    accumulator.breakoutIntervals.length === 0
      ? accumulator.intervals
      : bridgeRoomMoves(accumulator.intervals, accumulator.breakoutIntervals);
  const figures = figuresFromIntervals(intervals, accumulator.openConnections, session, null, nowMs);
  return {
    figures,
    joinCount: arrivals(accumulator),
    breakoutIntervals:
      accumulator.breakoutIntervals.length === 0
        ? []
        : toPresenceIntervals(unionIntervals(accumulator.breakoutIntervals)),
    breakoutRoom: figures.inMeeting && accumulator.currentRoom !== null ? accumulator.currentRoom.name : null,
  };
}

export function participantFields(person: PersonFigures) {
  const { figures } = person;
  return {
    intervals: toPresenceIntervals(figures.union),
    attendedSeconds: figures.attendedSeconds,
    attendedPercent: figures.attendedPercent,
    firstJoinAt: figures.firstJoinAt,
    lastLeaveAt: figures.lastLeaveAt,
    joinCount: person.joinCount,
    inMeeting: figures.inMeeting,
    openConnections: figures.openConnections,
    breakoutIntervals: person.breakoutIntervals,
    breakoutRoom: person.breakoutRoom,
  };
}
