/**
 * Every operation under app/api, one entry each (see registry.ts). Query and body schemas are the
 * ones the route handlers use; responses only where a schema for the answer exists.
 */
import { z } from "zod";
import { ZCreatedToken, ZTokenCreate, ZTokenItem, ZTokenList } from "@/lib/tokens/schemas";
import { ZApiKeyListQuery, ZApiKeyPage, ZAuditPage, ZAuditQuery } from "@/lib/admin/schemas";
import { ZServiceAccount, ZServiceAccountCreate, ZServiceAccountList, ZServiceAccountUpdate, ZServiceTokenCreate } from "@/lib/service-accounts/schemas";
import { ZNewSuppressionRule, ZRuleWhatIfQuery, ZSuppressionRule, ZSuppressionRuleChange } from "@/lib/feedback/suppression-schemas";
import { ZAssist, ZAssistSwitch, ZAssistSwitched } from "@/lib/feedback/assist-schemas";
import {
  ZCreateChannel,
  ZCreateRule,
  ZCreateSilence,
  ZListQuery,
  ZRecentDeliveriesQuery,
  ZSilenceListQuery,
  ZUpdateChannel,
  ZUpdateRule,
} from "@/lib/alerting/schemas";
import {
  ZActivityPage,
  ZAnomalyChange,
  ZAnomalyDetail,
  ZAnomalyListQuery,
  ZAnomalyPage,
  ZAnomalyWindow,
  ZAssigneePage,
  ZBulkAnomalyChange,
  ZBulkResult,
  ZComment,
  ZCommentPage,
  ZNewComment,
  ZSimplePageQuery,
  pageOf,
} from "@/lib/anomalies/schemas";
import { ZCreateUser, ZMe, ZPublicUser, ZSessionsEnded, ZSetup, ZUpdateUser, ZUserList } from "@/lib/auth/schemas";
import { ZBackfill, ZCreateDetector, ZDetectorListQuery, ZPointsQuery, ZPreview, ZSeriesListQuery, ZUpdateDetector } from "@/lib/detectors/schemas";
import {
  ZApplyThreshold,
  ZEvaluationQuery,
  ZPeriodQuery,
  ZBulkLabel,
  ZBulkLabelResult,
  ZModelCompareQuery,
  ZExportQuery,
  ZImportResult,
  ZLabelHistory,
  ZMissed,
  ZMissedQuery,
  ZNewLabel,
  ZNewMissed,
  ZWhatIfQuery,
} from "@/lib/feedback/schemas";
import {
  ZEvaluation,
  ZLabelExport,
  ZModelActivated,
  ZModelComparison,
  ZSuppressionRuleDeleted,
  ZSuppressionSuggestions,
  ZSuppressionWhatIf,
  ZThresholdApplied,
  ZThresholdWhatIf,
} from "@/lib/feedback/responses";
import { ZCreateKey, ZCreateSource, ZStartImport, ZTestSource, ZUpdateSource } from "@/lib/ingest/source-config";
import { ZOverview, ZOverviewQuery } from "@/lib/overview/schemas";
import { ZAlgorithmList, ZBackfillQueued, ZDetectorList, ZDetectorOne, ZDetectorUpdated, ZPreviewResult, ZTrainingQueued } from "@/lib/detectors/responses";
import {
  ZPointsAccepted,
  ZSeriesBuckets,
  ZSeriesOne,
  ZSeriesPage,
  ZSourceKeyCreated,
  ZSource,
  ZSourceKey,
  ZSourceKeyList,
  ZSourceList,
  ZSourceImportList,
  ZSourceImportStarted,
  ZSourceSeriesPage,
  ZSourceTestResult,
} from "@/lib/sources/responses";
import {
  ZAnomalyAlerting,
  ZChannelCreated,
  ZChannelList,
  ZChannel,
  ZDeliveryPage,
  ZRecentDeliveries,
  ZRuleList,
  ZRule,
  ZSecretRotated,
  ZSilence,
  ZSilenceList,
  ZTestSent,
} from "@/lib/alerting/responses";
import { ZSourceSeriesQuery } from "@/lib/sources/series-query";
import { op, type Operation } from "@/lib/openapi/registry";
import { ZHealthReport, ZOpenApiDocumentAnswer, ZPingAnswer, ZReadyReport, ZSetupDone } from "@/lib/openapi/public-responses";

const V1 = "/api/v1";

