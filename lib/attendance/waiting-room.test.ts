import { describe, expect, it } from "vitest";
import { waitingNow, type WaitingRoomEvent } from "./waiting-room";

const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 10, minute));
let sequence = 0;
const event = (eventType: string, minute: number, who: Partial<WaitingRoomEvent> = {}): WaitingRoomEvent => ({
  id: String(++sequence).padStart(4, "0"),
  eventType,
  meetingUuid: "m1",
  occurredAt: at(minute),
  participantUserId: null,
  participantUuid: null,
  email: null,
  displayName: null,
  ...who,
});
const ana = { participantUserId: "1", participantUuid: "pu-ana", displayName: "Ana", email: "ana@school.edu" };
const ben = { participantUserId: "2", displayName: "Ben" };

describe("who is in the waiting room now", () => {
  it("lists who entered and was not admitted, longest waiting first, in any input order", () => {
    const events = [
      event("meeting.participant_joined_waiting_room", 3, ben),
      event("meeting.participant_joined_waiting_room", 1, ana),
    ];
    const expected = [
      { name: "Ana", email: "ana@school.edu", since: at(1) },
      { name: "Ben", email: null, since: at(3) },
    ];
    expect(waitingNow(events)).toEqual(expected);
    expect(waitingNow(events.slice().reverse())).toEqual(expected);
  });

  it("admitted, left the waiting room, or joined the meeting (another user_id, same participant) ends the wait", () => {
    expect(
      waitingNow([
        event("meeting.participant_joined_waiting_room", 1, ana),
        event("meeting.participant_admitted", 2, ana),
      ]),
    ).toEqual([]);
    expect(
      waitingNow([
        event("meeting.participant_joined_waiting_room", 1, ben),
        event("meeting.participant_left_waiting_room", 2, ben),
      ]),
    ).toEqual([]);
    expect(
      waitingNow([
        event("meeting.participant_joined_waiting_room", 1, ana),
        event("meeting.participant_joined", 2, { ...ana, participantUserId: "77" }),
      ]),
    ).toEqual([]);
  });

  it("put back in the waiting room is waiting again; the meeting's end empties it", () => {
    const putBack = [
      event("meeting.participant_joined_waiting_room", 1, ben),
      event("meeting.participant_admitted", 2, ben),
      event("meeting.participant_put_in_waiting_room", 5, ben),
    ];
    expect(waitingNow(putBack)).toEqual([{ name: "Ben", email: null, since: at(5) }]);
    expect(waitingNow([...putBack, event("meeting.ended", 9)])).toEqual([]);
  });
});
