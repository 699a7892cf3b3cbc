/** Where an import is: waiting for its file, then the life of its job. */
export const IMPORT_STATUSES = ['AWAITING_FILE', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
