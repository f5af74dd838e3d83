import { Layouts, Page } from '@strapi/strapi/admin';
import { Navigate, Route, Routes } from 'react-router-dom';

import { PluginNav } from '../components/PluginNav';
import { usePluginPermissions } from '../hooks/usePluginPermissions';
import { MENU_PERMISSIONS, PERMISSIONS } from '../utils/api';
import { AudiencesPage } from './AudiencesPage';
import { ExperimentEditorPage } from './experiments/ExperimentEditorPage';
import { ExperimentResultsPage } from './experiments/ExperimentResultsPage';
import { ExperimentsPage } from './experiments/ExperimentsPage';
import { VisitorsPage } from './VisitorsPage';

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

export const App = () => (
  <Page.Protect permissions={MENU_PERMISSIONS}>
    <Layouts.Root sideNav={<PluginNav />}>
      <Routes>
        <Route index element={<Landing />} />
        <Route
          path="visitors"
          element={
            <Page.Protect permissions={PERMISSIONS.visitors}>
              <VisitorsPage />
            </Page.Protect>
          }
        />
        <Route
          path="experiments"
          element={
            <Page.Protect permissions={PERMISSIONS.experimentsRead}>
              <ExperimentsPage />
            </Page.Protect>
          }
        />
        <Route
          path="experiments/new"
          element={
            <Page.Protect permissions={PERMISSIONS.experimentsManage}>
              <ExperimentEditorPage />
            </Page.Protect>
          }
        />
        <Route
          path="experiments/:documentId"
          element={
            <Page.Protect permissions={PERMISSIONS.experimentsRead}>
              <ExperimentEditorPage />
            </Page.Protect>
          }
        />
        <Route
          path="experiments/:documentId/results"
          element={
            <Page.Protect permissions={PERMISSIONS.experimentsRead}>
              <ExperimentResultsPage />
            </Page.Protect>
          }
        />
        <Route path="*" element={<Page.Error />} />
      </Routes>
    </Layouts.Root>
  </Page.Protect>
);

export default App;
