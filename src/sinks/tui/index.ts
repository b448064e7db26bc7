export { DEFAULT_RETENTION, SessionStore, type EvictionCounts, type SessionObserver, type SessionStoreOptions } from './session-store.js';
export { NO_FILTER, isEmptyFilter, type SessionFilter } from './session-filter.js';
export { DEFAULT_SCAN_PER_FRAME, SessionView } from './session-view.js';
export { isFailedAttempt, isFailedSession } from './session-failure.js';
export { buildSearchKey } from './search-key.js';
export { LATENCY_MAX_MS, LATENCY_MIN_MS, LATENCY_RELATIVE_ERROR, LatencyHistogram } from './latency-histogram.js';
export { NO_UPSTREAM, SummaryStats, type GroupSummary } from './summary-stats.js';
export { FOLLOW, buildViewport, moveSelection, type Viewport, type ViewportRow, type ViewportState } from './viewport.js';
export { buildSessionDetail, storyStepsOf, type DetailLine, type DetailTone, type StoryStep } from './session-story.js';