export const OPERATIONS: Operation[] = [
  // Public and machine endpoints
  op("GET", "/api/health", "public", "Liveness: database and queue reachable (503 with the same body when not)", { response: ZHealthReport }),
  op("GET", "/api/ready", "public", "Readiness: database, queue and migrations applied (503 with the same body when not)", { response: ZReadyReport }),
  op("GET", "/api/metrics", "public", "Prometheus metrics (bearer token required when VIGIL_METRICS_TOKEN is set)", { responseContentType: "text/plain" }),
  op("GET", `${V1}/openapi.json`, "public", "This OpenAPI 3.1 document", { response: ZOpenApiDocumentAnswer }),
  op("POST", `${V1}/setup`, "public", "First run: create the first admin (409 once any user exists)", { body: ZSetup, response: ZSetupDone, status: 201 }),
  op("POST", `${V1}/ingest`, "source-key", "Push points to a source", {
    response: ZPointsAccepted,
    rawBody: { contentTypes: ["application/json", "text/plain"], description: "Points in one of the formats of lib/ingest/parse.ts" },
  }),

  // Session and overview
  op("GET", `${V1}/me`, "overview:read", "The signed-in user and the permissions of their role", { response: ZMe }),
  op("GET", `${V1}/me/tokens`, "overview:read", "Your own API tokens, never their secrets (a browser session only)", { response: ZTokenList }),
  op("POST", `${V1}/me/tokens`, "overview:read", "Create an API token for yourself; the answer is the only time its secret is shown (a browser session only)", {
    body: ZTokenCreate,
    response: ZCreatedToken,
    status: 201,
  }),
  op("DELETE", `${V1}/me/tokens/{id}`, "overview:read", "Revoke one of your API tokens (a browser session only)", { response: ZTokenItem }),
  op("GET", `${V1}/overview`, "overview:read", "Open anomalies by severity, timeline, ingest rate, source, detection and queue health", { query: ZOverviewQuery, response: ZOverview }),

  // Anomalies
  op("GET", `${V1}/anomalies`, "anomalies:read", "A keyset page of anomalies (repeated keys filter by any of their values)", { query: ZAnomalyListQuery, response: ZAnomalyPage }),
  op("POST", `${V1}/anomalies/bulk`, "anomalies:triage", "Set status and/or assignee of up to 1,000 anomalies (assigning needs anomalies:assign)", {
    body: ZBulkAnomalyChange,
    response: ZBulkResult,
  }),
  op("GET", `${V1}/anomalies/assignees`, "anomalies:read", "Users an anomaly can be assigned to", { query: ZSimplePageQuery, response: ZAssigneePage }),
  op("GET", `${V1}/anomalies/{id}`, "anomalies:read", "One anomaly", { response: ZAnomalyDetail }),
  op("PATCH", `${V1}/anomalies/{id}`, "anomalies:triage", "Change status and/or assignee (assigning needs anomalies:assign)", { body: ZAnomalyChange, response: ZAnomalyDetail }),
  op("GET", `${V1}/anomalies/{id}/comments`, "anomalies:read", "Comments, oldest first", { query: ZSimplePageQuery, response: ZCommentPage }),
  op("POST", `${V1}/anomalies/{id}/comments`, "anomalies:comment", "Add a comment", { body: ZNewComment, response: ZComment, status: 201 }),
  op("GET", `${V1}/anomalies/{id}/activity`, "anomalies:read", "Status history: who did what, when", { query: ZSimplePageQuery, response: ZActivityPage }),
  op("GET", `${V1}/anomalies/{id}/window`, "anomalies:read", "Points around the anomaly, re-scored, with the expected band", { response: ZAnomalyWindow }),
  op("GET", `${V1}/anomalies/{id}/labels`, "anomalies:read", "Label history; current is the latest", { response: ZLabelHistory }),
  op("POST", `${V1}/anomalies/{id}/labels`, "anomalies:label", "Add a label (a new history row)", { body: ZNewLabel, response: ZLabelHistory, status: 201 }),
  op("GET", `${V1}/anomalies/{id}/deliveries`, "anomalies:read", "Who was notified about this anomaly, and why each other enabled rule was not", { response: ZAnomalyAlerting }),

  // Labels
  op("GET", `${V1}/labels/missed`, "anomalies:read", "Spans a detector should have flagged", { query: ZMissedQuery, response: pageOf(ZMissed) }),
  op("POST", `${V1}/labels/missed`, "anomalies:label", "Mark a missed span (201 when new, 200 when already marked)", { body: ZNewMissed, response: ZMissed, status: 201 }),
  op("POST", `${V1}/labels/bulk`, "anomalies:label", "The same label on many anomalies (one transaction)", { body: ZBulkLabel, response: ZBulkLabelResult, status: 201 }),
  op("GET", `${V1}/labels/export`, "anomalies:read", "Every label and missed span, as JSON { rows } (documented here) or, with format=csv, text/csv with the same columns", { query: ZExportQuery, response: ZLabelExport }),
  op("POST", `${V1}/labels/import`, "anomalies:label", "Import labels and missed spans", {
    rawBody: { contentTypes: ["text/csv", "application/json"], description: "CSV with the export's columns, or JSON { rows }" },
    response: ZImportResult,
  }),

  // Sources
  op("GET", `${V1}/sources`, "sources:read", "All sources", { response: ZSourceList }),
  op("POST", `${V1}/sources`, "sources:write", "Create a source", { body: ZCreateSource, response: ZSource, status: 201 }),
  op("POST", `${V1}/sources/test`, "sources:write", "Try an unsaved source config: a sample of what it reads, or why it failed", { body: ZTestSource, response: ZSourceTestResult }),
  op("GET", `${V1}/sources/{id}`, "sources:read", "One source", { response: ZSource }),
  op("PATCH", `${V1}/sources/{id}`, "sources:write", "Update a source", { body: ZUpdateSource, response: ZSource }),
  op("DELETE", `${V1}/sources/{id}`, "sources:write", "Delete a source", { status: 204 }),
  op("GET", `${V1}/sources/{id}/series`, "sources:read", "A source's series", { query: ZSourceSeriesQuery, response: ZSourceSeriesPage }),
  op("POST", `${V1}/sources/{id}/test`, "sources:write", "Try a saved source's config: a sample of what it reads, or why it failed", { response: ZSourceTestResult }),
  op("POST", `${V1}/sources/{id}/upload`, "sources:write", "Upload CSV points to a CSV source", {
    rawBody: { contentTypes: ["text/csv"], description: "CSV rows of points" },
    response: ZPointsAccepted,
  }),
  op("GET", `${V1}/sources/{id}/imports`, "sources:read", "A Prometheus source's history imports with their progress (the latest 50)", { response: ZSourceImportList }),
  op("POST", `${V1}/sources/{id}/imports`, "sources:write", "Import a past range of a Prometheus source (runs in the worker)", { body: ZStartImport, response: ZSourceImportStarted, status: 202 }),
  op("GET", `${V1}/sources/{id}/keys`, "sources:read", "A source's API keys (prefixes only)", { response: ZSourceKeyList }),
  op("POST", `${V1}/sources/{id}/keys`, "sources:write", "Create an API key (the full key is shown only in this answer)", { body: ZCreateKey, response: ZSourceKeyCreated, status: 201 }),
  op("DELETE", `${V1}/sources/{id}/keys/{keyId}`, "sources:write", "Revoke an API key", { response: ZSourceKey }),
  op("GET", `${V1}/api-keys`, "sources:write", "Every source's API keys", { query: ZApiKeyListQuery, response: ZApiKeyPage }),

  // Series
  op("GET", `${V1}/series`, "sources:read", "Series of any of the sources given (sourceId repeats), filtered by metric or labels (keyset pages)", { query: ZSeriesListQuery, response: ZSeriesPage }),
  op("GET", `${V1}/series/{id}`, "sources:read", "One series", { response: ZSeriesOne }),
  op("GET", `${V1}/series/{id}/points`, "sources:read", "Points over a range, downsampled server-side", { query: ZPointsQuery, response: ZSeriesBuckets }),

  // Detectors
  op("GET", `${V1}/detectors`, "detectors:read", "Detectors in name order (keyset pages)", { query: ZDetectorListQuery, response: ZDetectorList }),
  op("POST", `${V1}/detectors`, "detectors:write", "Create a detector", { body: ZCreateDetector, response: ZDetectorOne, status: 201 }),
  op("GET", `${V1}/detectors/algorithms`, "detectors:read", "Available algorithms and their parameters", { response: ZAlgorithmList }),
  op("POST", `${V1}/detectors/preview`, "detectors:read", "Preview a detector config on a series (scores, expected band, events) or on one group (steps, scores, attribution); nothing is written", { body: ZPreview, response: ZPreviewResult }),
  op("GET", `${V1}/detectors/{id}`, "detectors:read", "One detector", { response: ZDetectorOne }),
  op("PATCH", `${V1}/detectors/{id}`, "detectors:write", "Update a detector; `effect` says what the edit does to detection (reset, redetect or none)", { body: ZUpdateDetector, response: ZDetectorUpdated }),
  op("DELETE", `${V1}/detectors/{id}`, "detectors:write", "Delete a detector", { status: 204 }),
  op("POST", `${V1}/detectors/{id}/backfill`, "detectors:write", "Queue detection over past data", { body: ZBackfill, response: ZBackfillQueued, status: 202 }),
  op("POST", `${V1}/detectors/{id}/train`, "detectors:write", "Queue training", { response: ZTrainingQueued, status: 202 }),
  op("GET", `${V1}/detectors/{id}/evaluation`, "detectors:read", "Precision, recall and F1 from labels: stored incidents, weekly, per model version, the curve over the threshold and suggested thresholds", { query: ZEvaluationQuery, response: ZEvaluation }),
  op("GET", `${V1}/detectors/{id}/what-if`, "detectors:read", "What a different threshold would have flagged, next to the current one (nothing is written)", { query: ZWhatIfQuery, response: ZThresholdWhatIf }),
  op("POST", `${V1}/detectors/{id}/threshold`, "detectors:write", "Apply a threshold (audited; `previous` to undo with)", { body: ZApplyThreshold, response: ZThresholdApplied }),
  op("GET", `${V1}/detectors/{id}/models`, "detectors:read", "Model versions side by side on the same labelled period", { query: ZModelCompareQuery, response: ZModelComparison }),
  op("POST", `${V1}/detectors/{id}/models/{modelId}/activate`, "detectors:write", "Activate a model version (rollback)", { response: ZModelActivated }),
  op("GET", `${V1}/detectors/{id}/suppression-rules`, "detectors:read", "Suppression rules and what each suppresses now", { response: pageOf(ZSuppressionRule) }),
  op("POST", `${V1}/detectors/{id}/suppression-rules`, "detectors:write", "Apply a suppression rule", { body: ZNewSuppressionRule, response: ZSuppressionRule, status: 201 }),
  op("PATCH", `${V1}/detectors/{id}/suppression-rules/{ruleId}`, "detectors:write", "Edit, disable or enable a suppression rule", { body: ZSuppressionRuleChange, response: ZSuppressionRule }),
  op("DELETE", `${V1}/detectors/{id}/suppression-rules/{ruleId}`, "detectors:write", "Remove a suppression rule", { response: ZSuppressionRuleDeleted }),
  op("GET", `${V1}/detectors/{id}/suppression-rules/what-if`, "detectors:read", "What a suppression rule would have done to the labelled history", { query: ZRuleWhatIfQuery, response: ZSuppressionWhatIf }),
  op("GET", `${V1}/detectors/{id}/suppression-rules/suggestions`, "detectors:read", "Suppression rules proposed from false positives, with their what-if", { query: ZPeriodQuery, response: ZSuppressionSuggestions }),
  op("GET", `${V1}/detectors/{id}/assist`, "detectors:read", "Supervised assist: its effect on held-out labels and what it would filter, before it is on", { query: ZPeriodQuery, response: ZAssist }),
  op("POST", `${V1}/detectors/{id}/assist`, "detectors:write", "Turn the supervised assist on (train, or restore `ruleId`) or off", { body: ZAssistSwitch, response: ZAssistSwitched }),

  // Alerting
  op("GET", `${V1}/channels`, "alerts:read", "Alert channels", { response: ZChannelList }),
  op("POST", `${V1}/channels`, "alerts:write", "Create a channel (a webhook's signing secret is shown only in this answer)", { body: ZCreateChannel, response: ZChannelCreated, status: 201 }),
  op("GET", `${V1}/channels/{id}`, "alerts:read", "One channel (secrets masked)", { response: ZChannel }),
  op("PATCH", `${V1}/channels/{id}`, "alerts:write", "Update a channel", { body: ZUpdateChannel, response: ZChannel }),
  op("DELETE", `${V1}/channels/{id}`, "alerts:write", "Delete a channel", { status: 204 }),
  op("POST", `${V1}/channels/{id}/test`, "alerts:write", "Send a test message; 200 with the receiver's answer whether it accepted it or not", { response: ZTestSent }),
  op("POST", `${V1}/channels/{id}/rotate-secret`, "alerts:write", "Rotate the channel's signing secret (shown only in this answer)", { response: ZSecretRotated }),
  op("GET", `${V1}/channels/{id}/deliveries`, "alerts:read", "A channel's deliveries", { query: ZListQuery, response: ZDeliveryPage }),
  op("GET", `${V1}/deliveries`, "alerts:read", "Recent deliveries across channels, failures first", { query: ZRecentDeliveriesQuery, response: ZRecentDeliveries }),
  op("GET", `${V1}/alert-rules`, "alerts:read", "Alert rules", { response: ZRuleList }),
  op("POST", `${V1}/alert-rules`, "alerts:write", "Create a rule", { body: ZCreateRule, response: ZRule, status: 201 }),
  op("GET", `${V1}/alert-rules/{id}`, "alerts:read", "One rule", { response: ZRule }),
  op("PATCH", `${V1}/alert-rules/{id}`, "alerts:write", "Update a rule", { body: ZUpdateRule, response: ZRule }),
  op("DELETE", `${V1}/alert-rules/{id}`, "alerts:write", "Delete a rule", { status: 204 }),
  op("GET", `${V1}/silences`, "alerts:read", "Silences, active or all", { query: ZSilenceListQuery, response: ZSilenceList }),
  op("POST", `${V1}/silences`, "silences:write", "Create a silence", { body: ZCreateSilence, response: ZSilence, status: 201 }),
  op("POST", `${V1}/silences/{id}/expire`, "silences:write", "End a silence now (it stays listed with state=all)", { response: ZSilence }),

  // Administration
  op("GET", `${V1}/users`, "users:manage", "All people (service accounts are listed apart)", { response: ZUserList }),
  op("POST", `${V1}/users`, "users:manage", "Create a user", { body: ZCreateUser, response: ZPublicUser, status: 201 }),
  op("PATCH", `${V1}/users/{id}`, "users:manage", "Change a user's name, role, password or disabled state", { body: ZUpdateUser, response: ZPublicUser }),
  op("DELETE", `${V1}/users/{id}/sessions`, "users:manage", "End all of a user's sessions", { response: ZSessionsEnded }),
  op("GET", `${V1}/service-accounts`, "users:manage", "Service accounts: non-person principals that act only through API tokens", { response: ZServiceAccountList }),
  op("POST", `${V1}/service-accounts`, "users:manage", "Create a service account with a role (no password; it cannot sign in)", {
    body: ZServiceAccountCreate,
    response: ZServiceAccount,
    status: 201,
  }),
  op("PATCH", `${V1}/service-accounts/{id}`, "users:manage", "Rename, change the role of, disable or enable a service account (its tokens follow at once)", {
    body: ZServiceAccountUpdate,
    response: ZServiceAccount,
  }),
  op("GET", `${V1}/service-accounts/{id}/tokens`, "users:manage", "A service account's API tokens, never their secrets", { response: ZTokenList }),
  op("POST", `${V1}/service-accounts/{id}/tokens`, "users:manage", "Issue an API token for a service account; the secret is shown only in this answer (a browser session only)", {
    body: ZServiceTokenCreate,
    response: ZCreatedToken,
    status: 201,
  }),
  op("GET", `${V1}/tokens`, "users:manage", "Every API token, of people and service accounts, never their secrets", { response: ZTokenList }),
  op("DELETE", `${V1}/tokens/{id}`, "users:manage", "Revoke any API token", { response: ZTokenItem }),
  op("GET", `${V1}/audit`, "audit:read", "Audit log: who changed what, before and after", { query: ZAuditQuery, response: ZAuditPage }),
  op("POST", `${V1}/system/ping`, "system:ping", "Round trip through the queue to a worker (503 when none answers within 10 s)", { response: ZPingAnswer }),
];

/** Routes under app/api that are not part of the documented API, with the reason. */
export const UNDOCUMENTED_ROUTES: Record<string, string> = {
  "/api/auth/{...nextauth}": "next-auth's own sign-in, callback and session endpoints (framework, not Vigil's API)",
};

/** The answer body of every error: lib/server/api/errors.ts. */
export const ZApiErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), issues: z.array(z.object({ path: z.string(), message: z.string() })).optional() }),
});
