import DownloadIcon from '@mui/icons-material/Download';
import { Alert, Box, Button, Stack, TextField, ToggleButton, ToggleButtonGroup, Typography } from '@mui/material';
import { useState } from 'react';
import { Title, useNotify, useTranslate } from 'react-admin';
import { SectionCard } from '../../components/Section';
import { usePerms } from '../../components/usePerms';
import { saveText } from '../../api/download';
import { cryptoActions, type SignatureCheck } from '../crypto/config';
import { fileToBase64, MAX_PAYLOAD_BYTES, textToBase64 } from './base64';

const T = 'resources.signing';

/** A pasted text or a chosen file, as the base64 payload the API signs or verifies. */
function PayloadInput({ idPrefix, onChange }: { idPrefix: string; onChange(p: { b64: string; name: string } | null): void }) {
  const translate = useTranslate();
  const [mode, setMode] = useState<'text' | 'file'>('text');
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  return (
    <Stack spacing={1}>
      <ToggleButtonGroup size="small" exclusive value={mode} onChange={(_, v: 'text' | 'file' | null) => v && (setMode(v), onChange(null), setText(''), setFileName(null))}>
        <ToggleButton value="text" data-testid={`${idPrefix}-mode-text`}>{translate(`${T}.text`)}</ToggleButton>
        <ToggleButton value="file" data-testid={`${idPrefix}-mode-file`}>{translate(`${T}.file`)}</ToggleButton>
      </ToggleButtonGroup>
      {mode === 'text' ? (
        <TextField
          multiline
          minRows={3}
          label={translate(`${T}.payload`)}
          value={text}
          inputProps={{ 'data-testid': `${idPrefix}-text` }}
          onChange={(e) => {
            setText(e.target.value);
            onChange(e.target.value ? { b64: textToBase64(e.target.value), name: 'text.txt' } : null);
          }}
        />
      ) : (
        <Box>
          <Button variant="outlined" component="label">
            {translate(`${T}.choose_file`)}
            <input
              hidden
              type="file"
              data-testid={`${idPrefix}-file`}
              onChange={async (e) => {
                const f = e.target.files?.[0];
                if (!f) return;
                if (f.size > MAX_PAYLOAD_BYTES) {
                  setFileName(translate(`${T}.too_large`));
                  onChange(null);
                  return;
                }
                setFileName(f.name);
                onChange({ b64: await fileToBase64(f), name: f.name });
              }}
            />
          </Button>
          {fileName && <Typography sx={{ ml: 1, display: 'inline' }}>{fileName}</Typography>}
        </Box>
      )}
    </Stack>
  );
}

