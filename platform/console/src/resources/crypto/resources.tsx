import { CustomRoutes, Resource } from 'react-admin';
import { Route } from 'react-router-dom';
import certificates from '../certificates';
import { InventoryPage } from '../crypto-inventory';
import ferryTransfers from '../ferry-transfers';
import kmsKeys from '../kms-keys';
import kmsUsage from '../kms-usage';
import { KmsToolsPage } from '../kms-tools/KmsToolsPage';
import { SigningPage } from '../signing/SigningPage';
import { CRYPTO_INVENTORY_PATH, KMS_TOOLS_PATH, SIGNING_PATH } from './config';

/** The 国密 services' resources and pages, registered in App.tsx with one line. */
export const cryptoResources = (
  <>
    <Resource name="kms-keys" {...kmsKeys} />
    <Resource name="kms-usage" {...kmsUsage} />
    <Resource name="certificates" {...certificates} />
    <Resource name="ferry-transfers" {...ferryTransfers} />
    <CustomRoutes>
      <Route path={CRYPTO_INVENTORY_PATH} element={<InventoryPage />} />
      <Route path={KMS_TOOLS_PATH} element={<KmsToolsPage />} />
      <Route path={SIGNING_PATH} element={<SigningPage />} />
    </CustomRoutes>
  </>
);
