/** Polls `cond` until it holds; throws "timed out waiting for <what>" after `ms`. */
export async function waitFor(cond: () => boolean, what: string, ms = 20_000, everyMs = 5): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
