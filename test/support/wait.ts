/**
 * Polls `f` until it returns something truthy and returns that; throws naming `what` after `ms`. Tests wait on
 * outcomes this way instead of sleeping a guessed time.
 */
export async function until<T>(f: () => T | null | undefined | false | Promise<T | null | undefined | false>, what: string, ms = 15_000, everyMs = 100): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
