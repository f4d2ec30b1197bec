// Attendance of one session: every roster student, host and guest, from the events attached to it.
// Puts the engine's steps together: connections, who is who, one accumulator per person, figures.
// Pure.
import { isPseudonym } from "../pseudonym";
import { lateDeadline } from "../rules";
import type {
  ComputeSessionInput,
  GuestAttendance,
  HostAttendance,
  InstructorInput,
  MeetingInstanceTimes,
  ParticipantFigures,
  SessionAttendance,
  StudentAttendance,
} from "../types";
import { buildConnections, groupConnections, type Connection } from "./connections";
import {
  buildIdentityIndex,
  guestIdentity,
  identifyConnections,
  instructorLookup,
  type GuestIdentity,
} from "./identity";
import { accumulate, newAccumulator, participantFields, personFigures, type ParticipantAccumulator } from "./people";
import { sessionState } from "./windows";

/** How a guest whose name was pseudonymised after RETENTION_DAYS is listed. */
export const PSEUDONYMISED_GUEST_NAME = "(name removed after the retention period)";

interface NonStudentBucket extends ParticipantAccumulator {
  key: string;
  identity: GuestIdentity;
  connections: Connection[];
  instructor: InstructorInput | null;
  role: "host" | "co-host" | null;
}

/**
 * Attendance of every roster student (in roster order), every host and every guest (by first
 * join) in one session, from the events attached to it. Pure: same input, same output, whatever
 * the order of `events` and however many times an event appears.
 */
