import BlockIcon from '@mui/icons-material/Block';
import { Button, Grid } from '@mui/material';
import { useState } from 'react';
import { Link, SelectInput, Show, TopToolbar, required, useDataProvider, useNotify, useRecordContext, useRefresh, useTranslate } from 'react-admin';
import { choicesOf } from '../../components/choices';
import { DateTimeField, Mono } from '../../components/fields';
import { FormDialog } from '../../components/FormDialog';
import { FieldGrid, Item, SectionCard } from '../../components/Section';
import { usePerms } from '../../components/usePerms';
import type { YiyunDataProvider } from '../../providers/dataProvider';
import { REVOCATION_REASONS, type Certificate } from '../crypto/types';
import { CertStatusChip, DownloadCertButton, PemBlock, SanChips } from './CertificateFields';

const CertActions = () => {
  const r = useRecordContext<Certificate>();
  const { can } = usePerms();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const dp = useDataProvider<YiyunDataProvider>();
  const [open, setOpen] = useState(false);
  if (!r) return <TopToolbar />;
  return (
    <TopToolbar>
      <DownloadCertButton id={r.id} />
      {can('certificates', 'revoke') && r.status === 'valid' && (
        <Button size="small" color="error" startIcon={<BlockIcon />} onClick={() => setOpen(true)} data-testid="cert-revoke">
          {translate('resources.certificates.actions.revoke')}
        </Button>
      )}
      <FormDialog
        open={open}
        title={translate('resources.certificates.actions.revoke_title', { name: `${r.commonName} (${translate(`resources.certificates.choices.usage.${r.usage}`)})` })}
        record={{ reason: 'unspecified' }}
        maxWidth="sm"
        testId="cert-revoke-dialog"
        onClose={() => setOpen(false)}
        onSubmit={async (v) => {
          await dp.revokeCertificate(r.id, String(v.reason));
          notify('resources.certificates.notifications.revoked', { type: 'success' });
          refresh();
        }}
      >
        <p>{translate('resources.certificates.actions.revoke_content')}</p>
        <SelectInput source="reason" resource="certificates" choices={choicesOf('certificates', 'reason', REVOCATION_REASONS)} validate={required()} />
      </FormDialog>
    </TopToolbar>
  );
};

const CertDetails = () => {
  const r = useRecordContext<Certificate>();
  const translate = useTranslate();
  if (!r) return null;
  return (
    <Grid container spacing={2} sx={{ mt: 0.5 }}>
      <Grid size={{ xs: 12, md: 6 }}>
        <SectionCard title="resources.certificates.sections.subject" testId="cert-subject">
          <FieldGrid>
            <Item source="commonName">{r.commonName}</Item>
            <Item source="usage">{translate(`resources.certificates.choices.usage.${r.usage}`)}</Item>
            <Item source="subject">
              <Mono>{r.subject}</Mono>
            </Item>
            <Item source="profile">{translate(`resources.certificates.choices.profile.${r.profile}`)}</Item>
            <Item source="san">
              <SanChips san={r.san} />
            </Item>
            <Item source="pairId">
              <Link to={`/certificates?filter=${encodeURIComponent(JSON.stringify({ q: r.commonName }))}`}>
                <Mono>{r.pairId}</Mono>
              </Link>
            </Item>
            <Item source="serial">
              <Mono>{r.serial}</Mono>
            </Item>
            <Item source="publicKey">
              <Mono>{r.publicKey}</Mono>
            </Item>
          </FieldGrid>
        </SectionCard>
      </Grid>
      <Grid size={{ xs: 12, md: 6 }}>
        <SectionCard title="resources.certificates.sections.validity">
          <FieldGrid>
            <Item source="status">
              <span data-testid="cert-status" data-status={r.status}>
                <CertStatusChip record={r} />
              </span>
            </Item>
            <Item source="zone">{r.zone}</Item>
            <Item source="notBefore">
              <DateTimeField source="notBefore" />
            </Item>
            <Item source="notAfter">
              <DateTimeField source="notAfter" />
            </Item>
            <Item source="revokedAt">
              <DateTimeField source="revokedAt" />
            </Item>
            <Item source="revocationReason">{r.revocationReason ? translate(`resources.certificates.choices.reason.${r.revocationReason}`, { _: r.revocationReason }) : translate('yiyun.common.none')}</Item>
            <Item source="createdBy">{r.createdBy}</Item>
            <Item source="createdAt">
              <DateTimeField source="createdAt" />
            </Item>
            <Item source="escrowed">{translate(r.escrowed ? 'yiyun.common.yes' : 'yiyun.common.no')}</Item>
            <Item source="tenantId">{r.tenantId ? <Mono>{r.tenantId}</Mono> : translate('yiyun.common.platform')}</Item>
          </FieldGrid>
        </SectionCard>
      </Grid>
      <Grid size={12}>
        <SectionCard title="resources.certificates.sections.pem">
          <PemBlock pem={r.certificatePem} testId="cert-pem" />
        </SectionCard>
      </Grid>
    </Grid>
  );
};

/** One certificate: subject, SAN, validity and status, the PEM; download and revoke. */
export const CertificateShow = () => (
  <Show actions={<CertActions />} component="div">
    <CertDetails />
  </Show>
);
