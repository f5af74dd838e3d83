import { Layouts, Page } from '@strapi/strapi/admin';
import { Navigate, Route, Routes } from 'react-router-dom';

import { PluginNav } from '../components/PluginNav';
import { usePluginPermissions } from '../hooks/usePluginPermissions';
import { MENU_PERMISSIONS, PERMISSIONS } from '../utils/api';
import { AudiencesPage } from './AudiencesPage';
import { ExperimentEditorPage } from './experiments/editor/ExperimentEditorPage';
import { ExperimentResultsPage } from './experiments/ExperimentResultsPage';
import { ExperimentsPage } from './experiments/ExperimentsPage';
import { HoldoutPage } from './experiments/HoldoutPage';
import { VisitorsPage } from './visitors/VisitorsPage';

/** The plugin's landing page: the audiences, or the first other page the admin may open. */
const Landing = () => {
  const { isLoading, canRead, canVisitors, canExperiments } = usePluginPermissions();
  if (isLoading) return <Page.Loading />;
  if (!canRead && canExperiments) return <Navigate to="experiments" replace />;
  if (!canRead && canVisitors) return <Navigate to="visitors" replace />;
  return (
    <Page.Protect permissions={PERMISSIONS.read}>
      <AudiencesPage />
    </Page.Protect>
  );
};

/** The plugin's pages after the landing one, each behind the RBAC actions it needs. */
const PAGES: { path: string; permissions: (typeof PERMISSIONS)[keyof typeof PERMISSIONS]; page: React.ReactElement }[] = [
  { path: 'visitors', permissions: PERMISSIONS.visitors, page: <VisitorsPage /> },
  { path: 'experiments', permissions: PERMISSIONS.experimentsRead, page: <ExperimentsPage /> },
  { path: 'experiments/new', permissions: PERMISSIONS.experimentsManage, page: <ExperimentEditorPage /> },
  { path: 'experiments/holdout', permissions: PERMISSIONS.experimentsRead, page: <HoldoutPage /> },
  { path: 'experiments/:documentId', permissions: PERMISSIONS.experimentsRead, page: <ExperimentEditorPage /> },
  { path: 'experiments/:documentId/results', permissions: PERMISSIONS.experimentsRead, page: <ExperimentResultsPage /> },
];

export const App = () => (
  <Page.Protect permissions={MENU_PERMISSIONS}>
    <Layouts.Root sideNav={<PluginNav />}>
      <Routes>
        <Route index element={<Landing />} />
        {PAGES.map(({ path, permissions, page }) => (
          <Route key={path} path={path} element={<Page.Protect permissions={permissions}>{page}</Page.Protect>} />
        ))}
        <Route path="*" element={<Page.Error />} />
      </Routes>
    </Layouts.Root>
  </Page.Protect>
);

export default App;
