import { Alert, Grid, Table, TableBody, TableCell, TableHead, TableRow } from '@mui/material';
import { Show, TopToolbar, useRecordContext, useTranslate } from 'react-admin';
import { DateTimeField, Mono } from '../../components/fields';
import { FieldGrid, Item, SectionCard } from '../../components/Section';
import type { FerryTransfer } from '../crypto/types';
import { TransferStatus } from './TransferList';

const TransferDetails = () => {
  const r = useRecordContext<FerryTransfer>();
  const translate = useTranslate();
  if (!r) return null;
  return (
    <Grid container spacing={2} sx={{ mt: 0.5 }}>
      {r.reason && (
        <Grid size={12}>
          <Alert severity="error" data-testid="ferry-reason">
            {translate('resources.ferry-transfers.fields.reason')}: {r.reason}
          </Alert>
        </Grid>
      )}
      {r.warning && (
        <Grid size={12}>
          <Alert severity="warning">{r.warning}</Alert>
        </Grid>
      )}
      <Grid size={12}>
        <SectionCard title="resources.ferry-transfers.name">
          <FieldGrid>
            <Item source="flow">
              <Mono>{r.flow}</Mono>
            </Item>
            <Item source="status">
              <TransferStatus value={r.status} />
            </Item>
            <Item source="direction">{translate(`resources.ferry-transfers.choices.direction.${r.direction}`)}</Item>
            <Item source="sequence">{r.sequence ?? '—'}</Item>
            <Item source="bundle">
              <Mono>{r.bundle}</Mono>
            </Item>
            <Item source="createdAt">
              <DateTimeField source="createdAt" />
            </Item>
            <Item source="signer">
              <Mono>{r.signer ?? '—'}</Mono>
            </Item>
            <Item source="manifestSm3">
              <Mono>{r.manifestSm3 ?? '—'}</Mono>
            </Item>
          </FieldGrid>
        </SectionCard>
      </Grid>
      <Grid size={12}>
        <SectionCard title="resources.ferry-transfers.fields.files">
          <Table size="small">
            <TableHead>
              <TableRow>
                <TableCell>{translate('resources.ferry-transfers.fields.name')}</TableCell>
                <TableCell>{translate('resources.ferry-transfers.fields.size')}</TableCell>
                <TableCell>{translate('resources.ferry-transfers.fields.sm3')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {r.files.map((f) => (
                <TableRow key={f.name}>
                  <TableCell>
                    <Mono>{f.name}</Mono>
                  </TableCell>
                  <TableCell>{f.size.toLocaleString()}</TableCell>
                  <TableCell>
                    <Mono>{f.sm3}</Mono>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </SectionCard>
      </Grid>
    </Grid>
  );
};

/** One ferry transfer: its manifest's files and digests, signer, and why it was quarantined. */
export const TransferShow = () => (
  <Show actions={<TopToolbar />} component="div">
    <TransferDetails />
  </Show>
);
