// Texts shared by the reconciliation run, the session page, the API and the docs.
export const NOT_CONFIGURED_MESSAGE =
  "Reconciliation with Zoom's report is off: set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET.";

export const WEBHOOK_LOGS_OFF_MESSAGE = "Recovery of failed webhook deliveries is off: set ZOOM_WEBHOOK_LOGS_APP_ID.";
