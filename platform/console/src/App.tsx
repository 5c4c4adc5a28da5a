import { Admin, CustomRoutes, Resource } from 'react-admin';
import { Route } from 'react-router-dom';
import { LoginPage } from './auth/LoginPage';
import { MfaEnrolmentPage } from './auth/MfaEnrolmentPage';
import { PasswordChangePage } from './auth/PasswordChangePage';
import { cloudResources } from './cloud/resources';
import { secauditResources } from './resources/bastion/resources';
import { cryptoResources } from './resources/crypto/resources';
import { Home } from './cloud/overview/Home';
import { AppTitle } from './layout/Brand';
import { Layout } from './layout/Layout';
import { ProfilePage } from './pages/ProfilePage';
import { SecurityPolicyPage } from './pages/SecurityPolicyPage';
import { authProvider, PENDING_PATHS } from './providers/authProvider';
import { dataProvider } from './providers/dataProvider';
import { i18nProvider } from './providers/i18nProvider';
import accounts from './resources/accounts';
import audit from './resources/audit';
import { LogDashboardPage, LogRetentionPage, LogSearchPage, logAlerts, logParsers, logRules, logSources } from './resources/log-audit';
import compliance, { ComplianceDashboard, COMPLIANCE_DASHBOARD_PATH } from './resources/compliance';
import roles from './resources/roles';
import tenants from './resources/tenants';
import { theme } from './theme';

/**
 * The console. Every page needs a session (`requireAuth`); the first-login steps live outside the layout so
 * they work while every other API route still answers "finish your login first".
 */
export const App = () => (
  <Admin
    title={<AppTitle />}
    dataProvider={dataProvider}
    authProvider={authProvider}
    i18nProvider={i18nProvider}
    theme={theme}
    layout={Layout}
    loginPage={LoginPage}
    dashboard={Home}
    requireAuth
    disableTelemetry
  >
    <Resource name="tenants" {...tenants} />
    <Resource name="accounts" {...accounts} />
    <Resource name="roles" {...roles} />
    <Resource name="audit" {...audit} />
    <Resource name="tenant-audit" {...audit} />
    <Resource name="log-alerts" {...logAlerts} />
    <Resource name="log-sources" {...logSources} />
    <Resource name="log-rules" {...logRules} />
    <Resource name="log-parsers" {...logParsers} />
    <Resource name="compliance" {...compliance} />
    {cloudResources}
    {secauditResources}
    {cryptoResources}
    <CustomRoutes noLayout>
      <Route path={PENDING_PATHS.password_change} element={<PasswordChangePage />} />
      <Route path={PENDING_PATHS.mfa_enrolment} element={<MfaEnrolmentPage />} />
    </CustomRoutes>
    <CustomRoutes>
      <Route path="/security-policy" element={<SecurityPolicyPage />} />
      <Route path="/profile" element={<ProfilePage />} />
      <Route path="/log-search" element={<LogSearchPage />} />
      <Route path="/log-dashboard" element={<LogDashboardPage />} />
      <Route path="/log-retention" element={<LogRetentionPage />} />
      <Route path={COMPLIANCE_DASHBOARD_PATH} element={<ComplianceDashboard />} />
    </CustomRoutes>
  </Admin>
);
