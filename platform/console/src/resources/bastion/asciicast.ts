/** An asciicast v2 recording as the player needs it: the terminal size and the output/resize events in time order. */
export type Cast = { width: number; height: number; frames: { at: number; kind: 'o' | 'r'; data: string }[]; duration: number };

/**
 * Parses asciicast v2 (a JSON header line, then one `[seconds, code, data]` line per event). Input events
 * (`i`) are kept out of the replay: the screen shows what the terminal showed. Pauses longer than
 * `idleLimit` seconds are shortened to it, as asciinema-player's idleTimeLimit does.
 */
export function parseCast(text: string, idleLimit = 2): Cast {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = JSON.parse(lines[0] ?? '{}') as { version?: number; width?: number; height?: number };
  if (header.version !== 2) throw new Error('not an asciicast v2 recording');
  const frames: Cast['frames'] = [];
  let last = 0;
  let shift = 0;
  for (const line of lines.slice(1)) {
    const ev = JSON.parse(line) as [number, string, string];
    if (!Array.isArray(ev) || typeof ev[0] !== 'number') continue;
    const gap = ev[0] - last;
    if (gap > idleLimit) shift += gap - idleLimit;
    last = ev[0];
    if (ev[1] === 'o' || ev[1] === 'r') frames.push({ at: ev[0] - shift, kind: ev[1], data: String(ev[2]) });
  }
  return { width: header.width ?? 80, height: header.height ?? 24, frames, duration: frames.at(-1)?.at ?? 0 };
}
