import LinkIcon from '@mui/icons-material/Link';
import { Alert, Link } from '@mui/material';
import { CreateButton, DataTable, FilterButton, List, SearchInput, SelectInput, TopToolbar, useTranslate } from 'react-admin';
import { choicesOf } from '../../components/choices';
import { DateTimeField, Mono } from '../../components/fields';
import { usePerms } from '../../components/usePerms';
import { CRL_URL } from '../crypto/config';
import { CERT_STATUSES, CERT_USAGES, type Certificate } from '../crypto/types';
import { CertStatusChip, SanChips } from './CertificateFields';

const CertFilters = () => {
  const translate = useTranslate();
  return [
    <SearchInput key="q" source="q" alwaysOn placeholder={translate('resources.certificates.filters.q')} />,
    <SelectInput key="status" source="status" label="resources.certificates.filters.status" choices={choicesOf('certificates', 'status', CERT_STATUSES)} alwaysOn />,
    <SelectInput key="usage" source="usage" label="resources.certificates.filters.usage" choices={choicesOf('certificates', 'usage', CERT_USAGES)} />,
  ];
};

const ListActions = () => {
  const { can } = usePerms();
  return (
    <TopToolbar>
      <FilterButton />
      {can('certificates', 'create') && <CreateButton label="resources.certificates.actions.issue" data-testid="cert-issue" />}
    </TopToolbar>
  );
};

/** Issued SM2 certificates (a tenant sees its own), with the zone's CRL. */
export const CertificateList = () => {
  const translate = useTranslate();
  return (
    <>
      <Alert severity="info" sx={{ mt: 2 }} icon={<LinkIcon />}>
        {translate('resources.certificates.hint')}{' '}
        <Link href={CRL_URL} target="_blank" rel="noopener" data-testid="crl-link">
          {translate('resources.certificates.crl')}
        </Link>
      </Alert>
      <List filters={CertFilters()} actions={<ListActions />} perPage={25} exporter={false} empty={false}>
        <DataTable<Certificate> rowClick="show" bulkActionButtons={false} data-testid="cert-table">
          <DataTable.Col source="commonName" disableSort />
          <DataTable.Col source="usage" disableSort render={(r) => translate(`resources.certificates.choices.usage.${r.usage}`)} />
          <DataTable.Col source="profile" disableSort render={(r) => translate(`resources.certificates.choices.profile.${r.profile}`)} />
          <DataTable.Col source="status" disableSort render={(r) => <CertStatusChip record={r as Certificate} />} />
          <DataTable.Col source="san" disableSort render={(r) => <SanChips san={r.san} />} />
          <DataTable.Col source="serial" disableSort render={(r) => <Mono>{r.serial}</Mono>} />
          <DataTable.Col source="notAfter" disableSort>
            <DateTimeField source="notAfter" />
          </DataTable.Col>
        </DataTable>
      </List>
    </>
  );
};
