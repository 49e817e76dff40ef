/** The router file's schemaVersion that trainRouter writes; src/artifacts/router.ts reads 1 and 2. */
export const ROUTER_MODEL_VERSION = 2;
