import DownloadIcon from '@mui/icons-material/Download';
import { Box, Button, Chip, Stack } from '@mui/material';
import { useTranslate } from 'react-admin';
import { StatusChip } from '../../components/fields';
import { certificateDownloadUrl } from '../crypto/config';
import type { Certificate } from '../crypto/types';

export const CERT_STATUS_TONES = { valid: 'success', revoked: 'error' } as const;

export const CertStatusChip = ({ record }: { record: Pick<Certificate, 'status'> }) => <StatusChip resource="certificates" group="status" value={record.status} tones={CERT_STATUS_TONES} />;

export const SanChips = ({ san }: { san: Certificate['san'] }) => (
  <Stack direction="row" spacing={0.5} useFlexGap flexWrap="wrap">
    {san.map((s) => (
      <Chip key={`${s.type}:${s.value}`} size="small" variant="outlined" label={`${s.type}: ${s.value}`} />
    ))}
  </Stack>
);

/** The certificate with its chain as a PEM file (a plain GET: the session cookie is enough). */
export const DownloadCertButton = ({ id }: { id: string }) => {
  const translate = useTranslate();
  return (
    <Button size="small" startIcon={<DownloadIcon />} href={certificateDownloadUrl(id)} data-testid="cert-download">
      {translate('resources.certificates.actions.download')}
    </Button>
  );
};

/** A PEM block, scrollable and selectable. */
export const PemBlock = ({ pem, testId }: { pem: string; testId?: string }) => (
  <Box component="pre" data-testid={testId} sx={{ m: 0, p: 1.5, bgcolor: 'grey.50', border: '1px solid', borderColor: 'grey.200', borderRadius: 1, fontSize: 12, overflowX: 'auto', maxHeight: 280, userSelect: 'all' }}>
    {pem}
  </Box>
);

