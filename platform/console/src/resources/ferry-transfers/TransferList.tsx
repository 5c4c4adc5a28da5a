import { Alert, Card, CardContent, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { DataTable, List, SelectInput, TextInput, useDataProvider, useTranslate } from 'react-admin';
import { choicesOf } from '../../components/choices';
import { DateTimeField, Mono, StatusChip } from '../../components/fields';
import type { YiyunDataProvider } from '../../providers/dataProvider';
import { DIRECTIONS, TRANSFER_STATUSES, type FerryFlow, type FerryTransfer } from '../crypto/types';

export const TRANSFER_TONES = { exported: 'info', imported: 'success', imported_with_gap: 'warning', quarantined: 'error' } as const;

export const TransferStatus = ({ value }: { value: string }) => <StatusChip resource="ferry-transfers" group="status" value={value} tones={TRANSFER_TONES} />;

const filters = [
  <SelectInput key="status" source="status" label="resources.ferry-transfers.filters.status" choices={choicesOf('ferry-transfers', 'status', TRANSFER_STATUSES)} alwaysOn />,
  <SelectInput key="direction" source="direction" label="resources.ferry-transfers.filters.direction" choices={choicesOf('ferry-transfers', 'direction', DIRECTIONS)} alwaysOn />,
  <TextInput key="flow" source="flow" label="resources.ferry-transfers.filters.flow" alwaysOn />,
];

/** The gatekeeper flows declared in the estate (Pulumi.yaml), with their direction from this zone. */
export const FlowTable = ({ flows }: { flows: FerryFlow[] }) => {
  const translate = useTranslate();
  const f = (k: string) => translate(`resources.ferry-transfers.fields.${k}`);
  return (
    <Table size="small" data-testid="ferry-flows">
      <TableHead>
        <TableRow>
          {['flow', 'from', 'to', 'payload', 'maxFileMb', 'description'].map((k) => (
            <TableCell key={k}>{f(k)}</TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {flows.map((x) => (
          <TableRow key={x.id}>
            <TableCell sx={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }}>{x.id}</TableCell>
            <TableCell>{x.from}</TableCell>
            <TableCell>{x.to}</TableCell>
            <TableCell>{x.payload}</TableCell>
            <TableCell>{x.maxFileMb}</TableCell>
            <TableCell>{x.description}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};

const Flows = () => {
  const translate = useTranslate();
  const dp = useDataProvider<YiyunDataProvider>();
  const [flows, setFlows] = useState<FerryFlow[] | null>(null);
  useEffect(() => {
    dp.listFerryFlows().then(
      (r) => setFlows(r.items),
      () => setFlows([]),
    );
  }, [dp]);
  if (!flows?.length) return null;
  return (
    <Card sx={{ mt: 2 }}>
      <CardContent>
        <Typography variant="subtitle1" fontWeight={600} gutterBottom>
          {translate('resources.ferry-transfers.flows')}
        </Typography>
        <FlowTable flows={flows} />
      </CardContent>
    </Card>
  );
};

/** Ferry history: exports, imports and quarantines with their reasons, newest first. */
export const TransferList = () => {
  const translate = useTranslate();
  return (
    <>
      <Alert severity="info" sx={{ mt: 2 }}>
        {translate('resources.ferry-transfers.hint')}
      </Alert>
      <Flows />
      <List filters={filters} perPage={25} exporter={false} empty={false}>
        <DataTable<FerryTransfer> rowClick="show" bulkActionButtons={false} data-testid="ferry-table">
          <DataTable.Col source="createdAt" disableSort>
            <DateTimeField source="createdAt" />
          </DataTable.Col>
          <DataTable.Col source="direction" disableSort render={(r) => translate(`resources.ferry-transfers.choices.direction.${r.direction}`)} />
          <DataTable.Col source="flow" disableSort render={(r) => <Mono>{r.flow}</Mono>} />
          <DataTable.Col source="sequence" disableSort />
          <DataTable.Col source="status" disableSort render={(r) => <TransferStatus value={r.status} />} />
          <DataTable.Col source="reason" disableSort render={(r) => r.reason ?? r.warning ?? ''} />
          <DataTable.Col source="bundle" disableSort render={(r) => <Mono>{r.bundle}</Mono>} />
        </DataTable>
      </List>
    </>
  );
};
