import DownloadIcon from '@mui/icons-material/Download';
import { Alert, Box, Button, MenuItem, Stack, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { Title, useNotify, useTranslate } from 'react-admin';
import { api } from '../../api/http';
import { SectionCard } from '../../components/Section';
import { usePerms } from '../../components/usePerms';
import { saveText } from '../../api/download';
import { cryptoActions, type ImportParameters } from '../crypto/config';
import type { KmsKey } from '../crypto/types';
import { base64ToText, fileToBase64, textToBase64 } from '../signing/base64';

const T = 'resources.kms-tools';
const mono = { fontFamily: 'monospace', fontSize: 12, wordBreak: 'break-all' as const };

/** A key picker over the keys the API lists for this account (a tenant sees only its own). */
function KeySelect({ keys, value, onChange, testId }: { keys: KmsKey[]; value: string; onChange(id: string): void; testId: string }) {
  const translate = useTranslate();
  return (
    <TextField select size="small" sx={{ minWidth: 320 }} label={translate(`${T}.key`)} value={value} onChange={(e) => onChange(e.target.value)} SelectProps={{ SelectDisplayProps: { 'data-testid': testId } as object }}>
      {keys.map((k) => (
        <MenuItem key={k.id} value={k.id}>
          {k.alias} ({k.state}, v{k.currentVersion})
        </MenuItem>
      ))}
    </TextField>
  );
}

/** Encrypt/decrypt a test payload: proves a key works end to end (every use lands in the key-usage log). */
function EncryptTest({ keys }: { keys: KmsKey[] }) {
  const translate = useTranslate();
  const notify = useNotify();
  const usable = keys.filter((k) => k.state === 'enabled');
  const [keyId, setKeyId] = useState('');
  const [plain, setPlain] = useState('');
  const [cipher, setCipher] = useState('');
  const [back, setBack] = useState<string | null>(null);
  const run = async (f: () => Promise<void>) => {
    try {
      await f();
    } catch (e) {
      notify((e as Error).message, { type: 'error' });
    }
  };
  return (
    <SectionCard title={translate(`${T}.encrypt_title`)} testId="kms-encrypt">
      <Stack spacing={2}>
        <KeySelect keys={usable} value={keyId} onChange={setKeyId} testId="encrypt-key" />
        <TextField multiline minRows={2} label={translate(`${T}.plaintext`)} value={plain} onChange={(e) => setPlain(e.target.value)} inputProps={{ 'data-testid': 'encrypt-plaintext' }} />
        <Stack direction="row" spacing={1}>
          <Button variant="contained" disabled={!keyId || !plain} data-testid="encrypt-submit" onClick={() => run(async () => setCipher((await cryptoActions.encrypt(keyId, textToBase64(plain))).ciphertext))}>
            {translate(`${T}.encrypt`)}
          </Button>
          <Button variant="outlined" disabled={!cipher} data-testid="decrypt-submit" onClick={() => run(async () => setBack(base64ToText((await cryptoActions.decrypt(cipher.trim())).plaintext)))}>
            {translate(`${T}.decrypt`)}
          </Button>
        </Stack>
        <TextField multiline minRows={2} label={translate(`${T}.ciphertext`)} value={cipher} onChange={(e) => (setCipher(e.target.value), setBack(null))} inputProps={{ 'data-testid': 'encrypt-ciphertext', style: mono }} helperText={translate(`${T}.ciphertext_hint`)} />
        {back !== null && (
          <Alert severity={back === plain ? 'success' : 'info'} data-testid="decrypt-result">
            {translate(`${T}.decrypted`)}: <span style={mono}>{back}</span>
          </Alert>
        )}
      </Stack>
    </SectionCard>
  );
}

/** GenerateDataKey: the plaintext data key is shown once; the blob is what an application stores next to its data. */
function DataKey({ keys }: { keys: KmsKey[] }) {
  const translate = useTranslate();
  const notify = useNotify();
  const usable = keys.filter((k) => k.state === 'enabled');
  const [keyId, setKeyId] = useState('');
  const [spec, setSpec] = useState('SM4_128');
  const [result, setResult] = useState<{ plaintext: string; ciphertext: string; keyVersion: number } | null>(null);
  return (
    <SectionCard title={translate(`${T}.datakey_title`)} testId="kms-datakey">
      <Stack spacing={2}>
        <Stack direction="row" spacing={2}>
          <KeySelect keys={usable} value={keyId} onChange={setKeyId} testId="datakey-key" />
          <TextField select size="small" label={translate(`${T}.key_spec`)} value={spec} onChange={(e) => setSpec(e.target.value)}>
            <MenuItem value="SM4_128">SM4_128</MenuItem>
            <MenuItem value="SM4_CTR_HMAC_256">SM4_CTR_HMAC_256</MenuItem>
          </TextField>
        </Stack>
        <Box>
          <Button
            variant="contained"
            disabled={!keyId}
            data-testid="datakey-submit"
            onClick={async () => {
              try {
                setResult(await cryptoActions.generateDataKey(keyId, spec));
              } catch (e) {
                notify((e as Error).message, { type: 'error' });
              }
            }}
          >
            {translate(`${T}.generate`)}
          </Button>
        </Box>
        {result && (
          <Alert severity="warning" data-testid="datakey-result">
            <Typography>{translate(`${T}.plaintext_once`)}</Typography>
            <Typography>
              {translate(`${T}.plaintext_key`)}: <span style={mono}>{result.plaintext}</span>
            </Typography>
            <Typography>
              {translate(`${T}.wrapped_key`)} (v{result.keyVersion}): <span style={mono}>{result.ciphertext}</span>
            </Typography>
          </Alert>
        )}
      </Stack>
    </SectionCard>
  );
}

/** BYOK: the KMS's one-time SM2 wrapping key, the exact wrapping steps, and the upload of the wrapped material. */
function Byok({ keys, onImported }: { keys: KmsKey[]; onImported(): void }) {
  const translate = useTranslate();
  const notify = useNotify();
  const external = keys.filter((k) => k.origin === 'external' && k.state !== 'deleted' && k.state !== 'pending_deletion');
  const [keyId, setKeyId] = useState('');
  const [params, setParams] = useState<ImportParameters | null>(null);
  const [material, setMaterial] = useState('');
  const [format, setFormat] = useState<'asn1' | 'c1c3c2'>('asn1');
  if (external.length === 0) return <SectionCard title={translate(`${T}.byok_title`)} testId="kms-byok"><Typography color="text.secondary">{translate(`${T}.byok_none`)}</Typography></SectionCard>;
  const steps = [
    'openssl rand -out key.bin 16',
    'openssl pkeyutl -encrypt -pubin -inkey wrapping-key.pem -in key.bin -out key.enc',
    'base64 -w0 key.enc > key.enc.b64',
    'shred -u key.bin',
  ];
  return (
    <SectionCard title={translate(`${T}.byok_title`)} testId="kms-byok">
      <Stack spacing={2}>
        <Typography color="text.secondary">{translate(`${T}.byok_hint`)}</Typography>
        <Stack direction="row" spacing={1} alignItems="center">
          <KeySelect keys={external} value={keyId} onChange={(id) => (setKeyId(id), setParams(null))} testId="byok-key" />
          <Button
            variant="outlined"
            disabled={!keyId}
            data-testid="byok-params"
            onClick={async () => {
              try {
                setParams(await cryptoActions.importParameters(keyId));
              } catch (e) {
                notify((e as Error).message, { type: 'error' });
              }
            }}
          >
            {translate(`${T}.get_wrapping_key`)}
          </Button>
        </Stack>
        {params && (
          <>
            <Alert severity="info" data-testid="byok-wrapping">
              <Typography>{translate(`${T}.wrapping_algorithm`)}: {params.wrappingAlgorithm}</Typography>
              <Typography>{translate(`${T}.expires`)}: {new Date(params.expiresAt).toLocaleString()}</Typography>
              <Typography>
                {translate(`${T}.public_key_hex`)}: <span style={mono}>{params.publicKeyHex}</span>
              </Typography>
            </Alert>
            <Button variant="outlined" startIcon={<DownloadIcon />} sx={{ alignSelf: 'flex-start' }} onClick={() => saveText('wrapping-key.pem', params.publicKeyPem)}>
              {translate(`${T}.download_wrapping_key`)}
            </Button>
            <Typography fontWeight="bold">{translate(`${T}.steps`)}</Typography>
            <Box component="pre" sx={{ ...mono, bgcolor: 'action.hover', p: 1, m: 0, whiteSpace: 'pre-wrap' }} data-testid="byok-steps">
              {steps.join('\n')}
            </Box>
            <Typography variant="body2" color="text.secondary">
              {translate(`${T}.format_hint`)}
            </Typography>
            <Stack direction="row" spacing={1} alignItems="center">
              <Button variant="outlined" component="label">
                {translate(`${T}.choose_material`)}
                <input hidden type="file" onChange={async (e) => { const f = e.target.files?.[0]; if (f) setMaterial(f.name.endsWith('.b64') ? (await f.text()).trim() : await fileToBase64(f)); }} />
              </Button>
              <TextField select size="small" label={translate(`${T}.format`)} value={format} onChange={(e) => setFormat(e.target.value as 'asn1' | 'c1c3c2')}>
                <MenuItem value="asn1">asn1 (openssl pkeyutl)</MenuItem>
                <MenuItem value="c1c3c2">c1c3c2 (04‖C1‖C3‖C2, sm-crypto)</MenuItem>
              </TextField>
            </Stack>
            <TextField multiline minRows={2} label={translate(`${T}.material`)} value={material} onChange={(e) => setMaterial(e.target.value.trim())} inputProps={{ 'data-testid': 'byok-material', style: mono }} />
            <Box>
              <Button
                variant="contained"
                disabled={!material}
                data-testid="byok-import"
                onClick={async () => {
                  try {
                    const k = await cryptoActions.importMaterial(keyId, { importToken: params.importToken, encryptedKeyMaterial: material, format });
                    notify(`${T}.imported`, { type: 'success', messageArgs: { alias: k.alias, version: k.currentVersion } });
                    setParams(null);
                    setMaterial('');
                    onImported();
                  } catch (e) {
                    notify((e as Error).message, { type: 'error' });
                  }
                }}
              >
                {translate(`${T}.import`)}
              </Button>
            </Box>
          </>
        )}
      </Stack>
    </SectionCard>
  );
}

/** KMS tools: a test encryption round trip, GenerateDataKey, and BYOK import — each gated by the API's permission. */
export const KmsToolsPage = () => {
  const translate = useTranslate();
  const { can } = usePerms();
  const [keys, setKeys] = useState<KmsKey[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    api<{ items: KmsKey[] }>('GET', '/api/kms/keys', { query: { limit: 100 } })
      .then((r) => setKeys(r.items))
      .catch((e: Error) => setError(e.message));
  useEffect(() => {
    void load();
  }, []);
  const use = can('kms-tools', 'use');
  const manage = can('kms-tools', 'import');
  return (
    <Box sx={{ p: 2 }}>
      <Title title={translate(`${T}.title`)} />
      <Typography color="text.secondary" sx={{ mb: 2 }}>
        {translate(`${T}.hint`)}
      </Typography>
      {error && <Alert severity="error">{error}</Alert>}
      {!use && !manage && <Alert severity="info">{translate(`${T}.no_permission`)}</Alert>}
      {keys && (
        <Stack spacing={2}>
          {use && <EncryptTest keys={keys} />}
          {use && <DataKey keys={keys} />}
          {manage && <Byok keys={keys} onImported={() => void load()} />}
        </Stack>
      )}
    </Box>
  );
};
