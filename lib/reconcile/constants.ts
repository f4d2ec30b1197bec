// Texts shared by the reconciliation run, the session page, the API and the docs.
export const NOT_CONFIGURED_MESSAGE =
  "Reconciliation with Zoom's report is off: set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET.";

export const WEBHOOK_LOGS_OFF_MESSAGE = "Recovery of failed webhook deliveries is off: set ZOOM_WEBHOOK_LOGS_APP_ID.";

/** A session whose course may not see its meeting (README "Who may see a meeting"): nothing is fetched. */
export const MEETING_NOT_VISIBLE_MESSAGE =
  "This course may not see the participants of its session's Zoom meeting: another course uses the meeting and an admin has not shared it with this course";
