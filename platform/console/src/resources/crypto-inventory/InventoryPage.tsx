import DownloadIcon from '@mui/icons-material/Download';
import { Alert, Box, Button, Grid, Link, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { useEffect, useState } from 'react';
import { Loading, Title, useDataProvider, useTranslate } from 'react-admin';
import { DateTimeText, Mono } from '../../components/fields';
import { SectionCard } from '../../components/Section';
import { usePerms } from '../../components/usePerms';
import type { YiyunDataProvider } from '../../providers/dataProvider';
import { saveText } from '../../api/download';
import { CRL_URL } from '../crypto/config';
import type { CaAuthority, CryptoInventory } from '../crypto/types';
import { FlowTable } from '../ferry-transfers/TransferList';

const T = 'resources.crypto-inventory';

/** A small table: header keys under resources.crypto-inventory.fields, one row per item. */
function Rows<R>({ cols, rows, render, testId }: { cols: string[]; rows: R[]; render(r: R): ReactNode[]; testId?: string }) {
  const translate = useTranslate();
  if (rows.length === 0) return <Typography color="text.secondary">{translate(`${T}.none`)}</Typography>;
  return (
    <Table size="small" data-testid={testId}>
      <TableHead>
        <TableRow>
          {cols.map((c) => (
            <TableCell key={c}>{translate(`${T}.fields.${c}`)}</TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map((r, i) => (
          <TableRow key={i}>
            {render(r).map((cell, j) => (
              <TableCell key={j} sx={{ verticalAlign: 'top' }}>
                {cell}
              </TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** The 密评 crypto inventory: algorithms and where they are used, the key hierarchy, keys, CAs, certificates (crypto.read). */
export const InventoryPage = () => {
  const translate = useTranslate();
  const dp = useDataProvider<YiyunDataProvider>();
  const { can, isPending } = usePerms();
  const [inv, setInv] = useState<CryptoInventory | null>(null);
  const [pems, setPems] = useState<CaAuthority[]>([]);
  const [error, setError] = useState<string | null>(null);
  const readCa = can('certificates', 'list');
  useEffect(() => {
    dp.cryptoInventory().then(setInv, (e: Error) => setError(e.message));
  }, [dp]);
  useEffect(() => {
    if (!isPending && readCa) dp.listAuthorities().then((r) => setPems(r.items), () => setPems([]));
  }, [dp, isPending, readCa]);
  if (error) return <Alert severity="error">{error}</Alert>;
  if (!inv) return <Loading />;
  const state = (s: string) => translate(`resources.kms-keys.choices.state.${s}`, { _: s });
  const pemOf = (serial: string) => pems.find((p) => p.serial === serial);
  return (
    <Box sx={{ mt: 2 }} data-testid="crypto-inventory">
      <Title title={translate(`${T}.name`)} />
      <Stack direction="row" alignItems="center" justifyContent="space-between" sx={{ mb: 2 }}>
        <Typography>{translate(`${T}.intro`, { zone: inv.zone })}</Typography>
        <Button size="small" variant="outlined" startIcon={<DownloadIcon />} onClick={() => saveText(`crypto-inventory-${inv.zone}.json`, `${JSON.stringify(inv, null, 2)}\n`, 'application/json')} data-testid="inventory-export">
          {translate(`${T}.export`)}
        </Button>
      </Stack>
      <Grid container spacing={2}>
        <Grid size={12}>
          <SectionCard title={`${T}.sections.algorithms`}>
            <Rows
              testId="inventory-algorithms"
              cols={['algorithm', 'standard', 'oid', 'use', 'where', 'implementation']}
              rows={inv.algorithms}
              render={(a) => [<strong key="a">{a.algorithm}</strong>, a.standard, <Box key="o" component="code" sx={{ fontFamily: 'monospace', fontSize: 13, whiteSpace: 'nowrap' }}>{a.oid ?? '—'}</Box>, a.use, <Mono key="w">{a.where}</Mono>, a.implementation]}
            />
          </SectionCard>
        </Grid>
        <Grid size={{ xs: 12, md: 6 }}>
          <SectionCard title={`${T}.sections.hierarchy`}>
            <Rows
              cols={['kek', 'kek_source']}
              rows={[inv.keyHierarchy.kek]}
              render={(k) => [<Mono key="k">{k.id}</Mono>, <span key="s">{k.source}<Typography variant="caption" color="text.secondary" component="div">{k.note}</Typography></span>]}
            />
            <Box sx={{ mt: 2 }} />
            <Rows cols={['root_key', 'sealed_by', 'algorithm']} rows={[inv.keyHierarchy.rootKey]} render={(k) => [k.zone, <Mono key="s">{k.sealedBy}</Mono>, k.algorithm]} />
          </SectionCard>
        </Grid>
        <Grid size={{ xs: 12, md: 3 }}>
          <SectionCard title={`${T}.sections.keys`}>
            <Rows testId="inventory-keys" cols={['state', 'origin', 'count']} rows={inv.masterKeys} render={(k) => [state(k.state), translate(`resources.kms-keys.choices.origin.${k.origin}`, { _: k.origin }), k.count]} />
          </SectionCard>
        </Grid>
        <Grid size={{ xs: 12, md: 3 }}>
          <SectionCard title={`${T}.sections.certificates`}>
            <Rows
              testId="inventory-certificates"
              cols={['usage', 'status', 'count']}
              rows={inv.certificates}
              render={(c) => [translate(`resources.certificates.choices.usage.${c.usage}`, { _: c.usage }), translate(`resources.certificates.choices.status.${c.status}`, { _: c.status }), c.count]}
            />
          </SectionCard>
        </Grid>
        <Grid size={12}>
          <SectionCard
            title={`${T}.sections.authorities`}
            action={
              <Link href={CRL_URL} target="_blank" rel="noopener" sx={{ mr: 1, fontSize: 14 }}>
                {translate('resources.certificates.crl')}
              </Link>
            }
          >
            <Rows
              testId="inventory-authorities"
              cols={['zone', 'kind', 'subject', 'serial', 'notAfter', 'crlNumber', 'pem']}
              rows={inv.authorities}
              render={(a) => {
                const pem = pemOf(a.serial);
                return [
                  a.zone,
                  translate(`${T}.kinds.${a.kind}`, { _: a.kind }),
                  <Mono key="s">{a.subject}</Mono>,
                  <Mono key="n">{a.serial}</Mono>,
                  <DateTimeText key="d" value={a.notAfter} />,
                  a.crlNumber,
                  pem ? (
                    <Button key="p" size="small" startIcon={<DownloadIcon />} onClick={() => saveText(`${a.zone}-${a.kind}-ca.pem`, pem.certificatePem)}>
                      PEM
                    </Button>
                  ) : (
                    '—'
                  ),
                ];
              }}
            />
          </SectionCard>
        </Grid>
        <Grid size={{ xs: 12, md: 5 }}>
          <SectionCard title={`${T}.sections.identities`}>
            <Rows cols={['zone', 'name', 'certificateId']} rows={inv.serviceIdentities} render={(i) => [i.zone, <Mono key="n">{i.name}</Mono>, <Mono key="c">{i.certificateId}</Mono>]} />
          </SectionCard>
        </Grid>
        <Grid size={{ xs: 12, md: 7 }}>
          <SectionCard title={`${T}.sections.flows`}>
            <FlowTable flows={inv.ferryFlows} />
          </SectionCard>
        </Grid>
      </Grid>
    </Box>
  );
};
