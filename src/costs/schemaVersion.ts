/** schemaVersion of `tokor costs --format json` (src/artifacts/costsReport.ts). */
export const COSTS_SCHEMA_VERSION = 1;
