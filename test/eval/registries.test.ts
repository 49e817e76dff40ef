/** The grader and provider registries: one entry per member, keyed by its name. */
import { describe, expect, it } from 'vitest';
import { GRADERS, GRADER_NAMES } from '../../src/eval/graders/index.js';
import { PROVIDER_REGISTRY, PROVIDERS } from '../../src/providers/index.js';

describe('registries', () => {
  it('each grader is registered under its own name, and the names are the registry keys', () => {
    for (const [key, def] of Object.entries(GRADERS)) expect(def.name).toBe(key);
    expect(GRADER_NAMES).toEqual(Object.keys(GRADERS));
  });

  it('every provider name loads a client factory, and the names are the registry keys', async () => {
    expect(PROVIDERS).toEqual(Object.keys(PROVIDER_REGISTRY));
    for (const load of Object.values(PROVIDER_REGISTRY)) expect(typeof (await load())).toBe('function');
  });
});