/** The signing service in the console: detached SM2 signatures (yiyun-sig/1) of a text or a file, and their verification. */
export const SigningPage = () => {
  const translate = useTranslate();
  const notify = useNotify();
  const { can } = usePerms();
  const [toSign, setToSign] = useState<{ b64: string; name: string } | null>(null);
  const [label, setLabel] = useState('');
  const [envelope, setEnvelope] = useState<Record<string, unknown> | null>(null);
  const [signedName, setSignedName] = useState('payload');
  const [toVerify, setToVerify] = useState<{ b64: string; name: string } | null>(null);
  const [sigText, setSigText] = useState('');
  const [check, setCheck] = useState<SignatureCheck | null>(null);
  const [busy, setBusy] = useState(false);

  if (!can('signing', 'use')) return <Alert severity="info">{translate(`${T}.no_permission`)}</Alert>;

  const sign = async () => {
    if (!toSign) return;
    setBusy(true);
    try {
      const r = await cryptoActions.sign(toSign.b64, label || undefined);
      setEnvelope(r.envelope);
      setSignedName(toSign.name);
      notify(`${T}.signed`, { type: 'success' });
    } catch (e) {
      notify((e as Error).message, { type: 'error' });
    } finally {
      setBusy(false);
    }
  };

  const verify = async () => {
    if (!toVerify || !sigText.trim()) return;
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(sigText) as Record<string, unknown>;
    } catch {
      setCheck({ valid: false, reason: translate(`${T}.not_json`), signer: null, serial: null, signedAt: null, label: null, chain: [] });
      return;
    }
    setBusy(true);
    try {
      setCheck(await cryptoActions.verifySignature(toVerify.b64, parsed));
    } catch (e) {
      notify((e as Error).message, { type: 'error' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box sx={{ p: 2 }}>
      <Title title={translate(`${T}.title`)} />
      <Typography color="text.secondary" sx={{ mb: 2 }}>
        {translate(`${T}.hint`)}
      </Typography>
      <Stack spacing={2}>
        <SectionCard title={translate(`${T}.sign_title`)} testId="signing-sign">
          <Stack spacing={2}>
            <PayloadInput idPrefix="sign" onChange={setToSign} />
            <TextField size="small" label={translate(`${T}.label`)} value={label} onChange={(e) => setLabel(e.target.value.slice(0, 200))} inputProps={{ 'data-testid': 'sign-label' }} />
            <Box>
              <Button variant="contained" disabled={!toSign || busy} onClick={sign} data-testid="sign-submit">
                {translate(`${T}.sign`)}
              </Button>
            </Box>
            {envelope && (
              <>
                <Button
                  variant="outlined"
                  startIcon={<DownloadIcon />}
                  sx={{ alignSelf: 'flex-start' }}
                  data-testid="sign-download"
                  onClick={() => saveText(`${signedName}.sig.json`, `${JSON.stringify(envelope, null, 2)}\n`, 'application/json')}
                >
                  {translate(`${T}.download`)}
                </Button>
                <TextField multiline minRows={6} maxRows={16} value={JSON.stringify(envelope, null, 2)} inputProps={{ readOnly: true, 'data-testid': 'sign-envelope', style: { fontFamily: 'monospace', fontSize: 12 } }} />
              </>
            )}
          </Stack>
        </SectionCard>

        <SectionCard title={translate(`${T}.verify_title`)} testId="signing-verify">
          <Stack spacing={2}>
            <PayloadInput idPrefix="verify" onChange={(p) => (setToVerify(p), setCheck(null))} />
            <Box>
              <Button variant="outlined" component="label">
                {translate(`${T}.choose_signature`)}
                <input hidden type="file" accept=".json,application/json" data-testid="verify-sig-file" onChange={async (e) => { const f = e.target.files?.[0]; if (f) { setSigText(await f.text()); setCheck(null); } }} />
              </Button>
            </Box>
            <TextField multiline minRows={4} maxRows={12} label={translate(`${T}.signature`)} value={sigText} onChange={(e) => (setSigText(e.target.value), setCheck(null))} inputProps={{ 'data-testid': 'verify-signature', style: { fontFamily: 'monospace', fontSize: 12 } }} />
            <Box>
              <Button variant="contained" disabled={!toVerify || !sigText.trim() || busy} onClick={verify} data-testid="verify-submit">
                {translate(`${T}.verify`)}
              </Button>
            </Box>
            {check && (
              <Alert severity={check.valid ? 'success' : 'error'} data-testid="verify-result">
                <Typography fontWeight="bold">{translate(check.valid ? `${T}.valid` : `${T}.invalid`)}</Typography>
                {check.reason && <Typography>{check.reason}</Typography>}
                {check.signer && <Typography>{translate(`${T}.signer`)}: {check.signer}</Typography>}
                {check.serial && <Typography>{translate(`${T}.serial`)}: <code>{check.serial}</code></Typography>}
                {check.signedAt && <Typography>{translate(`${T}.signed_at`)}: {new Date(check.signedAt).toLocaleString()}</Typography>}
                {check.label && <Typography>{translate(`${T}.label`)}: {check.label}</Typography>}
                {check.chain.length > 0 && <Typography>{translate(`${T}.chain`)}: {check.chain.join(' → ')}</Typography>}
              </Alert>
            )}
          </Stack>
        </SectionCard>
      </Stack>
    </Box>
  );
};