export function computeSessionAttendance(input: ComputeSessionInput): SessionAttendance {
  const { session, roster, now } = input;
  const nowMs = now.getTime();
  const sessionStartMs = session.startsAt.getTime();

  const instancesByUuid = new Map<string, MeetingInstanceTimes>();
  for (const instance of input.instances) instancesByUuid.set(instance.uuid, instance);

  const connections = buildConnections(input.events, instancesByUuid, sessionStartMs);
  const index = buildIdentityIndex(roster, input.links, input.manualMatches, sessionStartMs);
  const { studentOf, learnedLinks } = identifyConnections(connections, index);
  const groups = groupConnections(connections);
  const groupOf = (position: number) => (groups === null ? position : groups[position]);

  // A person is a student when any of their connections is: a breakout connection is matched
  // through its main-room connection (parent_user_id) or participant_uuid. The earliest matched
  // connection of a group decides for the unmatched rest.
  const groupStudent: (string | undefined)[] = groups === null ? studentOf : new Array(connections.length);
  if (groups !== null) {
    connections.forEach((_, position) => {
      const studentId = studentOf[position];
      const group = groups[position];
      if (studentId !== undefined && groupStudent[group] === undefined) groupStudent[group] = studentId;
    });
  }

  // Instructors by email, and Zoom accounts seen on an instructor's connections in this session.
  const instructorOf = instructorLookup(input.instructors ?? [], connections, studentOf);

  // Main-room connections still open, for devices in a room whose main connection Zoom keeps open.
  let openMainKeys: Set<string> | null = null;
  if (connections.some((connection) => connection.parentKey !== null && connection.isOpen)) {
    openMainKeys = new Set();
    for (const connection of connections)
      if (connection.isOpen && connection.breakoutRoomUuid === null) openMainKeys.add(connection.key);
  }

  // Non-students per group first (a group is named by its earliest main-room connection), then
  // buckets by guest identity: two devices with the same email are one guest, or one host.
  const groupInfo = new Map<
    number,
    { root: Connection; instructor: InstructorInput | null; role: "host" | "co-host" | null }
  >();
  const byStudent = new Map<string, ParticipantAccumulator>();
  connections.forEach((connection, position) => {
    const group = groupOf(position);
    const studentId = studentOf[position] ?? groupStudent[group];
    if (studentId !== undefined) {
      let accumulator = byStudent.get(studentId);
      if (!accumulator) byStudent.set(studentId, (accumulator = newAccumulator()));
      accumulate(accumulator, connection, openMainKeys);
      return;
    }
    let info = groupInfo.get(group);
    if (!info) groupInfo.set(group, (info = { root: connection, instructor: null, role: null }));
    else if (info.root.breakoutRoomUuid !== null && connection.breakoutRoomUuid === null) info.root = connection;
    info.instructor ??= instructorOf(connection) ?? null;
    if (connection.hostRole === "host" || (connection.hostRole === "co-host" && info.role === null))
      info.role = connection.hostRole;
  });

  const buckets = new Map<string, NonStudentBucket>();
  connections.forEach((connection, position) => {
    const group = groupOf(position);
    if (studentOf[position] !== undefined || groupStudent[group] !== undefined) return;
    const info = groupInfo.get(group)!;
    const identity = guestIdentity(info.root);
    const key = info.instructor !== null ? `user:${info.instructor.id}` : identity.guestKey;
    let bucket = buckets.get(key);
    if (!bucket) {
      buckets.set(
        key,
        (bucket = { ...newAccumulator(), key, identity, connections: [], instructor: info.instructor, role: null }),
      );
    }
    if (info.role === "host" || (info.role === "co-host" && bucket.role === null)) bucket.role = info.role;
    bucket.connections.push(connection);
    accumulate(bucket, connection, openMainKeys);
  });

  const lateDeadlineMs = lateDeadline(session).getTime();
  const students: StudentAttendance[] = [];
  const listed = new Set<string>();
  for (const student of roster) {
    if (listed.has(student.id)) continue;
    listed.add(student.id);
    const person = personFigures(byStudent.get(student.id), session, nowMs);
    const { figures } = person;
    const firstJoinMs = figures.firstJoinAt === null ? null : figures.firstJoinAt.getTime();
    // Exactly at the deadline is still on time.
    const late = firstJoinMs !== null && firstJoinMs > lateDeadlineMs;
    students.push({
      studentId: student.id,
      status: figures.status,
      late,
      lateBySeconds: late && firstJoinMs !== null ? Math.floor((firstJoinMs - sessionStartMs) / 1000) : 0,
      ...participantFields(person),
    });
  }

  const guests: GuestAttendance[] = [];
  const hosts: HostAttendance[] = [];
  for (const bucket of buckets.values()) {
    const person = personFigures(bucket, session, nowMs);
    // Connections are already in time order: the first one with a name/email names the person.
    let name: string | null = null;
    let email: string | null = null;
    let pseudonymised = false;
    for (const connection of bucket.connections) {
      if (connection.breakoutRoomUuid !== null && bucket.connections.length > 1) continue;
      if (isPseudonym(connection.displayName)) pseudonymised = true;
      else name ??= connection.displayName;
      email ??= connection.email;
    }
    // Someone seen only in breakout rooms is named by their room connections.
    for (const connection of bucket.connections) {
      if (!isPseudonym(connection.displayName)) name ??= connection.displayName;
      email ??= connection.email;
    }
    if (bucket.instructor !== null || bucket.role !== null) {
      hosts.push({
        hostKey: bucket.key,
        name: bucket.instructor?.name ?? name ?? email ?? "",
        email: bucket.instructor?.email ?? email,
        reason: bucket.instructor !== null ? "instructor" : bucket.role!,
        ...participantFields(person),
      });
      continue;
    }
    guests.push({
      guestKey: bucket.key,
      name: name ?? email ?? (pseudonymised ? PSEUDONYMISED_GUEST_NAME : ""),
      email,
      matchKind: bucket.identity.matchKind,
      matchValue: bucket.identity.matchValue,
      ...participantFields(person),
    });
  }
  const byFirstJoin = (a: ParticipantFigures & { key: string }, b: ParticipantFigures & { key: string }) => {
    const aMs = a.firstJoinAt === null ? Infinity : a.firstJoinAt.getTime();
    const bMs = b.firstJoinAt === null ? Infinity : b.firstJoinAt.getTime();
    if (aMs !== bMs) return aMs < bMs ? -1 : 1;
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  };
  guests.sort((a, b) => byFirstJoin({ ...a, key: a.guestKey }, { ...b, key: b.guestKey }));
  hosts.sort((a, b) => byFirstJoin({ ...a, key: a.hostKey }, { ...b, key: b.hostKey }));

  return {
    state: sessionState(session, input.instances, now),
    students,
    guests,
    hosts,
    learnedLinks,
  };
}
