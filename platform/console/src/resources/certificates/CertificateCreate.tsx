import DownloadIcon from '@mui/icons-material/Download';
import { Alert, Box, Button, Card, CardContent, Stack, Typography } from '@mui/material';
import { useState } from 'react';
import { BooleanInput, Form, NumberInput, SaveButton, SelectInput, TextInput, Title, maxValue, minValue, required, useDataProvider, useNotify, useRedirect, useTranslate } from 'react-admin';
import { ApiError } from '../../api/http';
import { choicesOf } from '../../components/choices';
import { FormGrid, FormHeading } from '../../components/Section';
import type { YiyunDataProvider } from '../../providers/dataProvider';
import { CERT_PROFILES, type IssueResult } from '../crypto/types';
import { PemBlock } from './CertificateFields';
import { saveText } from '../../api/download';

/** "a, b\nc" → ['a','b','c']; empty → undefined (the API's lists are optional). */
const listOf = (v: unknown): string[] | undefined => {
  const items = String(v ?? '')
    .split(/[\s,，]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
};

const KeyBlock = ({ title, pem, file }: { title: string; pem: string; file: string }) => {
  const translate = useTranslate();
  return (
    <Box sx={{ mb: 2 }}>
      <Stack direction="row" alignItems="center" justifyContent="space-between" sx={{ mb: 0.5 }}>
        <Typography variant="subtitle2">{translate(title)}</Typography>
        <Button size="small" startIcon={<DownloadIcon />} onClick={() => saveText(file, pem)}>
          {translate('resources.certificates.actions.download_key')}
        </Button>
      </Stack>
      <PemBlock pem={pem} />
    </Box>
  );
};

/** The answer of an issue: the pair, and the private keys generated here, shown this once. */
const Issued = ({ result }: { result: IssueResult }) => {
  const translate = useTranslate();
  const redirect = useRedirect();
  const cn = result.signing.commonName.replace(/[^\w.-]+/g, '_');
  return (
    <Card sx={{ mt: 2 }} data-testid="cert-issued">
      <CardContent>
        <Typography variant="h6" gutterBottom>
          {translate('resources.certificates.issued.title')}
        </Typography>
        <Alert severity="warning" sx={{ mb: 2 }}>
          {translate('resources.certificates.issued.intro')}
        </Alert>
        <Typography variant="body2" sx={{ mb: 2 }}>
          {result.signing.subject} · {translate('resources.certificates.fields.serial')} <code data-testid="cert-issued-serial">{result.signing.serial}</code>
          {result.encryption && (
            <>
              {' '}
              · {translate('resources.certificates.choices.usage.encryption')} <code>{result.encryption.serial}</code>
            </>
          )}
        </Typography>
        {result.signingPrivateKeyPem && <KeyBlock title="resources.certificates.issued.signing_key" pem={result.signingPrivateKeyPem} file={`${cn}-signing.key`} />}
        {result.encryptionPrivateKeyPem && <KeyBlock title="resources.certificates.issued.encryption_key" pem={result.encryptionPrivateKeyPem} file={`${cn}-encryption.key`} />}
        {result.encryptionPrivateKeyEnvelope && <KeyBlock title="resources.certificates.issued.envelope" pem={result.encryptionPrivateKeyEnvelope} file={`${cn}-encryption.envelope`} />}
        <Button variant="contained" onClick={() => redirect('show', 'certificates', result.signing.id)} data-testid="cert-open-signing">
          {translate('resources.certificates.actions.open_signing')}
        </Button>
      </CardContent>
    </Card>
  );
};

/** Issue a signing (+ encryption, 双证书) SM2 certificate pair with its SAN and validity (ca.issue). */
export const CertificateCreate = () => {
  const translate = useTranslate();
  const notify = useNotify();
  const dp = useDataProvider<YiyunDataProvider>();
  const [result, setResult] = useState<IssueResult | null>(null);
  return (
    <Box>
      <Title title={translate('resources.certificates.sections.issue')} />
      {result ? (
        <Issued result={result} />
      ) : (
        <Card sx={{ mt: 2 }}>
          <Form
            record={{ profile: 'service', validityDays: 365, dual: true }}
            resource="certificates"
            onSubmit={async (v: Record<string, any>) => {
              const body: Record<string, unknown> = {
                profile: v.profile,
                commonName: String(v.commonName ?? '').trim(),
                validityDays: Number(v.validityDays),
                dual: !!v.dual,
              };
              for (const f of ['organization', 'organizationalUnit', 'signingPublicKeyPem'] as const) if (v[f] && String(v[f]).trim()) body[f] = String(v[f]).trim();
              for (const f of ['dnsNames', 'ipAddresses', 'emails'] as const) {
                const l = listOf(v[f]);
                if (l) body[f] = l;
              }
              try {
                setResult(await dp.issueCertificate(body));
                notify('resources.certificates.notifications.issued', { type: 'success' });
              } catch (err) {
                notify((err as Error).message || 'ra.notification.http_error', { type: 'error' });
                if (err instanceof ApiError) {
                  const { root: _root, ...fieldErrors } = (err.body?.errors ?? {}) as Record<string, unknown>;
                  return fieldErrors;
                }
              }
            }}
          >
            <CardContent>
              <FormHeading title="resources.certificates.sections.subject" />
              <FormGrid>
                <TextInput source="commonName" validate={required()} />
                <SelectInput source="profile" choices={choicesOf('certificates', 'profile', CERT_PROFILES)} validate={required()} />
                <TextInput source="organization" />
                <TextInput source="organizationalUnit" />
              </FormGrid>
              <FormHeading title="resources.certificates.fields.san" />
              <FormGrid columns={3}>
                <TextInput source="dnsNames" multiline helperText="resources.certificates.helpers.list" />
                <TextInput source="ipAddresses" multiline helperText="resources.certificates.helpers.list" />
                <TextInput source="emails" multiline helperText="resources.certificates.helpers.list" />
              </FormGrid>
              <FormHeading title="resources.certificates.sections.validity" />
              <FormGrid>
                <NumberInput source="validityDays" validate={[required(), minValue(1), maxValue(3650)]} />
                <BooleanInput source="dual" />
              </FormGrid>
              <TextInput source="signingPublicKeyPem" multiline fullWidth minRows={3} helperText="resources.certificates.helpers.signingPublicKeyPem" />
              <Box sx={{ mt: 1 }}>
                <SaveButton label="resources.certificates.actions.issue" alwaysEnable data-testid="cert-issue-submit" />
              </Box>
            </CardContent>
          </Form>
        </Card>
      )}
    </Box>
  );
};
