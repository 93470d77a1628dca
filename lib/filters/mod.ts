/**
 * What a follower keeps and how noise is folded: the level, `where`,
 * `grep` and `exclude` filters as one predicate (the same on the client and
 * the server) and as query parameters, and the batch stages that join stack
 * traces (`MultilineStream`), fold repeats (`CollapseStream`) and cap a
 * function's rate (`RateLimitStream`).
 *
 * May import `lib/parse/`, `lib/async/`, `lib/errors.ts` and
 * `lib/types.ts`; uses no Deno API (timers are the web's).
 *
 * @module
 */
export { compileLogFilter, filterBatch, isEmptyFilter, type LogFilter } from "./log_filter.ts";
export { parseWhereClause, type WhereClause, type WhereOperator } from "./where_clause.ts";
export { FILTER_PARAMS, filterQueryPairs, parseFilterParams } from "./filter_params.ts";
export { compileFollowFilter, type FollowFilterOptions } from "./follow_filter.ts";
export { continuation, startMode, type TraceMode } from "./continuation.ts";
export { type MultilineOptions, MultilineStream } from "./multiline_stream.ts";
export { type CollapseOptions, CollapseStream, maskVariables } from "./collapse_stream.ts";
export { type RateLimitOptions, RateLimitStream } from "./rate_limit_stream.ts";
