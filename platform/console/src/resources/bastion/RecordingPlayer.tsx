import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import { Alert, Box, Button, CircularProgress, Typography } from '@mui/material';
import * as AsciinemaPlayer from 'asciinema-player';
import 'asciinema-player/dist/bundle/asciinema-player.css';
import { useEffect, useRef, useState } from 'react';
import { useTranslate } from 'react-admin';

const R = 'bastion-sessions';

/**
 * Replays a session's asciicast v2 recording with asciinema-player. The file is fetched only when asked for,
 * because every fetch of it is written to the audit trail (`bastion_recording.viewed`).
 */
export const RecordingPlayer = ({ sessionId, hasRecording }: { sessionId: string; hasRecording: boolean }) => {
  const t = useTranslate();
  const box = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'idle' | 'loading' | 'ready' | 'failed'>('idle');
  const [problem, setProblem] = useState('');
  const [cast, setCast] = useState<string | null>(null);

  const load = async () => {
    setState('loading');
    try {
      const res = await fetch(`/api/bastion/sessions/${encodeURIComponent(sessionId)}/recording`, { credentials: 'same-origin' });
      if (!res.ok) {
        const p = (await res.json().catch(() => ({}))) as { detail?: string };
        throw new Error(p.detail ?? String(res.status));
      }
      setCast(await res.text());
      setState('ready');
    } catch (e) {
      setProblem((e as Error).message);
      setState('failed');
    }
  };

  useEffect(() => {
    if (!cast || !box.current) return;
    const player = AsciinemaPlayer.create({ data: cast }, box.current, { autoPlay: true, fit: 'width', idleTimeLimit: 2, terminalFontFamily: '"WenQuanYi Micro Hei Mono", "Noto Sans Mono CJK SC", monospace' });
    return () => player.dispose();
  }, [cast]);

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
      <Box ref={box} data-testid="recording-player" sx={{ maxWidth: 1000 }} />
    </Box>
  );
};
