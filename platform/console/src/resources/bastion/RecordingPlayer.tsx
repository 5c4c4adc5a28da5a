import PauseIcon from '@mui/icons-material/Pause';
import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import ReplayIcon from '@mui/icons-material/Replay';
import { Alert, Box, Button, CircularProgress, IconButton, LinearProgress, MenuItem, Select, Stack, Typography } from '@mui/material';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { useTranslate } from 'react-admin';
import { parseCast, type Cast } from './asciicast';

const R = 'bastion-sessions';

/**
 * Replays a session's asciicast v2 recording in an xterm.js terminal, applying each output event at its time.
 *
 * Why not asciinema-player: 3.x runs its terminal emulator as WebAssembly, which the console's CSP
 * (`script-src 'self'`, no 'wasm-unsafe-eval') refuses; xterm.js is plain JavaScript. The file is fetched only
 * when asked for, because every fetch of it is written to the audit trail (`bastion_recording.viewed`).
 */
export const RecordingPlayer = ({ sessionId, hasRecording }: { sessionId: string; hasRecording: boolean }) => {
  const t = useTranslate();
  const box = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'idle' | 'loading' | 'ready' | 'failed'>('idle');
  const [problem, setProblem] = useState('');
  const [cast, setCast] = useState<Cast | null>(null);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  const [position, setPosition] = useState(0);
  const [run, setRun] = useState(0);
  const term = useRef<Terminal | null>(null);
  const next = useRef(0);

  const load = async () => {
    setState('loading');
    try {
      const res = await fetch(`/api/bastion/sessions/${encodeURIComponent(sessionId)}/recording`, { credentials: 'same-origin' });
      if (!res.ok) {
        const p = (await res.json().catch(() => ({}))) as { detail?: string };
        throw new Error(p.detail ?? String(res.status));
      }
      setCast(parseCast(await res.text()));
      setState('ready');
      setPlaying(true);
    } catch (e) {
      setProblem((e as Error).message);
      setState('failed');
    }
  };

  // One terminal per recording (and per restart).
  useEffect(() => {
    if (!cast || !box.current) return;
    const x = new Terminal({ cols: cast.width, rows: cast.height, convertEol: false, disableStdin: true, cursorBlink: false, fontFamily: '"WenQuanYi Micro Hei Mono", "Noto Sans Mono CJK SC", monospace', fontSize: 14, scrollback: 5000 });
    x.open(box.current);
    term.current = x;
    next.current = 0;
    setPosition(0);
    return () => {
      x.dispose();
      term.current = null;
    };
  }, [cast, run]);

  // The clock: writes every frame whose time has come, then sleeps until the next one.
  useEffect(() => {
    if (!cast || !playing) return;
    let timer: ReturnType<typeof setTimeout>;
    let clock = cast.frames[next.current - 1]?.at ?? 0;
    const step = () => {
      const x = term.current;
      if (!x) return;
      const f = cast.frames[next.current];
      if (!f) {
        setPlaying(false);
        setPosition(cast.duration);
        return;
      }
      if (f.kind === 'o') x.write(f.data);
      else {
        const [c, r] = f.data.split('x').map(Number);
        if (c && r) x.resize(c, r);
      }
      next.current += 1;
      setPosition(f.at);
      const after = cast.frames[next.current];
      const wait = after ? Math.max(0, (after.at - f.at) / speed) * 1000 : 0;
      clock = f.at;
      timer = setTimeout(step, wait);
    };
    const first = cast.frames[next.current];
    timer = setTimeout(step, first ? Math.max(0, (first.at - clock) / speed) * 1000 : 0);
    return () => clearTimeout(timer);
  }, [cast, playing, speed, run]);

  if (!hasRecording) return <Typography color="text.secondary">{t(`resources.${R}.recording.none`)}</Typography>;
  return (
    <Box data-testid="recording">
      {state === 'idle' && (
        <>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
            {t(`resources.${R}.recording.audited`)}
          </Typography>
          <Button variant="contained" startIcon={<PlayArrowIcon />} onClick={() => void load()} data-testid="recording-play">
            {t(`resources.${R}.recording.play`)}
          </Button>
        </>
      )}
      {state === 'loading' && (
        <Typography>
          <CircularProgress size={16} sx={{ mr: 1 }} />
          {t(`resources.${R}.recording.loading`)}
        </Typography>
      )}
      {state === 'failed' && <Alert severity="error">{t(`resources.${R}.recording.failed`, { detail: problem })}</Alert>}
      {cast && (
        <Stack direction="row" spacing={1} alignItems="center" sx={{ mb: 1 }}>
          <IconButton size="small" onClick={() => setPlaying((p) => !p)} disabled={next.current >= cast.frames.length && !playing} data-testid="recording-toggle">
            {playing ? <PauseIcon /> : <PlayArrowIcon />}
          </IconButton>
          <IconButton
            size="small"
            onClick={() => {
              setRun((n) => n + 1);
              setPlaying(true);
            }}
          >
            <ReplayIcon />
          </IconButton>
          <Select size="small" value={speed} onChange={(e) => setSpeed(Number(e.target.value))} sx={{ minWidth: 80 }}>
            {[0.5, 1, 2, 4, 8].map((s) => (
              <MenuItem key={s} value={s}>{`${s}×`}</MenuItem>
            ))}
          </Select>
          <Box sx={{ flex: 1 }}>
            <LinearProgress variant="determinate" value={cast.duration ? Math.min(100, (position / cast.duration) * 100) : 100} />
          </Box>
          <Typography variant="caption" sx={{ fontFamily: 'monospace' }}>{`${position.toFixed(1)} / ${cast.duration.toFixed(1)} s`}</Typography>
        </Stack>
      )}
      <Box ref={box} data-testid="recording-player" sx={{ display: 'inline-block', maxWidth: '100%', overflowX: 'auto', bgcolor: '#000', p: cast ? 1 : 0, borderRadius: 1 }} />
    </Box>
  );
};
