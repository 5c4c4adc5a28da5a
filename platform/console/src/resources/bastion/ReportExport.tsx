import FileDownloadIcon from '@mui/icons-material/FileDownload';
import { Button, CircularProgress, ListSubheader, Menu, MenuItem } from '@mui/material';
import { Fragment, useState } from 'react';
import { useNotify, useTranslate } from 'react-admin';
import type { QueryValue } from '../../api/http';
import { downloadReport, REPORT_FORMATS, type ReportFormat, type ReportKind } from './reportsApi';

const RP = 'resources.bastion-reports';

/** Downloads a report and tells the user its SM3 digest (the same one the audit trail keeps). */
export function useReportDownload() {
  const notify = useNotify();
  const t = useTranslate();
  const [busy, setBusy] = useState<string | null>(null);
  const run = async (kind: ReportKind, format: ReportFormat, filter: Record<string, QueryValue>) => {
    setBusy(`${kind}.${format}`);
    try {
      const out = await downloadReport(kind, format, filter);
      notify(t(`${RP}.exported`, { file: out.fileName, sm3: out.sm3 ?? '—' }), { type: 'success', autoHideDuration: 10_000 });
      return out;
    } catch (e) {
      notify((e as Error).message, { type: 'error' });
      return null;
    } finally {
      setBusy(null);
    }
  };
  return { busy, run };
}

/** 导出报表 on a list: each report in the four formats, with the list's current filters. */
export const ReportExportMenu = ({ kinds, filter, testId }: { kinds: ReportKind[]; filter: Record<string, QueryValue>; testId: string }) => {
  const t = useTranslate();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const { busy, run } = useReportDownload();
  return (
    <>
      <Button size="small" startIcon={busy ? <CircularProgress size={14} /> : <FileDownloadIcon />} onClick={(e) => setAnchor(e.currentTarget)} disabled={!!busy} data-testid={testId}>
        {t(`${RP}.export`)}
      </Button>
      <Menu anchorEl={anchor} open={!!anchor} onClose={() => setAnchor(null)}>
        {kinds.map((kind) => (
          <Fragment key={kind}>
            <ListSubheader>{t(`${RP}.kinds.${kind}`)}</ListSubheader>
            {REPORT_FORMATS.map((f) => (
              <MenuItem
                key={f}
                data-testid={`${testId}-${kind}-${f}`}
                onClick={() => {
                  setAnchor(null);
                  void run(kind, f, filter);
                }}
              >
                {t(`${RP}.formats.${f}`)}
              </MenuItem>
            ))}
          </Fragment>
        ))}
      </Menu>
    </>
  );
};
